import { runCountingAttempts, type IndexingAttempts } from "@/lib/ingest/indexing-attempts";
import { isTransientIndexingError } from "@/lib/ingest/indexer";
import { logger } from "@/lib/logger";
import type { DocumentRepository } from "@/lib/storage/registry-types";

/**
 * What the indexing queue runs for a document: one indexing, counted (a document whose indexing
 * the process died in twice is failed rather than resumed again: lib/ingest/indexing-attempts.ts),
 * and, when the vector store or the embedding service is unreachable, the document kept queued
 * and tried again a little later, up to a limit after which it is failed.
 */

const RETRY_DELAY_MS = 2_000;
const MAXIMUM_TRANSIENT_RETRIES = 30;

export interface IndexingRetryDependencies {
  registry: Pick<DocumentRepository, "getDocument" | "failIndexing" | "updateProgress">;
  attempts: IndexingAttempts;
  /** One indexing of the document (lib/ingest/indexer.ts). */
  index: (documentId: string, signal: AbortSignal) => Promise<void>;
  /** Puts the document back in the queue. */
  requeue: (documentId: string) => void;
}

/** The queue's `run` for documents (lib/ingest/indexing-queue.ts), with the retries above. */
export function createRetryingIndexRun(dependencies: IndexingRetryDependencies): (documentId: string, signal: AbortSignal) => Promise<void> {
  const { registry } = dependencies;
  const transientRetries = new Map<string, number>();
  return async (documentId, signal) => {
    try {
      await runCountingAttempts({
        attempts: dependencies.attempts,
        documentId,
        fail: (interruptedRuns) => {
          logger.warn("indexing.interrupted", { documentId, interruptedRuns });
          if (registry.getDocument(documentId)) {
            registry.failIndexing({
              id: documentId,
              code: "indexing.interrupted",
              message: `Indexing this document stopped the server ${interruptedRuns} times; it is not indexed again automatically.`,
            });
          }
        },
        run: () => dependencies.index(documentId, signal),
      });
      transientRetries.delete(documentId);
    } catch (error) {
      if (!isTransientIndexingError(error)) throw error;
      const attempts = (transientRetries.get(documentId) ?? 0) + 1;
      transientRetries.set(documentId, attempts);
      if (attempts > MAXIMUM_TRANSIENT_RETRIES) {
        registry.failIndexing({ id: documentId, code: "store.unavailable", message: "The vector database stayed unreachable; reindex the document later." });
        return;
      }
      // The store is down (restarting, say): keep the document queued and try again.
      logger.warn("indexing.retry_later", { documentId, attempts });
      if (registry.getDocument(documentId)) registry.updateProgress(documentId, { status: "queued" });
      setTimeout(() => dependencies.requeue(documentId), RETRY_DELAY_MS).unref();
    }
  };
}
