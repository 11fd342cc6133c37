import type { ChunkRecord, DocumentRecord, DocumentStatus, PageSpan, PassageRecord } from "@/lib/storage/registry-types";

/** The SQLite registry's rows as better-sqlite3 returns them, and their records (registry-types.ts). */

export interface DocumentRow {
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

export interface ChunkRow {
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

export interface PassageRow {
  id: number;
  chunk_id: string;
  document_id: string;
  passage_index: number;
  char_start: number;
  char_end: number;
  page: number | null;
}

export function toPassage(row: PassageRow): PassageRecord {
  return {
    chunkId: row.chunk_id,
    documentId: row.document_id,
    passageIndex: row.passage_index,
    start: row.char_start,
    end: row.char_end,
    page: row.page,
  };
}

export function toDocument(row: DocumentRow): DocumentRecord {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind as DocumentRecord["kind"],
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

export function toChunk(row: ChunkRow): ChunkRecord {
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
