/**
 * BM25 rankings assembled from per-term scores. FTS5's bm25() scores a row for a query of
 * phrases joined with OR as the sum, in query order, of each phrase's own term (its IDF times a
 * saturating function of its frequency in the row and the row's length): a phrase the row lacks
 * adds exactly 0. Each phrase's term is what bm25() gives for a query of that phrase alone, so
 * the per-phrase scores can be read once per phrase and cached, and a query's ranking is a sum
 * of those lists instead of FTS5 scoring and sorting every row that holds any query word (which
 * grows with the library; docs/performance.md).
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
 * Builds a term's list from (rowid, score) pairs in any order, sorted by rowid; `negate` takes
 * the negated scores (bm25() returns the score negated, so that lower ranks first).
 */
export function termScoresFrom(rows: readonly (readonly [number, number])[], options: { negate?: boolean } = {}): TermScores {
  const sign = options.negate ? -1 : 1;
  const rowIds = new Int32Array(rows.length);
  const scores = new Float64Array(rows.length);
  let ascending = true;
  rows.forEach(([rowId, score], index) => {
    rowIds[index] = rowId;
    scores[index] = sign * score;
    if (index > 0 && rowId <= (rowIds[index - 1] ?? 0)) ascending = false;
  });
  if (ascending) return { rowIds, scores };
  // FTS5 returns rowids in order; this only guards the rowid merge against an index that does not.
  const order = [...rows.keys()].sort((left, right) => (rows[left]?.[0] ?? 0) - (rows[right]?.[0] ?? 0));
  return { rowIds: Int32Array.from(order, (index) => rowIds[index] ?? 0), scores: Float64Array.from(order, (index) => scores[index] ?? 0) };
}

/** A bounded min-heap of the best rows so far: the worst (lowest score, then highest rowid) on top. */
class BestRows {
  private readonly rows: Int32Array;
  private readonly scores: Float64Array;
  private size = 0;

  constructor(private readonly limit: number) {
    this.rows = new Int32Array(limit);
    this.scores = new Float64Array(limit);
  }

  /** Whether a row with this score would be kept: it beats the worst kept (higher score, or equal and lower rowid). */
  wouldKeep(rowId: number, score: number): boolean {
    if (this.size < this.limit) return true;
    const worst = this.scores[0] ?? 0;
    return score > worst || (score === worst && rowId < (this.rows[0] ?? 0));
  }

  /** Offers a row (in any order). */
  offer(rowId: number, score: number): void {
    if (this.size < this.limit) {
      let index = this.size;
      this.size += 1;
      this.rows[index] = rowId;
      this.scores[index] = score;
      while (index > 0) {
        const parent = (index - 1) >> 1;
        if (!this.worse(index, parent)) break;
        this.swap(index, parent);
        index = parent;
      }
    } else if (this.wouldKeep(rowId, score)) {
      this.rows[0] = rowId;
      this.scores[0] = score;
      let index = 0;
      for (;;) {
        const left = 2 * index + 1;
        const right = left + 1;
        let worst = index;
        if (left < this.size && this.worse(left, worst)) worst = left;
        if (right < this.size && this.worse(right, worst)) worst = right;
        if (worst === index) return;
        this.swap(index, worst);
        index = worst;
      }
    }
  }

  /** The kept rows, best first, ties by rowid. */
  sorted(): ScoredRow[] {
    const result: ScoredRow[] = [];
    for (let index = 0; index < this.size; index += 1) result.push({ rowId: this.rows[index] ?? 0, score: this.scores[index] ?? 0 });
    return result.sort((left, right) => right.score - left.score || left.rowId - right.rowId);
  }

  private worse(left: number, right: number): boolean {
    const leftScore = this.scores[left] ?? 0;
    const rightScore = this.scores[right] ?? 0;
    return leftScore < rightScore || (leftScore === rightScore && (this.rows[left] ?? 0) > (this.rows[right] ?? 0));
  }

  private swap(left: number, right: number): void {
    const row = this.rows[left] ?? 0;
    const score = this.scores[left] ?? 0;
    this.rows[left] = this.rows[right] ?? 0;
    this.scores[left] = this.scores[right] ?? 0;
    this.rows[right] = row;
    this.scores[right] = score;
  }
}

