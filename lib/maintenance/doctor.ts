import "server-only";
import type { Embedder } from "@/lib/embeddings/types";
import type { IndexingQueue } from "@/lib/ingest/indexing-queue";
import type { ParseCache } from "@/lib/ingest/parse-cache";
import type { FileStore } from "@/lib/storage/file-store";
import type { ChunkReader, DocumentRepository } from "@/lib/storage/registry-types";
import type { VectorStore } from "@/lib/vector-store/types";
import { parseVectorId } from "@/lib/vector-store/vector-id";

/**
 * Consistency check between the three stores that must agree: the registry (documents and
 * chunks), the file store (original bytes) and the vector store (one or more vectors per chunk).
 * With `repair`, drift is fixed in the safe direction: orphans are deleted, and documents whose
 * vectors do not match their chunks, or that search can no longer reach, are queued for
 * re-indexing (never silently "ready").
 */

export type DriftKind =
  "orphan_vectors" | "orphan_file" | "missing_file" | "missing_vectors" | "unexpected_vectors" | "stale_vectors" | "unsearchable_vectors" | "unfinished_document";

export interface Drift {
  kind: DriftKind;
  documentId?: string;
  sha256?: string;
  detail: string;
  repaired: boolean;
}

/** What the consistency check reads and repairs (lib/server/app-services.ts wires it). */
export interface DoctorDependencies {
  registry: Pick<DocumentRepository, "listDocuments" | "resetForIndexing" | "failIndexing"> & Pick<ChunkReader, "listChunks">;
  fileStore: Pick<FileStore, "list" | "exists" | "remove">;
  parseCache: Pick<ParseCache, "remove">;
  /** The configured model: documents indexed with another are not checked against their chunks. */
  embedder: Pick<Embedder, "modelId">;
  queue: Pick<IndexingQueue, "enqueue">;
  getVectorStore: () => Promise<VectorStore>;
}

export interface DoctorReport {
  documents: number;
  readyDocuments: number;
  vectorsChecked: number;
  drift: Drift[];
}

function chunkIdOfVector(vectorId: string): string {
  return vectorId.slice(0, vectorId.lastIndexOf(":"));
}

/** Checks (and with `repair`, fixes) drift between registry, files and vectors. */
export async function runDoctor(options: { services: DoctorDependencies; repair: boolean }): Promise<DoctorReport> {
  const { services, repair } = options;
  const { registry, fileStore } = services;
  const vectorStore = await services.getVectorStore();
  const documents = registry.listDocuments();
  const knownIds = new Set(documents.map((document) => document.id));
  const drift: Drift[] = [];
  let vectorsChecked = 0;
  const reindex = async (documentId: string) => {
    await vectorStore.deleteDocument(documentId);
    registry.resetForIndexing(documentId);
    services.queue.enqueue(documentId);
  };

  for (const documentId of await vectorStore.listDocumentIds()) {
    if (knownIds.has(documentId)) continue;
    if (repair) await vectorStore.deleteDocument(documentId);
    drift.push({ kind: "orphan_vectors", documentId, detail: "vectors of a document that is not in the registry", repaired: repair });
  }

  const knownHashes = new Set(documents.map((document) => document.sha256));
  for (const sha256 of await fileStore.list()) {
    if (knownHashes.has(sha256)) continue;
    if (repair) {
      await fileStore.remove(sha256);
      await services.parseCache.remove(sha256);
    }
    drift.push({ kind: "orphan_file", sha256, detail: "stored file no document refers to", repaired: repair });
  }

  // Vectors Chroma stores but its index no longer finds (chroma-core/chroma#7758, after deletes
  // and updates): the count and the ids agree, yet search misses them.
  const unsearchableByDocument = new Map<string, string[]>();
  for (const vectorId of await vectorStore.listUnsearchableVectorIds()) {
    const documentId = parseVectorId(vectorId)?.documentId;
    if (documentId) unsearchableByDocument.set(documentId, [...(unsearchableByDocument.get(documentId) ?? []), vectorId]);
  }

  for (const document of documents) {
    if (!(await fileStore.exists(document.sha256))) {
      if (repair) registry.failIndexing({ id: document.id, code: "document.file_missing", message: "The stored file of this document is missing; upload it again." });
      if (repair) await vectorStore.deleteDocument(document.id);
      drift.push({ kind: "missing_file", documentId: document.id, detail: `${document.name}: original file missing`, repaired: repair });
      continue;
    }
    const vectorIds = await vectorStore.listDocumentVectorIds(document.id);
    vectorsChecked += vectorIds.length;
    if (document.status === "queued" || document.status === "parsing" || document.status === "embedding") {
      // Resumed by the app at start-up; the doctor only reports it.
      drift.push({ kind: "unfinished_document", documentId: document.id, detail: `${document.name}: ${document.status}`, repaired: false });
      continue;
    }
    if (document.status === "failed") {
      if (vectorIds.length > 0) {
        if (repair) await vectorStore.deleteDocument(document.id);
        drift.push({ kind: "unexpected_vectors", documentId: document.id, detail: `${document.name}: failed but has ${vectorIds.length} vectors`, repaired: repair });
      }
      continue;
    }
    // Ready (with the configured model): every chunk has vectors and no vector points elsewhere.
    if (document.embeddingModel !== services.embedder.modelId) continue;
    const chunkIds = new Set(registry.listChunks(document.id).map((chunk) => chunk.id));
    const vectorChunkIds = new Set(vectorIds.map(chunkIdOfVector));
    const missing = [...chunkIds].filter((chunkId) => !vectorChunkIds.has(chunkId));
    const stale = [...vectorChunkIds].filter((chunkId) => !chunkIds.has(chunkId));
    const unsearchable = unsearchableByDocument.get(document.id) ?? [];
    if (missing.length === 0 && stale.length === 0 && unsearchable.length === 0) continue;
    if (missing.length === 0 && stale.length === 0) {
      // Written anew from what Chroma stores (no re-embedding); re-indexed only if that fails.
      const stillLost = repair ? await vectorStore.rewriteVectors(unsearchable) : unsearchable;
      if (repair && stillLost.length > 0) await reindex(document.id);
      drift.push({
        kind: "unsearchable_vectors",
        documentId: document.id,
        detail: `${document.name}: ${unsearchable.length} vector(s) stored but not found by search`,
        repaired: repair,
      });
      continue;
    }
    if (repair) await reindex(document.id);
    drift.push({
      kind: missing.length > 0 ? "missing_vectors" : "stale_vectors",
      documentId: document.id,
      detail: `${document.name}: ${missing.length} chunk(s) without vectors, ${stale.length} vector group(s) without chunk`,
      repaired: repair,
    });
  }

  return {
    documents: documents.length,
    readyDocuments: documents.filter((document) => document.status === "ready").length,
    vectorsChecked,
    drift,
  };
}
