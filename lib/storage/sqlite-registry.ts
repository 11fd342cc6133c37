import Database from "better-sqlite3";
import type { DocumentKind } from "@/lib/contracts/documents";
import type {
  ChunkRecord,
  DocumentProgress,
  DocumentRecord,
  DocumentRegistry,
  DocumentStatus,
  KeywordMatch,
  NewDocument,
  NewPassage,
  PageSpan,
  PassageRecord,
} from "@/lib/storage/registry-types";
import { wholeChunkPassage } from "@/lib/storage/registry-types";
import { termScoresFrom, topRowsBySummedScore, type TermScores } from "@/lib/storage/keyword-scores";

/**
 * Ordered schema migrations. A migration is never edited once shipped; add a new one.
 * `user_version` records how many have been applied.
 */
const MIGRATIONS: string[] = [
  `CREATE TABLE documents (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     kind TEXT NOT NULL,
     size_bytes INTEGER NOT NULL,
     sha256 TEXT NOT NULL UNIQUE,
     status TEXT NOT NULL,
     error_code TEXT,
     error_message TEXT,
     page_count INTEGER,
     chunk_count INTEGER NOT NULL DEFAULT 0,
     chunks_embedded INTEGER NOT NULL DEFAULT 0,
     chunks_total INTEGER NOT NULL DEFAULT 0,
     embedding_model TEXT,
     title TEXT,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL,
     indexed_at TEXT
   );
   CREATE INDEX documents_status ON documents(status);
   CREATE TABLE chunks (
     id TEXT PRIMARY KEY,
     document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
     chunk_index INTEGER NOT NULL,
     text TEXT NOT NULL,
     page_start INTEGER,
     page_end INTEGER,
     section TEXT,
     page_spans TEXT NOT NULL,
     token_count INTEGER NOT NULL,
     embedding_model TEXT NOT NULL,
     created_at TEXT NOT NULL,
     UNIQUE (document_id, chunk_index)
   );`,
  // 2: retrieval passages and their BM25 keyword index (FTS5). A passage row is removed with its
  // chunk (cascade) and its index row with it (trigger), so the keyword index can never hold text
  // of a chunk that is gone. Chunks indexed before this migration get one passage each: the whole
  // chunk with its document's title as context (reindexing gives them finer passages).
  `CREATE TABLE passages (
     id INTEGER PRIMARY KEY,
     chunk_id TEXT NOT NULL REFERENCES chunks(id) ON DELETE CASCADE,
     document_id TEXT NOT NULL,
     passage_index INTEGER NOT NULL,
     char_start INTEGER NOT NULL,
     char_end INTEGER NOT NULL,
     page INTEGER,
     UNIQUE (chunk_id, passage_index)
   );
   CREATE INDEX passages_document ON passages(document_id);
   CREATE VIRTUAL TABLE passages_fts USING fts5(context, body, tokenize = 'porter unicode61 remove_diacritics 2');
   CREATE TRIGGER passages_delete_fts AFTER DELETE ON passages BEGIN
     DELETE FROM passages_fts WHERE rowid = old.id;
   END;
   INSERT INTO passages (chunk_id, document_id, passage_index, char_start, char_end, page)
     SELECT id, document_id, 0, 0, length(text), page_start FROM chunks;
   INSERT INTO passages_fts (rowid, context, body)
     SELECT passages.id, coalesce(documents.title, documents.name), chunks.text
     FROM passages JOIN chunks ON chunks.id = passages.chunk_id JOIN documents ON documents.id = chunks.document_id;`,
  // What search caches depends on changes only with these counters: \`content\` with the indexed
  // text (chunks, passages, keyword index), \`documents\` also with a status or title. PRAGMA
  // data_version moves for the conversation and session tables in the same file too, so it alone
  // would empty the caches after every chat.
  `CREATE TABLE index_generation (id INTEGER PRIMARY KEY CHECK (id = 1), content INTEGER NOT NULL, documents INTEGER NOT NULL);
   INSERT INTO index_generation (id, content, documents) VALUES (1, 0, 0);`,
];

// BM25 weights of the FTS5 columns (context: title and section path; body: the passage). Equal
// weights measured best on northwind (0.5 and 2 for the context were no better; docs/retrieval.md).
const BM25_WEIGHTS = { context: 1, body: 1 };
const VOCABULARY_REFRESH_MILLISECONDS = 60_000;