/**
 * Largest rowid summed in a dense array (8 bytes of scratch per rowid up to it: 32 MB at most);
 * libraries whose rowids run higher (after much re-indexing) take the merge.
 */
const DENSE_ROWID_LIMIT = 4_000_000;
let scratch: { sums: Float64Array; seen: Uint8Array } | undefined;

/**
 * The `limit` rows with the highest sum of their scores in `lists`, best first; ties go to the
 * lower rowid, as SQLite's `ORDER BY rank LIMIT n` over FTS5's rowid-ordered rows keeps the
 * first. Each row's sum starts at 0 and adds the lists' scores in list order, the order bm25()
 * adds its phrases' terms, so the sums equal bm25()'s to the bit. `accept` filters rows (e.g.
 * by document) before they count towards the limit.
 *
 * The lists are summed list by list into an array indexed by rowid: a few operations per row,
 * where merging the lists row by row cost a loop over every list per row (docs/performance.md).
 */
export function topRowsBySummedScore(options: { lists: readonly TermScores[]; limit: number; accept?: (rowId: number) => boolean }): ScoredRow[] {
  const { lists, limit, accept } = options;
  if (limit <= 0 || lists.length === 0) return [];
  let lowest = 0;
  let highest = 0;
  let total = 0;
  for (const list of lists) {
    if (list.rowIds.length === 0) continue;
    lowest = Math.min(lowest, list.rowIds[0] ?? 0);
    highest = Math.max(highest, list.rowIds[list.rowIds.length - 1] ?? 0);
    total += list.rowIds.length;
  }
  if (lowest < 0 || highest >= DENSE_ROWID_LIMIT) return mergedTopRows(options);
  if (!scratch || scratch.sums.length <= highest) {
    const size = Math.min(DENSE_ROWID_LIMIT, Math.max(highest + 1, 2 * (scratch?.sums.length ?? 0)));
    scratch = { sums: new Float64Array(size), seen: new Uint8Array(size) };
  }
  const { sums, seen } = scratch;
  const touched = new Int32Array(total);
  let count = 0;
  for (const { rowIds, scores } of lists) {
    for (let index = 0; index < rowIds.length; index += 1) {
      const rowId = rowIds[index] ?? 0;
      if (seen[rowId] === 0) {
        seen[rowId] = 1;
        touched[count] = rowId;
        count += 1;
        sums[rowId] = 0 + (scores[index] ?? 0);
      } else {
        sums[rowId] = (sums[rowId] ?? 0) + (scores[index] ?? 0);
      }
    }
  }
  const best = new BestRows(limit);
  for (let index = 0; index < count; index += 1) {
    const rowId = touched[index] ?? 0;
    const score = sums[rowId] ?? 0;
    // The scratch is left zeroed for the next call.
    seen[rowId] = 0;
    sums[rowId] = 0;
    if (best.wouldKeep(rowId, score) && (!accept || accept(rowId))) best.offer(rowId, score);
  }
  return best.sorted();
}

/** The same ranking by merging the lists in rowid order (for rowids outside the dense array's range). */
function mergedTopRows(options: { lists: readonly TermScores[]; limit: number; accept?: (rowId: number) => boolean }): ScoredRow[] {
  const { lists, limit, accept } = options;
  const positions = new Int32Array(lists.length);
  const best = new BestRows(limit);
  for (;;) {
    let rowId = Infinity;
    for (let list = 0; list < lists.length; list += 1) {
      const rowIds = (lists[list] as TermScores).rowIds;
      const position = positions[list] ?? 0;
      if (position < rowIds.length) rowId = Math.min(rowId, rowIds[position] ?? Infinity);
    }
    if (rowId === Infinity) return best.sorted();
    let score = 0;
    for (let list = 0; list < lists.length; list += 1) {
      const scores = lists[list] as TermScores;
      const position = positions[list] ?? 0;
      if (position < scores.rowIds.length && scores.rowIds[position] === rowId) {
        score += scores.scores[position] ?? 0;
        positions[list] = position + 1;
      }
    }
    if (!accept || accept(rowId)) best.offer(rowId, score);
  }
}
