/**
 * BM25 rankings assembled from per-term scores. FTS5's bm25() scores a row for a query of
 * phrases joined with OR as the sum, in query order, of each phrase's own term (its IDF times a
 * saturating function of its frequency in the row and the row's length): a phrase the row lacks
 * adds exactly 0. Each phrase's term is what bm25() gives for a query of that phrase alone, so
 * the per-phrase scores can be read once per phrase and cached, and a query's ranking is a merge
 * of those lists instead of FTS5 scoring and sorting every row that holds any query word (over
 * 100 ms per query at 100,000 passages; docs/performance.md).
 */

/** One term's (word's or phrase's) BM25 score in each row holding it, rowids ascending. */
export interface TermScores {
  rowIds: Int32Array;
  scores: Float64Array;
}

/** A row and its summed score. */
export interface ScoredRow {
  rowId: number;
  score: number;
}

/**
 * Builds a term's list from (rowid, score) pairs in any order, sorted by rowid; one allocation
 * each for ids and scores.
 */
export function termScoresFrom(rows: readonly (readonly [number, number])[]): TermScores {
  const rowIds = new Int32Array(rows.length);
  const scores = new Float64Array(rows.length);
  let ascending = true;
  rows.forEach(([rowId, score], index) => {
    rowIds[index] = rowId;
    scores[index] = score;
    if (index > 0 && rowId <= (rowIds[index - 1] ?? 0)) ascending = false;
  });
  if (ascending) return { rowIds, scores };
  // FTS5 returns rowids in order; this only guards the merge below against an index that does not.
  const order = [...rows.keys()].sort((left, right) => (rows[left]?.[0] ?? 0) - (rows[right]?.[0] ?? 0));
  return { rowIds: Int32Array.from(order, (index) => rows[index]?.[0] ?? 0), scores: Float64Array.from(order, (index) => rows[index]?.[1] ?? 0) };
}

/**
 * The `limit` rows with the highest sum of their scores in `lists`, best first; ties go to the
 * lower rowid, as SQLite's `ORDER BY rank LIMIT n` over FTS5's rowid-ordered rows keeps the
 * first. Each row's sum starts at 0 and adds the lists' scores in list order, the order bm25()
 * adds its phrases' terms, so the sums equal bm25()'s to the bit. `accept` filters rows (e.g.
 * by document) before they count towards the limit.
 */
export function topRowsBySummedScore(options: { lists: readonly TermScores[]; limit: number; accept?: (rowId: number) => boolean }): ScoredRow[] {
  const { lists, limit, accept } = options;
  if (limit <= 0 || lists.length === 0) return [];
  const positions = new Int32Array(lists.length);
  // A min-heap of the best rows so far, the worst (lowest score, then highest rowid) on top.
  const heapRows = new Int32Array(limit);
  const heapScores = new Float64Array(limit);
  let heapSize = 0;
  const worse = (left: number, right: number) => {
    const leftScore = heapScores[left] ?? 0;
    const rightScore = heapScores[right] ?? 0;
    return leftScore < rightScore || (leftScore === rightScore && (heapRows[left] ?? 0) > (heapRows[right] ?? 0));
  };
  const swap = (left: number, right: number) => {
    const row = heapRows[left] ?? 0;
    const score = heapScores[left] ?? 0;
    heapRows[left] = heapRows[right] ?? 0;
    heapScores[left] = heapScores[right] ?? 0;
    heapRows[right] = row;
    heapScores[right] = score;
  };
  const siftDown = (start: number) => {
    let index = start;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let worst = index;
      if (left < heapSize && worse(left, worst)) worst = left;
      if (right < heapSize && worse(right, worst)) worst = right;
      if (worst === index) return;
      swap(index, worst);
      index = worst;
    }
  };
  for (;;) {
    // The next row in ascending order: the smallest rowid at the lists' current positions.
    let rowId = Infinity;
    for (let list = 0; list < lists.length; list += 1) {
      const scores = lists[list] as TermScores;
      const position = positions[list] ?? 0;
      if (position < scores.rowIds.length) rowId = Math.min(rowId, scores.rowIds[position] ?? Infinity);
    }
    if (rowId === Infinity) break;
    let score = 0;
    for (let list = 0; list < lists.length; list += 1) {
      const scores = lists[list] as TermScores;
      const position = positions[list] ?? 0;
      if (position < scores.rowIds.length && scores.rowIds[position] === rowId) {
        score += scores.scores[position] ?? 0;
        positions[list] = position + 1;
      }
    }
    if (accept && !accept(rowId)) continue;
    if (heapSize < limit) {
      // Sift up.
      let index = heapSize;
      heapRows[index] = rowId;
      heapScores[index] = score;
      heapSize += 1;
      while (index > 0) {
        const parent = (index - 1) >> 1;
        if (!worse(index, parent)) break;
        swap(index, parent);
        index = parent;
      }
    } else if (score > (heapScores[0] ?? 0)) {
      // Rows come in ascending rowid order, so an equal score never displaces an earlier row.
      heapRows[0] = rowId;
      heapScores[0] = score;
      siftDown(0);
    }
  }
  const result: ScoredRow[] = [];
  for (let index = 0; index < heapSize; index += 1) result.push({ rowId: heapRows[index] ?? 0, score: heapScores[index] ?? 0 });
  return result.sort((left, right) => right.score - left.score || left.rowId - right.rowId);
}
