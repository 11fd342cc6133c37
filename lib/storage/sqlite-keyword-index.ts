import type Database from "better-sqlite3";
import { termScoresFrom, topRowsBySummedScore, type TermScores } from "@/lib/storage/keyword-scores";
import type { KeywordIndex, KeywordMatch, NewPassage, PassageRecord } from "@/lib/storage/registry-types";
import type { SqliteChanges } from "@/lib/storage/sqlite-changes";
import type { CachedPassage } from "@/lib/storage/sqlite-passages";
import { toPassage, type PassageRow } from "@/lib/storage/sqlite-rows";

/**
 * The keyword index: the passages table and its FTS5 index passages_fts (migration 2), a passage's
 * FTS rowid being its row id. What search reads of it (each word's postings, each term's BM25
 * list, keyword rankings, passages by rowid, counts, covers) is cached until the indexed content
 * changes here or in another process (sqlite-changes.ts): a search then costs no SQL for what
 * earlier ones read. Each cache is emptied when it reaches its bound rather than tracking recency.
 * Over 300 lines because the queries and the caches that answer them belong together: split apart,
 * each cache would sit away from the query it must match.
 */

// BM25 weights of the FTS5 columns (context: title and section path; body: the passage). Equal
// weights measured best on northwind (0.5 and 2 for the context were no better; docs/retrieval.md).
const BM25_WEIGHTS = { context: 1, body: 1 };
const VOCABULARY_REFRESH_MILLISECONDS = 60_000;
/** Most entries (words or terms) a size-bounded cache holds, whatever their sizes. */
const MAXIMUM_CACHED_TERMS = 10_000;
/** Most passage rowids the word-postings cache holds in all (4 bytes each: 40 MB). */
const MAXIMUM_CACHED_POSTINGS = 10_000_000;
/**
 * Most (row, score) pairs the keyword-term cache holds in all (12 bytes each: 48 MB). A word in a
 * third of a 100,000-passage library takes 33,000; a question's words are mostly asked again.
 */
const MAXIMUM_CACHED_TERM_SCORES = 4_000_000;
/** Most passages the keyword results' rowid → passage cache holds. */
const MAXIMUM_CACHED_PASSAGE_ROWS = 50_000;
/** Most words whose passage count alone is cached (spelling and feedback ask for many words). */
const MAXIMUM_CACHED_COUNTS = 50_000;
const MAXIMUM_CACHED_RESULTS = 500;

/** The passages holding one word, as FTS rowids. */
interface WordPostings {
  /** Sorted ascending (binary-searched): a Set of 100,000 rowids cost ~10× the memory and time to build. */
  rowIds: Int32Array;
}

/** Position of `value` in the ascending `sorted`, or -1. */
function sortedIndexOf(sorted: Int32Array, value: number): number {
  let low = 0;
  let high = sorted.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const found = sorted[middle] ?? 0;
    if (found === value) return middle;
    if (found < value) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}

/** A word as one plain FTS5 term: quoted, whatever it contains (see keyword-query.ts). */
const term = (word: string) => `"${word.replace(/"/g, '""')}"`;

export interface SqliteKeywordIndex {
  index: KeywordIndex;
  /** Writes passages (of chunks just written, whose texts are given by chunk id) and their keyword rows, in the caller's transaction. */
  indexPassages: (passages: readonly NewPassage[], texts: ReadonlyMap<string, string>) => void;
}

