import { isErrorCode, type ErrorCode } from "@/lib/errors";
import type { DocumentRecord, DocumentStatus } from "@/lib/storage/registry-types";

/** The public JSON shape of a document in the API. */
export interface DocumentView {
  id: string;
  name: string;
  kind: DocumentRecord["kind"];
  sizeBytes: number;
  sha256: string;
  status: DocumentStatus;
  /** True when the document is ready but was indexed with another embedding model than the configured one. */
  needsReindex: boolean;
  progress: { chunksEmbedded: number; chunksTotal: number };
  pageCount: number | null;
  chunkCount: number;
  embeddingModel: string | null;
  title: string | null;
  error: { code: ErrorCode; message: string } | null;
  createdAt: string;
  updatedAt: string;
  indexedAt: string | null;
}

/** A failure's code as the registry stored it; one no longer in the table reads as an indexing failure. */
function storedErrorCode(code: string): ErrorCode {
  return isErrorCode(code) ? code : "indexing.failed";
}

/** Converts a registry record to its API view. */
export function toDocumentView(document: DocumentRecord, configuredModel: string): DocumentView {
  return {
    id: document.id,
    name: document.name,
    kind: document.kind,
    sizeBytes: document.sizeBytes,
    sha256: document.sha256,
    status: document.status,
    needsReindex: document.status === "ready" && document.embeddingModel !== configuredModel,
    progress: { chunksEmbedded: document.chunksEmbedded, chunksTotal: document.chunksTotal },
    pageCount: document.pageCount,
    chunkCount: document.chunkCount,
    embeddingModel: document.embeddingModel,
    title: document.title,
    error: document.errorCode ? { code: storedErrorCode(document.errorCode), message: document.errorMessage ?? "" } : null,
    createdAt: document.createdAt,
    updatedAt: document.updatedAt,
    indexedAt: document.indexedAt,
  };
}