interface DocumentRow {
  id: string;
  name: string;
  kind: string;
  size_bytes: number;
  sha256: string;
  status: string;
  error_code: string | null;
  error_message: string | null;
  page_count: number | null;
  chunk_count: number;
  chunks_embedded: number;
  chunks_total: number;
  embedding_model: string | null;
  title: string | null;
  created_at: string;
  updated_at: string;
  indexed_at: string | null;
}

interface ChunkRow {
  id: string;
  document_id: string;
  chunk_index: number;
  text: string;
  page_start: number | null;
  page_end: number | null;
  section: string | null;
  page_spans: string;
  token_count: number;
  embedding_model: string;
  created_at: string;
}

interface PassageRow {
  id: number;
  chunk_id: string;
  document_id: string;
  passage_index: number;
  char_start: number;
  char_end: number;
  page: number | null;
}

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

/** A passage with its row id, which is also its rowid in the keyword index. */
interface CachedPassage {
  rowId: number;
  record: PassageRecord;
}

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

function toPassage(row: PassageRow): PassageRecord {
  return {
    chunkId: row.chunk_id,
    documentId: row.document_id,
    passageIndex: row.passage_index,
    start: row.char_start,
    end: row.char_end,
    page: row.page,
  };
}

function toDocument(row: DocumentRow): DocumentRecord {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind as DocumentKind,
    sizeBytes: row.size_bytes,
    sha256: row.sha256,
    status: row.status as DocumentStatus,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    pageCount: row.page_count,
    chunkCount: row.chunk_count,
    chunksEmbedded: row.chunks_embedded,
    chunksTotal: row.chunks_total,
    embeddingModel: row.embedding_model,
    title: row.title,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    indexedAt: row.indexed_at,
  };
}

function toChunk(row: ChunkRow): ChunkRecord {
  return {
    id: row.id,
    documentId: row.document_id,
    chunkIndex: row.chunk_index,
    text: row.text,
    pageStart: row.page_start,
    pageEnd: row.page_end,
    section: row.section,
    pageSpans: JSON.parse(row.page_spans) as PageSpan[],
    tokenCount: row.token_count,
    embeddingModel: row.embedding_model,
    createdAt: row.created_at,
  };
}

/** Applies pending migrations; safe to call on every start. */
export function migrate(database: Database.Database): void {
  const applied = database.pragma("user_version", { simple: true }) as number;
  for (let index = applied; index < MIGRATIONS.length; index += 1) {
    const statement = MIGRATIONS[index];
    if (statement === undefined) continue;
    database.transaction(() => {
      database.exec(statement);
      database.pragma(`user_version = ${index + 1}`);
    })();
  }
}

/** Most entries (words or terms) a size-bounded cache holds, whatever their sizes. */
const MAXIMUM_CACHED_TERMS = 10_000;

/**
 * A map bounded by the total size of its values (rowids held), not only by their number: in a
 * large library one common word holds tens of thousands. Emptied when a value would pass either
 * bound; a value larger than the whole budget is not kept.
 */
function createSizeBoundedCache<Value>(options: { maximumSize: number; sizeOf: (value: Value) => number }) {
  const entries = new Map<string, Value>();
  let total = 0;
  return {
    get: (key: string): Value | undefined => entries.get(key),
    set(key: string, value: Value): void {
      const size = options.sizeOf(value);
      if (size > options.maximumSize) return;
      if (total + size > options.maximumSize || entries.size >= MAXIMUM_CACHED_TERMS) {
        entries.clear();
        total = 0;
      }
      entries.set(key, value);
      total += size;
    },
    clear(): void {
      entries.clear();
      total = 0;
    },
  };
}

