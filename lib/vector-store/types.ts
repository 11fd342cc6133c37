/**
 * The narrow interface the pipeline needs from a vector database. The Chroma implementation is
 * in `chroma-vector-store.ts`; one store instance is bound to one embedding model and dimension.
 */

export interface VectorRecord {
  /**
   * `${chunkId}:${windowIndex}`: deterministic, so re-indexing upserts instead of duplicating.
   * The window index encodes the passage (lib/vector-store/vector-id.ts).
   */
  id: string;
  chunkId: string;
  documentId: string;
  chunkIndex: number;
  windowIndex: number;
  /** The retrieval passage of the chunk this window embeds (absent: the whole chunk, passage 0). */
  passageIndex?: number;
  /** The page of that passage (PDF), else null. */
  passagePage?: number | null;
  vector: number[];
  /** The exact text that was embedded (window with title/section prefix). */
  text: string;
  source: string;
  pageStart: number | null;
  pageEnd: number | null;
  section: string | null;
  tokenCount: number;
  createdAt: string;
}

export interface VectorMatch {
  id: string;
  chunkId: string;
  documentId: string;
  windowIndex: number;
  /** The chunk's retrieval passage the window belongs to (0 for vectors written before passages). */
  passageIndex: number;
  /** Cosine distance (0 = identical direction, 2 = opposite). */
  distance: number;
}

export interface VectorStore {
  readonly collectionName: string;
  readonly embeddingModel: string;
  readonly dimensions: number;
  upsert(records: VectorRecord[]): Promise<void>;
  query(options: { vector: number[]; topK: number; documentIds?: string[] }): Promise<VectorMatch[]>;
  deleteDocument(documentId: string): Promise<void>;
  countDocumentVectors(documentId: string): Promise<number>;
  /**
   * Every stored vector of a document with what was stored beside it, so a re-index can reuse
   * vectors by the text they embed and leave unchanged ones in place.
   */
  readDocumentVectors(documentId: string): Promise<VectorRecord[]>;
  /** Deletes vectors by id (the ones a re-index no longer produces). */
  deleteVectors(ids: string[]): Promise<void>;
  /** Ids of every vector of a document (for consistency checks). */
  listDocumentVectorIds(documentId: string): Promise<string[]>;
  /** Every document id present in the collection (for consistency checks). */
  listDocumentIds(): Promise<string[]>;
  /**
   * Ids of vectors that a nearest-neighbour query with their own embedding does not find: stored,
   * but lost to search (an index damaged by a crash). For consistency checks; reads every vector.
   */
  listUnsearchableVectorIds(): Promise<string[]>;
  /** Writes stored vectors anew so that search finds them again; returns the ids it still cannot find. */
  rewriteVectors(ids: string[]): Promise<string[]>;
  heartbeat(): Promise<void>;
}

/**
 * Whether a stored vector is exactly what indexing would write now: same id, embedded text,
 * vector and metadata. `createdAt` is left out: it records when the vector was written.
 */
export function sameVectorRecord(stored: VectorRecord, wanted: VectorRecord): boolean {
  if (stored.vector.length !== wanted.vector.length) return false;
  for (let index = 0; index < wanted.vector.length; index += 1) if (stored.vector[index] !== wanted.vector[index]) return false;
  return (
    stored.id === wanted.id &&
    stored.text === wanted.text &&
    stored.chunkId === wanted.chunkId &&
    stored.documentId === wanted.documentId &&
    stored.chunkIndex === wanted.chunkIndex &&
    stored.windowIndex === wanted.windowIndex &&
    (stored.passageIndex ?? 0) === (wanted.passageIndex ?? 0) &&
    // Stores without nulls (Chroma metadata) give back a missing value for null.
    (stored.passagePage ?? null) === (wanted.passagePage ?? null) &&
    stored.source === wanted.source &&
    (stored.pageStart ?? null) === (wanted.pageStart ?? null) &&
    (stored.pageEnd ?? null) === (wanted.pageEnd ?? null) &&
    (stored.section ?? null) === (wanted.section ?? null) &&
    stored.tokenCount === wanted.tokenCount
  );
}
