import "server-only";
import { chunkBlocks } from "@/lib/ingest/chunker";
import { embeddingPrefix, titleFromFileName } from "@/lib/ingest/document-title";
import { parseWithBudget, type ParseBudget } from "@/lib/ingest/parse-in-worker";
import { AppError, isAppError } from "@/lib/errors";
import type { Embedder } from "@/lib/embeddings/types";
import { logger } from "@/lib/logger";
import type { FileStore } from "@/lib/storage/file-store";
import type { ChunkRecord, DocumentRegistry } from "@/lib/storage/registry-types";
import type { VectorRecord, VectorStore } from "@/lib/vector-store/types";

/**
 * Indexes one document, all or nothing: parse → chunk → embed (in windows) → upsert vectors →
 * commit chunks and "ready" in one registry transaction. Any failure removes the document's
 * vectors and marks it failed with the reason. Vectors are written before the registry commit,
 * so a crash in between leaves the document in a non-final state that start-up re-indexes.
 */

// Chunks embedded per step; progress is reported after each step.
const CHUNKS_PER_STEP = 8;

export interface IndexerDependencies {
  registry: DocumentRegistry;
  fileStore: FileStore;
  embedder: Embedder;
  getVectorStore: () => Promise<VectorStore>;
  chunking: { sizeTokens: number; overlapTokens: number };
  parseBudget: ParseBudget;
}

/** Errors after which the document should be retried later rather than failed. */
export function isTransientIndexingError(error: unknown): boolean {
  return isAppError(error) && (error.code === "store.unavailable" || error.code === "embedding.unavailable");
}

/** Runs the indexing pipeline for one document. */
export async function indexDocument(options: { documentId: string; signal: AbortSignal; dependencies: IndexerDependencies }): Promise<void> {
  const { documentId, signal, dependencies } = options;
  const { registry, fileStore, embedder } = dependencies;
  const document = registry.getDocument(documentId);
  if (!document) return;
  const started = Date.now();
  let vectorStore: VectorStore | undefined;
  try {
    vectorStore = await dependencies.getVectorStore();
    registry.updateProgress(documentId, { status: "parsing", chunksEmbedded: 0, chunksTotal: 0 });
    // A previous attempt (crash, reindex) may have left vectors: start from a clean slate.
    await vectorStore.deleteDocument(documentId);

    const bytes = await fileStore.read(document.sha256).catch((error: unknown) => {
      throw new AppError("document.file_missing", "The stored file of this document is missing.", { cause: error });
    });
    const parsed = await parseWithBudget({ kind: document.kind, bytes: new Uint8Array(bytes), budget: dependencies.parseBudget, signal });
    signal.throwIfAborted();
    const drafts = chunkBlocks({ blocks: parsed.blocks, ...dependencies.chunking });
    if (drafts.length === 0) throw new AppError("text.no_text", "The document has no text to index.");
    const title = parsed.title?.trim() || titleFromFileName(document.name);
    registry.updateProgress(documentId, { status: "embedding", chunksTotal: drafts.length, pageCount: parsed.pageCount, title });

    const createdAt = new Date().toISOString();
    const chunks: ChunkRecord[] = drafts.map((draft) => ({
      id: `${documentId}:${draft.chunkIndex}`,
      documentId,
      chunkIndex: draft.chunkIndex,
      text: draft.text,
      pageStart: draft.pageStart,
      pageEnd: draft.pageEnd,
      section: draft.section,
      pageSpans: draft.pageSpans,
      tokenCount: draft.tokenCount,
      embeddingModel: embedder.modelId,
      createdAt,
    }));

    let vectorCount = 0;
    for (let start = 0; start < chunks.length; start += CHUNKS_PER_STEP) {
      signal.throwIfAborted();
      const step = chunks.slice(start, start + CHUNKS_PER_STEP);
      const windowed = await Promise.all(
        step.map(async (chunk) => ({
          chunk,
          windows: await embedder.windowsFor({ text: chunk.text, prefix: embeddingPrefix({ title, section: chunk.section }) }),
        })),
      );
      const inputs = windowed.flatMap(({ windows }) => windows);
      const vectors = await embedder.embedDocuments(inputs, signal);
      const records: VectorRecord[] = [];
      let vectorIndex = 0;
      for (const { chunk, windows } of windowed) {
        windows.forEach((text, windowIndex) => {
          const vector = vectors[vectorIndex];
          vectorIndex += 1;
          if (!vector) throw new AppError("embedding.failed", "The embedding model returned fewer vectors than inputs.");
          records.push({
            id: `${chunk.id}:${windowIndex}`,
            chunkId: chunk.id,
            documentId,
            chunkIndex: chunk.chunkIndex,
            windowIndex,
            vector,
            text,
            source: document.name,
            pageStart: chunk.pageStart,
            pageEnd: chunk.pageEnd,
            section: chunk.section,
            tokenCount: chunk.tokenCount,
            createdAt,
          });
        });
      }
      signal.throwIfAborted();
      await vectorStore.upsert(records);
      vectorCount += records.length;
      registry.updateProgress(documentId, { chunksEmbedded: Math.min(chunks.length, start + step.length) });
    }
    signal.throwIfAborted();
    registry.completeIndexing({ id: documentId, chunks, embeddingModel: embedder.modelId, pageCount: parsed.pageCount, title });
    logger.info("indexing.completed", {
      documentId,
      name: document.name,
      chunks: chunks.length,
      vectors: vectorCount,
      pages: parsed.pageCount,
      milliseconds: Date.now() - started,
    });
  } catch (error) {
    if (vectorStore) await vectorStore.deleteDocument(documentId).catch(() => undefined);
    if (signal.aborted) {
      logger.info("indexing.cancelled", { documentId });
      return;
    }
    if (isTransientIndexingError(error)) throw error;
    const code = isAppError(error) ? error.code : "indexing.failed";
    const message = isAppError(error) ? error.message : "Indexing failed because of an internal error; see the server log.";
    logger.warn("indexing.failed", { documentId, name: document.name, code, error });
    if (registry.getDocument(documentId)) registry.failIndexing({ id: documentId, code, message });
  }
}
