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
  /** A document's stored vectors by the text they embed (to reuse them when it is indexed again). */
  readDocumentVectors(documentId: string): Promise<Map<string, number[]>>;
  /** Ids of every vector of a document (for consistency checks). */
  listDocumentVectorIds(documentId: string): Promise<string[]>;
  /** Every document id present in the collection (for consistency checks). */
  listDocumentIds(): Promise<string[]>;
  /**
   * Ids of vectors that a nearest-neighbour query with their own embedding does not find: stored,
   * but lost to search (an index damaged by a crash). For consistency checks; reads every vector.
   */
  listUnsearchableVectorIds(): Promise<string[]>;
  heartbeat(): Promise<void>;
}
