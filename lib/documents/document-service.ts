import "server-only";
import { toDocumentView, type DocumentView } from "@/lib/domain/document-view";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import type { AppServices } from "@/lib/server/app-services";
import type { DocumentRecord } from "@/lib/storage/registry-types";

/** Every document in the library, newest first. */
export function listDocumentViews(services: AppServices): DocumentView[] {
  return services.registry.listDocuments().map((document) => toDocumentView(document, services.embedder.modelId));
}

/** The document with `id`, or `document.not_found`. */
export function requireDocument(services: AppServices, id: string): DocumentRecord {
  const document = services.registry.getDocument(id);
  if (!document) throw new AppError("document.not_found", "No document has this id.");
  return document;
}

/** Deletes a document's vectors, chunks, row and stored file; vectors go first so none is orphaned. */
export async function deleteDocument(services: AppServices, id: string): Promise<void> {
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
export async function reindexDocument(services: AppServices, id: string): Promise<DocumentView> {
  requireDocument(services, id);
  await services.queue.cancel(id);
  services.registry.resetForIndexing(id);
  services.queue.enqueue(id);
  return toDocumentView(requireDocument(services, id), services.embedder.modelId);
}