/** Opens (creating and migrating) the SQLite registry at `filePath`. */
export function openSqliteRegistry(filePath: string): DocumentRegistry {
  const database = new Database(filePath);
  database.pragma("journal_mode = WAL");
  database.pragma("synchronous = NORMAL");
  database.pragma("foreign_keys = ON");
  database.pragma("busy_timeout = 5000");
  migrate(database);

  const now = () => new Date().toISOString();
  const statements = {
    insertDocument: database.prepare(
      `INSERT INTO documents (id, name, kind, size_bytes, sha256, status, created_at, updated_at)
       VALUES (@id, @name, @kind, @sizeBytes, @sha256, 'queued', @now, @now)`,
    ),
    getDocument: database.prepare(`SELECT * FROM documents WHERE id = ?`),
    findBySha: database.prepare(`SELECT * FROM documents WHERE sha256 = ?`),
    listDocuments: database.prepare(`SELECT * FROM documents ORDER BY created_at DESC, name ASC`),
    resetDocument: database.prepare(
      `UPDATE documents SET status = 'queued', error_code = NULL, error_message = NULL, chunk_count = 0,
         chunks_embedded = 0, chunks_total = 0, updated_at = ? WHERE id = ?`,
    ),
    failDocument: database.prepare(
      `UPDATE documents SET status = 'failed', error_code = ?, error_message = ?, chunk_count = 0,
         chunks_embedded = 0, updated_at = ? WHERE id = ?`,
    ),
    completeDocument: database.prepare(
      `UPDATE documents SET status = 'ready', error_code = NULL, error_message = NULL, chunk_count = @chunkCount,
         chunks_embedded = @chunkCount, chunks_total = @chunkCount, embedding_model = @embeddingModel,
         page_count = @pageCount, title = @title, updated_at = @now, indexed_at = @now WHERE id = @id`,
    ),
    deleteChunksOfDocument: database.prepare(`DELETE FROM chunks WHERE document_id = ?`),
    insertChunk: database.prepare(
      `INSERT INTO chunks (id, document_id, chunk_index, text, page_start, page_end, section, page_spans, token_count, embedding_model, created_at)
       VALUES (@id, @documentId, @chunkIndex, @text, @pageStart, @pageEnd, @section, @pageSpans, @tokenCount, @embeddingModel, @createdAt)`,
    ),
    listChunks: database.prepare(`SELECT * FROM chunks WHERE document_id = ? ORDER BY chunk_index`),
    insertPassage: database.prepare(
      `INSERT INTO passages (chunk_id, document_id, passage_index, char_start, char_end, page)
       VALUES (@chunkId, @documentId, @passageIndex, @start, @end, @page)`,
    ),
    insertPassageText: database.prepare(`INSERT INTO passages_fts (rowid, context, body) VALUES (?, ?, ?)`),
    countPassages: database.prepare(`SELECT count(*) AS count FROM passages`),
    // Prepared once: database.pragma() compiles its statement on every call, and every search asks.
    dataVersion: database.prepare(`PRAGMA data_version`).pluck(),
    indexGeneration: database.prepare(`SELECT content, documents FROM index_generation WHERE id = 1`),
    bumpIndexGeneration: database.prepare(`UPDATE index_generation SET content = content + 1, documents = documents + 1 WHERE id = 1`),
    bumpDocumentGeneration: database.prepare(`UPDATE index_generation SET documents = documents + 1 WHERE id = 1`),
    // Rows this connection has changed since it opened: moves with every local write.
    totalChanges: database.prepare(`SELECT total_changes()`).pluck(),
    // Rowids only, in rowid order: joining passages here for each row's document cost ~10× the
    // query itself for a common word in a 100,000-passage library; documents come from
    // passageDocuments. Every keyword-index row has its passage row (inserted together, deleted by
    // trigger), so the counts equal those of the join.
    wordPostings: database.prepare(`SELECT rowid FROM passages_fts WHERE passages_fts MATCH ?`).pluck(),
    wordCount: database.prepare(`SELECT count(*) FROM passages_fts WHERE passages_fts MATCH ?`).pluck(),
    passageDocuments: database.prepare(`SELECT id, document_id FROM passages ORDER BY id`).raw(),
    // One statement for any number of ids (a JSON array), instead of one per IN-list length.
    chunksByIds: database.prepare(`SELECT * FROM chunks WHERE id IN (SELECT value FROM json_each(?))`),
    passagesByChunkIds: database.prepare(`SELECT * FROM passages WHERE chunk_id IN (SELECT value FROM json_each(?)) ORDER BY chunk_id, passage_index`),
    // One term's BM25 score in every row holding it (lib/storage/keyword-scores.ts): the only
    // per-row scoring FTS5 does; a query's ranking is summed from these lists.
    termScores: database.prepare(`SELECT rowid, bm25(passages_fts, ${BM25_WEIGHTS.context}, ${BM25_WEIGHTS.body}) FROM passages_fts WHERE passages_fts MATCH ?`).raw(),
    passagesByIds: database.prepare(`SELECT * FROM passages WHERE id IN (SELECT value FROM json_each(?))`),
    // The first page's passages, or the first chunk's for documents without pages. The first page
    // per document is computed once (a correlated subquery per passage took 11 s at 100,000).
    documentCovers: database.prepare(
      `WITH first_pages AS (SELECT document_id, min(page) AS page FROM passages GROUP BY document_id)
       SELECT passages.document_id AS documentId, passages_fts.body AS body
       FROM passages JOIN chunks ON chunks.id = passages.chunk_id LEFT JOIN first_pages ON first_pages.document_id = passages.document_id
       JOIN passages_fts ON passages_fts.rowid = passages.id
       WHERE CASE WHEN passages.page IS NULL THEN chunks.chunk_index = 0 ELSE passages.page = first_pages.page END
       ORDER BY passages.id`,
    ),
    deleteDocument: database.prepare(`DELETE FROM documents WHERE id = ?`),
  };

  // What search reads (chunks, passages, each word's passages, keyword rankings) is cached until
  // the indexed content changes here or in another process (`npm run ingest` writes the same
  // file; SQLite's data_version tells): a search then costs no SQL for what earlier ones read.
  // Each cache is emptied when it reaches its bound rather than tracking recency.
  const chunkCache = new Map<string, ChunkRecord>();
  const passageCache = new Map<string, CachedPassage[]>();
  const postingsCache = createSizeBoundedCache<WordPostings>({ maximumSize: MAXIMUM_CACHED_POSTINGS, sizeOf: (postings) => postings.rowIds.length });
  const countCache = new Map<string, number>();
  /** Every passage's document by rowid (sorted), built on first need after each index change. */
  let passageDocuments: { rowIds: Int32Array; documentIndex: Int32Array; documents: string[] } | undefined;
  const keywordResultCache = new Map<string, KeywordMatch[]>();
  const termScoresCache = createSizeBoundedCache<TermScores>({ maximumSize: MAXIMUM_CACHED_TERM_SCORES, sizeOf: (scores) => scores.rowIds.length });
  /** Passages by FTS rowid, for keyword results (the same passages rank for many questions). */
  const passageByRow = new Map<number, PassageRecord>();
  let passageTotal: number | undefined;
  let cachedDataVersion: number | undefined;
  let cachedGeneration: { content: number; documents: number } | undefined;
  // Changes of documents' statuses and titles seen by this process (its own and others').
  let documentChanges = 0;
  let covers: Map<string, string> | undefined;
  // data_version only moves for other connections' commits, so this process counts its own; it
  // also counts the changes other processes made (checkDataVersion).
  let localKeywordWrites = 0;
  const keywordIndexChanged = () => {
    localKeywordWrites += 1;
    chunkCache.clear();
    passageCache.clear();
    postingsCache.clear();
    countCache.clear();
    passageDocuments = undefined;
    keywordResultCache.clear();
    termScoresCache.clear();
    passageByRow.clear();
    passageTotal = undefined;
    covers = undefined;
  };
  let documentList: { version: string; documents: DocumentRecord[] } | undefined;
  const remember = <Value>(cache: Map<string, Value>, options: { key: string; value: Value; bound: number }) => {
    if (cache.size >= options.bound) cache.clear();
    cache.set(options.key, options.value);
  };
  // The spelling vocabulary costs a scan of every passage, so it is rebuilt at most once a minute.
  let vocabulary: { words: Map<string, number>; localWrites: number; builtAt: number } | undefined;
  /** Every passage's FTS rowid (sorted) and document (call checkDataVersion first). */
  const documentsByRow = () => {
    if (!passageDocuments) {
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
      passageDocuments = { rowIds, documentIndex, documents };
    }
    return passageDocuments;
  };
  /** A word as one plain FTS5 term: quoted, whatever it contains (see keyword-query.ts). */
  const term = (word: string) => `"${word.replace(/"/g, '""')}"`;
  /** The passages (FTS rowids) containing `word` as the index stems it (call checkDataVersion first). */
  const postingsOf = (word: string): WordPostings => {
    let postings = postingsCache.get(word);
    if (!postings) {
      // A query word's BM25 list holds the same rows: no second scan of its postings.
      const rows = termScoresCache.get(word)?.rowIds ?? (statements.wordPostings.all(term(word)) as number[]);
      const lookup = documentsByRow();
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
  /** One term's BM25 score per row holding it, cached until the index changes (call checkDataVersion first). */
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
      if (countCache.size >= MAXIMUM_CACHED_COUNTS) countCache.clear();
      countCache.set(word, count);
    }
    return count;
  };
  /** The passages of each chunk with their FTS rowids, cached (call checkDataVersion first). */
  const cachedPassages = (chunkIds: string[]): Map<string, CachedPassage[]> => {
    const result = new Map<string, CachedPassage[]>();
    const missing: string[] = [];
    for (const chunkId of new Set(chunkIds)) {
      const cached = passageCache.get(chunkId);
      if (cached) result.set(chunkId, cached);
      else missing.push(chunkId);
    }
    if (missing.length === 0) return result;
    const loaded = new Map<string, CachedPassage[]>(missing.map((chunkId) => [chunkId, []]));
    for (const row of statements.passagesByChunkIds.all(JSON.stringify(missing)) as PassageRow[]) {
      loaded.get(row.chunk_id)?.push({ rowId: row.id, record: toPassage(row) });
    }
    for (const [chunkId, passages] of loaded) {
      remember(passageCache, { key: chunkId, value: passages, bound: 20_000 });
      result.set(chunkId, passages);
    }
    return result;
  };
  /** Every indexed passage (call checkDataVersion first). */
  const countPassages = () => (passageTotal ??= (statements.countPassages.get() as { count: number }).count);
  /** Empties the caches when another connection changed the indexed content (not merely wrote a chat). */
  const checkDataVersion = () => {
    const version = statements.dataVersion.get() as number;
    if (version === cachedDataVersion) return;
    cachedDataVersion = version;
    const generation = statements.indexGeneration.get() as { content: number; documents: number };
    if (generation.content !== cachedGeneration?.content) keywordIndexChanged();
    if (generation.documents !== cachedGeneration?.documents) documentChanges += 1;
    cachedGeneration = generation;
  };
  /** After this connection changed the indexed content: caches emptied, the new generation noted. */
  const indexChangedHere = () => {
    keywordIndexChanged();
    documentChanges += 1;
    cachedGeneration = statements.indexGeneration.get() as { content: number; documents: number };
  };

  const completeIndexing = database.transaction(
    (options: { id: string; chunks: ChunkRecord[]; passages?: NewPassage[]; embeddingModel: string; pageCount: number | null; title: string | null }) => {
      // Deleting the chunks cascades to their passages and, by trigger, to the keyword index.
      statements.deleteChunksOfDocument.run(options.id);
      const texts = new Map<string, string>();
      for (const chunk of options.chunks) {
        statements.insertChunk.run({ ...chunk, pageSpans: JSON.stringify(chunk.pageSpans) });
        texts.set(chunk.id, chunk.text);
      }
      const passages: NewPassage[] =
        options.passages ??
        options.chunks.map((chunk) => ({ ...wholeChunkPassage(chunk), context: [options.title, chunk.section].filter(Boolean).join(" — ") }));
      for (const passage of passages) {
        const text = texts.get(passage.chunkId);
        if (text === undefined) throw new Error(`Passage of unknown chunk ${passage.chunkId}`);
        const { lastInsertRowid } = statements.insertPassage.run(passage);
        statements.insertPassageText.run(lastInsertRowid, passage.context, text.slice(passage.start, passage.end));
      }
      statements.completeDocument.run({
        id: options.id,
        chunkCount: options.chunks.length,
        embeddingModel: options.embeddingModel,
        pageCount: options.pageCount,
        title: options.title,
        now: now(),
      });
      statements.bumpIndexGeneration.run();
    },
  );

  const failIndexing = database.transaction((options: { id: string; code: string; message: string }) => {
    statements.deleteChunksOfDocument.run(options.id);
    statements.failDocument.run(options.code, options.message, now(), options.id);
    statements.bumpIndexGeneration.run();
  });

  const resetForIndexing = database.transaction((id: string) => {
    statements.deleteChunksOfDocument.run(id);
    statements.resetDocument.run(now(), id);
    statements.bumpIndexGeneration.run();
  });
  const deleteDocument = database.transaction((id: string) => {
    statements.deleteDocument.run(id);
    statements.bumpIndexGeneration.run();
  });

  return {
    createDocument(document: NewDocument) {
      statements.insertDocument.run({ ...document, now: now() });
      return toDocument(statements.getDocument.get(document.id) as DocumentRow);
    },
    getDocument(id) {
      const row = statements.getDocument.get(id) as DocumentRow | undefined;
      return row ? toDocument(row) : undefined;
    },
    findDocumentBySha256(sha256) {
      const row = statements.findBySha.get(sha256) as DocumentRow | undefined;
      return row ? toDocument(row) : undefined;
    },
    listDocuments() {
      // Every search and every library poll lists the documents; between writes the list is the same.
      const version = `${statements.dataVersion.get() as number}:${statements.totalChanges.get() as number}`;
      if (documentList?.version !== version) {
        documentList = { version, documents: (statements.listDocuments.all() as DocumentRow[]).map(toDocument) };
      }
      return [...documentList.documents];
    },
    updateProgress(id: string, progress: DocumentProgress) {
      const assignments: string[] = [];
      const values: Record<string, unknown> = { id, now: now() };
      if (progress.status !== undefined) {
        assignments.push("status = @status");
        values.status = progress.status;
      }
      if (progress.chunksEmbedded !== undefined) {
        assignments.push("chunks_embedded = @chunksEmbedded");
        values.chunksEmbedded = progress.chunksEmbedded;
      }
      if (progress.chunksTotal !== undefined) {
        assignments.push("chunks_total = @chunksTotal");
        values.chunksTotal = progress.chunksTotal;
      }
      if (progress.pageCount !== undefined) {
        assignments.push("page_count = @pageCount");
        values.pageCount = progress.pageCount;
      }
      if (progress.title !== undefined) {
        assignments.push("title = @title");
        values.title = progress.title;
      }
      if (assignments.length === 0) return;
      const update = database.prepare(`UPDATE documents SET ${assignments.join(", ")}, updated_at = @now WHERE id = @id`);
      // Search finds ready documents only, ranked by their titles: the status or title of a ready
      // document changing changes what search returns (searchGeneration). A new document passing
      // through queued → parsing → embedding does not, and must not make every cached search stale.
      if (progress.status === undefined && progress.title === undefined) {
        update.run(values);
        return;
      }
      // Read before the bump, in the same transaction: another process's change is still noticed.
      checkDataVersion();
      const before = database.transaction(() => {
        const wasReady = (statements.getDocument.get(id) as DocumentRow | undefined)?.status === "ready";
        const generation = statements.indexGeneration.get() as { content: number; documents: number };
        update.run(values);
        if (wasReady) statements.bumpDocumentGeneration.run();
        return { ...generation, bumped: wasReady };
      })();
      if (before.content !== cachedGeneration?.content) keywordIndexChanged();
      if (before.documents !== cachedGeneration?.documents || before.bumped) documentChanges += 1;
      cachedGeneration = { content: before.content, documents: before.documents + (before.bumped ? 1 : 0) };
    },
    resetForIndexing(id) {
      resetForIndexing(id);
      indexChangedHere();
    },
    completeIndexing(options) {
      completeIndexing(options);
      indexChangedHere();
    },
    failIndexing(options) {
      failIndexing(options);
      indexChangedHere();
    },
    searchGeneration() {
      checkDataVersion();
      return `${localKeywordWrites}:${documentChanges}`;
    },
    listDocumentsByStatus(statuses) {
      if (statuses.length === 0) return [];
      const placeholders = statuses.map(() => "?").join(", ");
      const rows = database
        .prepare(`SELECT * FROM documents WHERE status IN (${placeholders}) ORDER BY created_at`)
        .all(...statuses) as DocumentRow[];
      return rows.map(toDocument);
    },
    getChunks(ids) {
      checkDataVersion();
      const result = new Map<string, ChunkRecord>();
      const missing: string[] = [];
      for (const id of ids) {
        const cached = chunkCache.get(id);
        if (cached) result.set(id, cached);
        else missing.push(id);
      }
      if (missing.length === 0) return result;
      for (const row of statements.chunksByIds.all(JSON.stringify(missing)) as ChunkRow[]) {
        const chunk = toChunk(row);
        remember(chunkCache, { key: chunk.id, value: chunk, bound: 5_000 });
        result.set(chunk.id, chunk);
      }
      return result;
    },
    listChunks(documentId) {
      return (statements.listChunks.all(documentId) as ChunkRow[]).map(toChunk);
    },
    getPassages(chunkIds) {
      checkDataVersion();
      const result = new Map<string, PassageRecord[]>();
      for (const [chunkId, passages] of cachedPassages(chunkIds)) {
        if (passages.length > 0) result.set(chunkId, passages.map((passage) => passage.record));
      }
      return result;
    },
    searchKeywords(options) {
      if (options.terms.length === 0 || (options.documentIds && options.documentIds.length === 0)) return [];
      checkDataVersion();
      const key = `${options.limit}\u0000${options.terms.join("\u0001")}\u0000${options.documentIds?.join("\u0001") ?? ""}`;
      let matches = keywordResultCache.get(key);
      if (!matches) {
        let accept: ((rowId: number) => boolean) | undefined;
        if (options.documentIds) {
          const wanted = new Set(options.documentIds);
          const lookup = documentsByRow();
          accept = (rowId) => {
            const index = sortedIndexOf(lookup.rowIds, rowId);
            return index >= 0 && wanted.has(lookup.documents[lookup.documentIndex[index] ?? -1] ?? "");
          };
        }
        const top = topRowsBySummedScore({ lists: options.terms.map(termScoresOf), limit: options.limit, accept });
        const missing = top.filter((row) => !passageByRow.has(row.rowId)).map((row) => row.rowId);
        if (missing.length > 0) {
          if (passageByRow.size + missing.length > MAXIMUM_CACHED_PASSAGE_ROWS) passageByRow.clear();
          for (const row of statements.passagesByIds.all(JSON.stringify(missing)) as PassageRow[]) passageByRow.set(row.id, toPassage(row));
        }
        matches = [];
        for (const { rowId, score } of top) {
          const passage = passageByRow.get(rowId);
          // A literal: a spread plus a property takes V8's slow copy path (docs/performance.md).
          if (passage) matches.push({ chunkId: passage.chunkId, documentId: passage.documentId, passageIndex: passage.passageIndex, start: passage.start, end: passage.end, page: passage.page, score });
        }
        remember(keywordResultCache, { key, value: matches, bound: 500 });
      }
      return matches;
    },
    passageCount() {
      checkDataVersion();
      return countPassages();
    },
    passagesContaining(word) {
      checkDataVersion();
      return countOf(word);
    },
    indexedWords() {
      // Every change of the indexed content, here or in another process, counts in localKeywordWrites.
      checkDataVersion();
      const unchanged = vocabulary?.localWrites === localKeywordWrites;
      if (vocabulary && (unchanged || Date.now() - vocabulary.builtAt < VOCABULARY_REFRESH_MILLISECONDS)) return vocabulary.words;
      const words = new Map<string, number>();
      for (const row of database.prepare(`SELECT context, body FROM passages_fts`).iterate() as IterableIterator<{ context: string | null; body: string | null }>) {
        const text = `${row.context ?? ""} ${row.body ?? ""}`.toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "");
        for (const word of text.match(/\p{L}+/gu) ?? []) words.set(word, (words.get(word) ?? 0) + 1);
      }
      vocabulary = { words, localWrites: localKeywordWrites, builtAt: Date.now() };
      return words;
    },
    keywordCoverage(options) {
      const coverage = new Map<string, number>();
      if (options.passages.length === 0) return coverage;
      checkDataVersion();
      const wanted = new Set(options.passages.map((passage) => `${passage.chunkId}#${passage.passageIndex}`));
      const keyOfRow = new Map<number, string>();
      const documentOfRow = new Map<number, string>();
      for (const passages of cachedPassages(options.passages.map((passage) => passage.chunkId)).values()) {
        for (const { rowId, record } of passages) {
          const key = `${record.chunkId}#${record.passageIndex}`;
          if (!wanted.has(key)) continue;
          keyOfRow.set(rowId, key);
          documentOfRow.set(rowId, record.documentId);
        }
      }
      const total = countPassages();
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
      checkDataVersion();
      if (!covers) {
        covers = new Map();
        for (const row of statements.documentCovers.iterate() as IterableIterator<{ documentId: string; body: string | null }>) {
          covers.set(row.documentId, `${covers.get(row.documentId) ?? ""} ${row.body ?? ""}`.trim());
        }
      }
      return covers;
    },
    deleteDocument(id) {
      deleteDocument(id);
      indexChangedHere();
    },
    close() {
      database.close();
    },
  };
}
