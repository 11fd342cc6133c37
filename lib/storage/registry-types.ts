import type { DocumentKind } from "@/lib/ingest/types";

/**
 * The registry's public shapes. The SQLite implementation lives in `sqlite-registry.ts`;
 * anything that satisfies `DocumentRegistry` (Postgres, say) can replace it.
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

export interface DocumentRegistry {
  createDocument(document: NewDocument): DocumentRecord;
  getDocument(id: string): DocumentRecord | undefined;
  findDocumentBySha256(sha256: string): DocumentRecord | undefined;
  listDocuments(): DocumentRecord[];
  updateProgress(id: string, progress: DocumentProgress): void;
  /** Marks a document queued again, clearing its previous result (reindex and crash recovery). */
  resetForIndexing(id: string): void;
  /** Replaces a document's chunks and marks it ready, atomically. */
  completeIndexing(options: { id: string; chunks: ChunkRecord[]; embeddingModel: string; pageCount: number | null; title: string | null }): void;
  failIndexing(options: { id: string; code: string; message: string }): void;
  listDocumentsByStatus(statuses: DocumentStatus[]): DocumentRecord[];
  getChunks(ids: string[]): Map<string, ChunkRecord>;
  listChunks(documentId: string): ChunkRecord[];
  deleteDocument(id: string): void;
  close(): void;
}
