import type { DocumentKind } from "@/lib/contracts/documents";
import type { ErrorCode } from "@/lib/errors";

/**
 * The registry's public shapes: its records and the small interfaces features depend on
 * (docs/decisions/0012-storage-interfaces.md). The SQLite implementation is composed in
 * `sqlite-registry.ts`; anything that passes the contract suites in tests/support/storage-contract/
 * (PostgreSQL, say) can replace it.
 */

export type DocumentStatus = "queued" | "parsing" | "embedding" | "ready" | "failed";

export interface DocumentRecord {
  id: string;
  name: string;
  kind: DocumentKind;
  sizeBytes: number;
  sha256: string;
  status: DocumentStatus;
  errorCode: string | null;
  errorMessage: string | null;
  pageCount: number | null;
  chunkCount: number;
  chunksEmbedded: number;
  chunksTotal: number;
  embeddingModel: string | null;
  title: string | null;
  createdAt: string;
  updatedAt: string;
  indexedAt: string | null;
}

/** A character range of a chunk's text that comes from one page. */
export interface PageSpan {
  page: number;
  start: number;
  end: number;
}

export interface ChunkRecord {
  id: string;
  documentId: string;
  chunkIndex: number;
  text: string;
  pageStart: number | null;
  pageEnd: number | null;
  section: string | null;
  pageSpans: PageSpan[];
  tokenCount: number;
  embeddingModel: string;
  createdAt: string;
}

/**
 * A retrieval passage: a small run of sentences of one chunk, on one page, that is embedded and
 * keyword-indexed on its own (lib/domain/passages.ts). The chunk stays the unit shown and cited.
 */
export interface PassageRecord {
  chunkId: string;
  documentId: string;
  /** Position of the passage within its chunk (0-based); vector records carry the same index. */
  passageIndex: number;
  /** Character range of the passage in the chunk's text. */
  start: number;
  end: number;
  page: number | null;
}

/** A chunk as one passage covering all its text, on its first page (chunks indexed without passages). */
export function wholeChunkPassage(chunk: ChunkRecord): PassageRecord {
  return { chunkId: chunk.id, documentId: chunk.documentId, passageIndex: 0, start: 0, end: chunk.text.length, page: chunk.pageStart };
}

/** A passage as written at indexing time. */
export interface NewPassage extends PassageRecord {
  /** Document title and section path, keyword-indexed beside the passage's own text. */
  context: string;
}

/** A keyword (BM25) match of a passage; `score` is −bm25, so higher is better. */
export interface KeywordMatch extends PassageRecord {
  score: number;
}

export interface NewDocument {
  id: string;
  name: string;
  kind: DocumentKind;
  sizeBytes: number;
  sha256: string;
}

export interface DocumentProgress {
  status?: DocumentStatus;
  chunksEmbedded?: number;
  chunksTotal?: number;
  pageCount?: number | null;
  title?: string | null;
}

/**
 * Documents' records. Every method reads; none fails for an unknown id.
 */
export interface DocumentReader {
  getDocument(id: string): DocumentRecord | undefined;
  findDocumentBySha256(sha256: string): DocumentRecord | undefined;
  /** Newest first, then by name; a copy the caller may change. */
  listDocuments(): DocumentRecord[];
  /** Oldest first. */
  listDocumentsByStatus(statuses: DocumentStatus[]): DocumentRecord[];
}

/**
 * Documents and their indexing lifecycle. A document's indexing result (its chunks, passages and
 * keyword index) is written together with its status, in one transaction, so no reader sees a
 * document half indexed. Writes of an unknown id change nothing, except `completeIndexing`,
 * which refuses chunks of a document that does not exist.
 */
export interface DocumentRepository extends DocumentReader {
  /** Creates a queued document; throws when its id or sha256 is taken. */
  createDocument(document: NewDocument): DocumentRecord;
  updateProgress(id: string, progress: DocumentProgress): void;
  /** Marks a document queued again, clearing its previous result (reindex and crash recovery). */
  resetForIndexing(id: string): void;
  /**
   * Replaces a document's chunks and keyword index and marks it ready, atomically. Without
   * `passages`, every chunk is keyword-indexed whole as one passage.
   */
  completeIndexing(options: { id: string; chunks: ChunkRecord[]; passages?: NewPassage[]; embeddingModel: string; pageCount: number | null; title: string | null }): void;
  failIndexing(options: { id: string; code: ErrorCode; message: string }): void;
  /** Removes a document with its chunks, passages and keyword index; idempotent. */
  deleteDocument(id: string): void;
}

/** The chunks and passages written by `completeIndexing`; unknown ids are left out of the answers. */
export interface ChunkReader {
  getChunks(ids: string[]): Map<string, ChunkRecord>;
  /** In chunk order. */
  listChunks(documentId: string): ChunkRecord[];
  /** The passages of the given chunks, by chunk id, each list in passage order. */
  getPassages(chunkIds: string[]): Map<string, PassageRecord[]>;
}

/** How many passages hold a word, for weighing words by rarity. */
export interface WordCounts {
  /** How many passages the keyword index holds (all documents). */
  passageCount(): number;
  /** How many passages contain `word` (stemmed as the keyword index stems). */
  passagesContaining(word: string): number;
}

/** The keyword (BM25) index over every indexed passage, with its title and section as context. */
export interface KeywordIndex extends WordCounts {
  /**
   * BM25 search of the keyword index for any of `terms` (words or space-separated phrases, from
   * lib/retrieval/keyword-query.ts), best first, optionally within some documents: the ranking
   * and scores of FTS5's bm25() for the terms joined with OR.
   */
  searchKeywords(options: { terms: string[]; limit: number; documentIds?: string[] }): KeywordMatch[];
  /**
   * For each given passage, the IDF-weighted share of `words` it contains (title and section
   * included), 0–1; words are matched as the keyword index matches them (stemmed). Keyed by
   * `${chunkId}#${passageIndex}`.
   */
  keywordCoverage(options: {
    words: string[];
    passages: { chunkId: string; passageIndex: number }[];
    /** Words that count as contained in every passage of a document, by document id (its own name). */
    documentWords?: Map<string, ReadonlySet<string>>;
  }): Map<string, number>;
  /**
   * The text of every document's first page (its first chunk when it has no pages): the cover,
   * which names what the document is about ("Apple Inc.", "Form 10-Q"). Keyed by document id.
   */
  documentCovers(): ReadonlyMap<string, string>;
  /**
   * Every word of the keyword index as written (lower-cased, without diacritics) with its number
   * of occurrences, for typo correction (lib/retrieval/spelling.ts). Rebuilt at most once a
   * minute while the index changes, so it may lag the newest documents briefly.
   */
  indexedWords(): ReadonlyMap<string, number>;
}

export interface SearchGeneration {
  /**
   * Changes whenever what a search can find or how it ranks may have changed: indexed text, or a
   * ready document's status or title, written by this process or another. Chat and session writes
   * to the same file leave it alone.
   */
  searchGeneration(): string;
}

/** What a search reads: the documents, their chunks and passages, the keyword index and its generation. */
export type SearchLibrary = DocumentReader & ChunkReader & KeywordIndex & SearchGeneration;

/**
 * The whole store as the composition root opens it: every part above on one connection. Features
 * take the part they use.
 */
export interface DocumentRegistry extends DocumentRepository, ChunkReader, KeywordIndex, SearchGeneration {
  close(): void;
}
