import "server-only";
import { toDocumentView, type DocumentView } from "@/lib/domain/document-view";
import { AppError } from "@/lib/errors";
import type { Embedder } from "@/lib/embeddings/types";
import type { IndexingQueue } from "@/lib/ingest/indexing-queue";
import type { ParseCache } from "@/lib/ingest/parse-cache";
import { logger } from "@/lib/logger";
import type { FileStore } from "@/lib/storage/file-store";
import type { DocumentRecord, DocumentRepository } from "@/lib/storage/registry-types";
import type { VectorStore } from "@/lib/vector-store/types";

/** What listing, deleting and re-indexing documents use (lib/server/app-services.ts wires it). */
export interface DocumentDependencies {
  registry: Pick<DocumentRepository, "listDocuments" | "getDocument" | "deleteDocument" | "findDocumentBySha256" | "resetForIndexing">;
  /** The configured model, to tell which documents need re-indexing. */
  embedder: Pick<Embedder, "modelId">;
  queue: Pick<IndexingQueue, "cancel" | "enqueue">;
  getVectorStore: () => Promise<Pick<VectorStore, "deleteDocument">>;
  fileStore: Pick<FileStore, "remove">;
  parseCache: Pick<ParseCache, "remove">;
}

/** Every document in the library, newest first. */
export function listDocumentViews(services: Pick<DocumentDependencies, "registry" | "embedder">): DocumentView[] {
  return services.registry.listDocuments().map((document) => toDocumentView(document, services.embedder.modelId));
}

/** The document with `id`, or `document.not_found`. */
export function requireDocument(services: Pick<DocumentDependencies, "registry">, id: string): DocumentRecord {
  const document = services.registry.getDocument(id);
  if (!document) throw new AppError("document.not_found", "No document has this id.");
  return document;
}

/** Deletes a document's vectors, chunks, row and stored file; vectors go first so none is orphaned. */
export async function deleteDocument(services: DocumentDependencies, id: string): Promise<void> {
  const document = requireDocument(services, id);
  await services.queue.cancel(id);
  const vectorStore = await services.getVectorStore();
  await vectorStore.deleteDocument(id);
  services.registry.deleteDocument(id);
  // Content-addressed: another document can never share the hash (uploads are de-duplicated).
  if (!services.registry.findDocumentBySha256(document.sha256)) {
    await services.fileStore.remove(document.sha256);
    await services.parseCache.remove(document.sha256);
  }
  logger.info("document.deleted", { documentId: id, name: document.name });
}

/** Queues a document for indexing again (after a failure or an embedding-model change). */
export async function reindexDocument(services: DocumentDependencies, id: string): Promise<DocumentView> {
  requireDocument(services, id);
  await services.queue.cancel(id);
  services.registry.resetForIndexing(id);
  services.queue.enqueue(id);
  return toDocumentView(requireDocument(services, id), services.embedder.modelId);
}