export function createSqliteKeywordIndex(options: {
  database: Database.Database;
  changes: SqliteChanges;
  passagesOf: (chunkIds: string[]) => Map<string, CachedPassage[]>;
}): SqliteKeywordIndex {
  const { database, changes, passagesOf } = options;
  const { caches } = changes;
  const statements = {
    insertPassage: database.prepare(
      `INSERT INTO passages (chunk_id, document_id, passage_index, char_start, char_end, page)
       VALUES (@chunkId, @documentId, @passageIndex, @start, @end, @page)`,
    ),
    insertPassageText: database.prepare(`INSERT INTO passages_fts (rowid, context, body) VALUES (?, ?, ?)`),
    countPassages: database.prepare(`SELECT count(*) AS count FROM passages`),
    // Rowids only, in rowid order: joining passages here for each row's document cost several
    // times the query itself for a common word in a large library; documents come from
    // passageDocuments. Every keyword-index row has its passage row (inserted together, deleted by
    // trigger), so the counts equal those of the join.
    wordPostings: database.prepare(`SELECT rowid FROM passages_fts WHERE passages_fts MATCH ?`).pluck(),
    wordCount: database.prepare(`SELECT count(*) FROM passages_fts WHERE passages_fts MATCH ?`).pluck(),
    passageDocuments: database.prepare(`SELECT id, document_id FROM passages ORDER BY id`).raw(),
    // One term's BM25 score in every row holding it (lib/storage/keyword-scores.ts): the only
    // per-row scoring FTS5 does; a query's ranking is summed from these lists.
    termScores: database.prepare(`SELECT rowid, bm25(passages_fts, ${BM25_WEIGHTS.context}, ${BM25_WEIGHTS.body}) FROM passages_fts WHERE passages_fts MATCH ?`).raw(),
    passagesByIds: database.prepare(`SELECT * FROM passages WHERE id IN (SELECT value FROM json_each(?))`),
    // The first page's passages, or the first chunk's for documents without pages. The first page
    // per document is computed once (a correlated subquery per passage took seconds in a large library).
    documentCovers: database.prepare(
      `WITH first_pages AS (SELECT document_id, min(page) AS page FROM passages GROUP BY document_id)
       SELECT passages.document_id AS documentId, passages_fts.body AS body
       FROM passages JOIN chunks ON chunks.id = passages.chunk_id LEFT JOIN first_pages ON first_pages.document_id = passages.document_id
       JOIN passages_fts ON passages_fts.rowid = passages.id
       WHERE CASE WHEN passages.page IS NULL THEN chunks.chunk_index = 0 ELSE passages.page = first_pages.page END
       ORDER BY passages.id`,
    ),
  };

  const postingsCache = caches.cache<string, WordPostings>("content", {
    maximumEntries: MAXIMUM_CACHED_TERMS,
    maximumSize: MAXIMUM_CACHED_POSTINGS,
    sizeOf: (postings) => postings.rowIds.length,
  });
  const countCache = caches.cache<string, number>("content", { maximumEntries: MAXIMUM_CACHED_COUNTS });
  const keywordResultCache = caches.cache<string, KeywordMatch[]>("content", { maximumEntries: MAXIMUM_CACHED_RESULTS });
  const termScoresCache = caches.cache<string, TermScores>("content", {
    maximumEntries: MAXIMUM_CACHED_TERMS,
    maximumSize: MAXIMUM_CACHED_TERM_SCORES,
    sizeOf: (scores) => scores.rowIds.length,
  });
  /** Passages by FTS rowid, for keyword results (the same passages rank for many questions). */
  const passageByRow = caches.cache<number, PassageRecord>("content", { maximumEntries: MAXIMUM_CACHED_PASSAGE_ROWS });
  const passageTotal = caches.value("content", () => (statements.countPassages.get() as { count: number }).count);
  /** Every passage's FTS rowid (sorted) and document. */
  const passageDocuments = caches.value("content", () => {
    const rows = statements.passageDocuments.all() as [number, string][];
    const rowIds = new Int32Array(rows.length);
    const documentIndex = new Int32Array(rows.length);
    const documents: string[] = [];
    const indexOf = new Map<string, number>();
    rows.forEach(([rowId, documentId], index) => {
      let document = indexOf.get(documentId);
      if (document === undefined) {
        document = documents.length;
        documents.push(documentId);
        indexOf.set(documentId, document);
      }
      rowIds[index] = rowId;
      documentIndex[index] = document;
    });
    return { rowIds, documentIndex, documents };
  });
  const covers = caches.value("content", () => {
    const result = new Map<string, string>();
    for (const row of statements.documentCovers.iterate() as IterableIterator<{ documentId: string; body: string | null }>) {
      result.set(row.documentId, `${result.get(row.documentId) ?? ""} ${row.body ?? ""}`.trim());
    }
    return result;
  });
  // The spelling vocabulary costs a scan of every passage, so it is rebuilt at most once a minute
  // after the content changed (its generation tells), rather than emptied with the other caches.
  let vocabulary: { words: Map<string, number>; generation: number; builtAt: number } | undefined;

  // The helpers below read caches: their callers refresh the change tracker first.
  /** The passages (FTS rowids) containing `word` as the index stems it. */
  const postingsOf = (word: string): WordPostings => {
    let postings = postingsCache.get(word);
    if (!postings) {
      // A query word's BM25 list holds the same rows: no second scan of its postings.
      const rows = termScoresCache.get(word)?.rowIds ?? (statements.wordPostings.all(term(word)) as number[]);
      const lookup = passageDocuments.get();
      const rowIds = new Int32Array(rows.length);
      let kept = 0;
      for (const rowId of rows) {
        if (sortedIndexOf(lookup.rowIds, rowId) < 0) continue;
        rowIds[kept] = rowId;
        kept += 1;
      }
      postings = { rowIds: rowIds.subarray(0, kept).sort() };
      postingsCache.set(word, postings);
    }
    return postings;
  };
  /** One term's BM25 score per row holding it. */
  const termScoresOf = (text: string): TermScores => {
    let scores = termScoresCache.get(text);
    if (!scores) {
      // bm25() is the negated score (lower ranks first); negation is exact, so the sums stay bit-equal.
      scores = termScoresFrom(statements.termScores.all(term(text)) as [number, number][], { negate: true });
      termScoresCache.set(text, scores);
    }
    return scores;
  };
  /** How many passages hold `word`; a count query when its postings are not cached (feedback asks for dozens of words). */
  const countOf = (word: string): number => {
    const postings = postingsCache.get(word);
    if (postings) return postings.rowIds.length;
    let count = countCache.get(word);
    if (count === undefined) {
      count = statements.wordCount.get(term(word)) as number;
      countCache.set(word, count);
    }
    return count;
  };
  /** The top passages for `terms` by summed BM25, as matches. */
  const rankedMatches = (options: { terms: string[]; limit: number; documentIds?: string[] }): KeywordMatch[] => {
    let accept: ((rowId: number) => boolean) | undefined;
    if (options.documentIds) {
      const wanted = new Set(options.documentIds);
      const lookup = passageDocuments.get();
      accept = (rowId) => {
        const index = sortedIndexOf(lookup.rowIds, rowId);
        return index >= 0 && wanted.has(lookup.documents[lookup.documentIndex[index] ?? -1] ?? "");
      };
    }
    const top = topRowsBySummedScore({ lists: options.terms.map(termScoresOf), limit: options.limit, accept });
    const missing = top.filter((row) => !passageByRow.has(row.rowId)).map((row) => row.rowId);
    if (missing.length > 0) {
      passageByRow.reserve(missing.length);
      for (const row of statements.passagesByIds.all(JSON.stringify(missing)) as PassageRow[]) passageByRow.set(row.id, toPassage(row));
    }
    const matches: KeywordMatch[] = [];
    for (const { rowId, score } of top) {
      const passage = passageByRow.get(rowId);
      // A literal: a spread plus a property takes V8's slow copy path (docs/performance.md).
      if (passage)
        matches.push({
          chunkId: passage.chunkId,
          documentId: passage.documentId,
          passageIndex: passage.passageIndex,
          start: passage.start,
          end: passage.end,
          page: passage.page,
          score,
        });
    }
    return matches;
  };

  const indexPassages = (passages: readonly NewPassage[], texts: ReadonlyMap<string, string>) => {
    for (const passage of passages) {
      const text = texts.get(passage.chunkId);
      if (text === undefined) throw new Error(`Passage of unknown chunk ${passage.chunkId}`);
      const { lastInsertRowid } = statements.insertPassage.run(passage);
      statements.insertPassageText.run(lastInsertRowid, passage.context, text.slice(passage.start, passage.end));
    }
  };

  const index: KeywordIndex = {
    searchKeywords(options) {
      if (options.terms.length === 0 || (options.documentIds && options.documentIds.length === 0)) return [];
      changes.refresh();
      const key = `${options.limit}\u0000${options.terms.join("\u0001")}\u0000${options.documentIds?.join("\u0001") ?? ""}`;
      let matches = keywordResultCache.get(key);
      if (!matches) {
        matches = rankedMatches(options);
        keywordResultCache.set(key, matches);
      }
      return matches;
    },
    passageCount() {
      changes.refresh();
      return passageTotal.get();
    },
    passagesContaining(word) {
      changes.refresh();
      return countOf(word);
    },
    indexedWords() {
      changes.refresh();
      const generation = caches.generation("content");
      const unchanged = vocabulary?.generation === generation;
      if (vocabulary && (unchanged || Date.now() - vocabulary.builtAt < VOCABULARY_REFRESH_MILLISECONDS)) return vocabulary.words;
      const words = new Map<string, number>();
      for (const row of database.prepare(`SELECT context, body FROM passages_fts`).iterate() as IterableIterator<{ context: string | null; body: string | null }>) {
        const text = `${row.context ?? ""} ${row.body ?? ""}`.toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "");
        for (const word of text.match(/\p{L}+/gu) ?? []) words.set(word, (words.get(word) ?? 0) + 1);
      }
      vocabulary = { words, generation, builtAt: Date.now() };
      return words;
    },
    keywordCoverage(options) {
      const coverage = new Map<string, number>();
      if (options.passages.length === 0) return coverage;
      changes.refresh();
      const wanted = new Set(options.passages.map((passage) => `${passage.chunkId}#${passage.passageIndex}`));
      const keyOfRow = new Map<number, string>();
      const documentOfRow = new Map<number, string>();
      for (const passages of passagesOf(options.passages.map((passage) => passage.chunkId)).values()) {
        for (const { rowId, record } of passages) {
          const key = `${record.chunkId}#${record.passageIndex}`;
          if (!wanted.has(key)) continue;
          keyOfRow.set(rowId, key);
          documentOfRow.set(rowId, record.documentId);
        }
      }
      const total = passageTotal.get();
      const gained = new Map<string, number>();
      let weightSum = 0;
      for (const word of options.words) {
        const postings = postingsOf(word);
        const weight = Math.log((total + 1) / (postings.rowIds.length + 0.5));
        if (weight <= 0) continue;
        weightSum += weight;
        for (const [rowId, key] of keyOfRow) {
          const named = options.documentWords?.get(documentOfRow.get(rowId) ?? "")?.has(word) ?? false;
          if (sortedIndexOf(postings.rowIds, rowId) >= 0 || named) gained.set(key, (gained.get(key) ?? 0) + weight);
        }
      }
      for (const key of keyOfRow.values()) coverage.set(key, weightSum > 0 ? (gained.get(key) ?? 0) / weightSum : 0);
      return coverage;
    },
    documentCovers() {
      changes.refresh();
      return covers.get();
    },
  };
  return { index, indexPassages };
}
