import "server-only";
import fs from "node:fs";
import path from "node:path";
import { getConfig, type AppConfig } from "@/lib/config";
import { createQuietRunner } from "@/lib/async/run-when-quiet";
import { Semaphore } from "@/lib/async/semaphore";
import { sharedResult } from "@/lib/async/shared-result";
import { AppError, isAppError } from "@/lib/errors";
import { createLocalEmbedder } from "@/lib/embeddings/local-embedder";
import { createOpenAiEmbedder } from "@/lib/embeddings/openai-embedder";
import type { Embedder } from "@/lib/embeddings/types";
import { indexDocument, isTransientIndexingError } from "@/lib/ingest/indexer";
import { openIndexingAttempts, runCountingAttempts } from "@/lib/ingest/indexing-attempts";
import { IndexingQueue } from "@/lib/ingest/indexing-queue";
import { createParseCache, type ParseCache } from "@/lib/ingest/parse-cache";
import { parserVersion } from "@/lib/ingest/parse-in-worker";
import { logger, setLogLevel, withoutLogContext } from "@/lib/logger";
import { sweepLostVectors } from "@/lib/maintenance/lost-vectors";
import { RateLimiter } from "@/lib/http/rate-limit";
import { ensureDataDirectory } from "@/lib/storage/data-directory";
import { createLocalFileStore, type FileStore } from "@/lib/storage/file-store";
import type { DocumentRegistry } from "@/lib/storage/registry-types";
import { createSearchCache, type SearchCache } from "@/lib/retrieval/search-cache";
import { openSqliteRegistry } from "@/lib/storage/sqlite-registry";
import { openConversationStore, type ConversationStore } from "@/lib/storage/conversation-store";
import { openChromaVectorStore } from "@/lib/vector-store/chroma-vector-store";
import { EmbeddedChromaServer } from "@/lib/vector-store/embedded-chroma-server";
import type { VectorStore } from "@/lib/vector-store/types";

/**
 * The process-wide composition root: configuration, registry, file store, embedder, vector
 * store (with the embedded Chroma server unless CHROMA_URL is set) and the indexing queue.
 * Kept on `globalThis` so every route bundle and hot reload shares one instance.
 */

export interface AppServices {
  config: AppConfig;
  registry: DocumentRegistry;
  conversations: ConversationStore;
  fileStore: FileStore;
  /** Parse results of stored files by parser version (lib/ingest/parse-cache.ts). */
  parseCache: ParseCache;
  embedder: Embedder;
  queue: IndexingQueue;
  /** Resolves the vector store, starting the embedded Chroma server if needed. */
  getVectorStore: () => Promise<VectorStore>;
  /** Directory for in-flight uploads (same file system as the store, so moves are renames). */
  temporaryDirectory: string;
  chromaServer: EmbeddedChromaServer | undefined;
  rateLimiters: { uploads: RateLimiter; chats: RateLimiter; searches: RateLimiter };
  /** Upload requests being received at once (MAX_CONCURRENT_UPLOADS); the rest wait their turn. */
  uploadSlots: Semaphore;
  /** The vector store's heartbeat, run at most once a second however often it is asked for (anonymous health probes). */
  vectorStoreHealth: () => Promise<VectorStoreHealth>;
  /** Search results until the library changes, shared by the search API and the chat. */
  searchCache: SearchCache;
  shutdown: () => Promise<void>;
}

export interface VectorStoreHealth {
  status: "ok" | "unavailable";
  collection?: string;
  message?: string;
}

const RETRY_DELAY_MS = 2_000;
const HEALTH_SHARED_MILLISECONDS = 1_000;
const MAXIMUM_WAITING_UPLOADS = 200;
const MAXIMUM_TRANSIENT_RETRIES = 30;
const LOST_VECTOR_SWEEP_QUIET_MILLISECONDS = 60_000;
const LOST_VECTOR_SWEEP_INTERVAL_MILLISECONDS = 600_000;
const LOST_VECTOR_SWEEP_SHARE = 0.05;

function createEmbedder(config: AppConfig): Embedder {
  if (config.embedding.provider === "openai") {
    if (!config.openai.apiKey) throw new AppError("embedding.unavailable", "EMBEDDING_PROVIDER=openai needs OPENAI_API_KEY.");
    return createOpenAiEmbedder({
      apiKey: config.openai.apiKey,
      baseUrl: config.openai.baseUrl,
      model: config.embedding.model,
      batchSize: Math.max(config.embedding.batchSize, 64),
    });
  }
  return createLocalEmbedder({ batchSize: config.embedding.batchSize, threads: config.embedding.threads });
}

function assertWritableDataDirectory(dataDirectory: string): void {
  try {
    ensureDataDirectory(dataDirectory);
    const probe = path.join(dataDirectory, `.write-check-${process.pid}`);
    fs.writeFileSync(probe, "ok");
    fs.rmSync(probe);
  } catch (error) {
    throw new Error(`The data directory ${dataDirectory} is not writable (${(error as Error).message}). Set DATA_DIR to a writable folder.`);
  }
}

function createAppServices(config: AppConfig): AppServices {
  setLogLevel(config.logLevel);
  assertWritableDataDirectory(config.dataDirectory);
  const temporaryDirectory = path.join(config.dataDirectory, "tmp");
  fs.mkdirSync(temporaryDirectory, { recursive: true });
  // Leftovers of uploads interrupted by a crash are never referenced: clear them.
  for (const entry of fs.readdirSync(temporaryDirectory)) fs.rmSync(path.join(temporaryDirectory, entry), { force: true, recursive: true });

  const registry = openSqliteRegistry(path.join(config.dataDirectory, "app.db"));
  const conversations = openConversationStore(path.join(config.dataDirectory, "app.db"));
  const indexingAttempts = openIndexingAttempts(path.join(config.dataDirectory, "app.db"));
  const fileStore = createLocalFileStore(path.join(config.dataDirectory, "files"));
  const parseCache = createParseCache(path.join(config.dataDirectory, "parsed"));
  const embedder = createEmbedder(config);
  // Others may write an external Chroma without this process seeing it: its results age faster.
  const searchCache = createSearchCache({ entries: config.search.cacheEntries, externalStore: Boolean(config.chroma.url) });
  const chromaServer = config.chroma.url
    ? undefined
    : new EmbeddedChromaServer({
        dataDirectory: path.join(config.dataDirectory, "chroma"),
        port: config.chroma.embeddedPort,
        // A restarted Chroma (after a crash) may find what the old one did not, or not yet.
        onStarted: () => searchCache.clear(),
      });

  // After deletes, once the library has been quiet for a minute (at most every 10 minutes, and
  // at most 5 % of the time), every vector is probed and the ones Chroma's index lost are
  // written anew.
  const lostVectorSweep = config.chroma.checkWrites
    ? createQuietRunner({
        task: async () => {
          const sweep = await sweepLostVectors(await getVectorStore());
          if (sweep.rewritten > 0) searchCache.clear();
          logger.info("vectors.swept", { lost: sweep.lost, rewritten: sweep.rewritten, stillLost: sweep.stillLost.length, milliseconds: sweep.milliseconds });
        },
        onError: (error) => logger.warn("vectors.sweep_failed", { error }),
        quietMilliseconds: LOST_VECTOR_SWEEP_QUIET_MILLISECONDS,
        minimumIntervalMilliseconds: LOST_VECTOR_SWEEP_INTERVAL_MILLISECONDS,
        // A sweep of 100,000 vectors keeps Chroma busy for minutes: at most 5 % of the time.
        maximumRunShare: LOST_VECTOR_SWEEP_SHARE,
      })
    : undefined;

  let vectorStorePromise: Promise<VectorStore> | undefined;
  const getVectorStore = () => {
    vectorStorePromise ??= (async () => {
      const url = chromaServer ? await chromaServer.start() : (config.chroma.url as string);
      return openChromaVectorStore({
        connection: {
          url,
          tenant: config.chroma.tenant,
          database: config.chroma.database,
          authToken: config.chroma.authToken,
          requestTimeoutMs: config.chroma.requestTimeoutMs,
        },
        embeddingModel: embedder.modelId,
        dimensions: embedder.dimensions,
        checkWrites: config.chroma.checkWrites,
        // The delete may be a request's; the sweep it schedules is not.
        onDelete: () => withoutLogContext(() => lostVectorSweep?.noteChange()),
      });
    })().catch((error: unknown) => {
      vectorStorePromise = undefined;
      throw error;
    });
    return vectorStorePromise;
  };

  const transientRetries = new Map<string, number>();
  const queue: IndexingQueue = new IndexingQueue({
    concurrency: config.indexing.concurrency,
    run: async (documentId, signal) => {
      try {
        // A document whose indexing the process died in twice is failed rather than resumed again.
        await runCountingAttempts({
          attempts: indexingAttempts,
          documentId,
          fail: (interruptedRuns) => {
            logger.warn("indexing.interrupted", { documentId, interruptedRuns });
            if (registry.getDocument(documentId)) {
              registry.failIndexing({ id: documentId, code: "indexing.interrupted", message: `Indexing this document stopped the server ${interruptedRuns} times; it is not indexed again automatically.` });
            }
          },
          run: () =>
            indexDocument({
              documentId,
              signal,
              dependencies: {
                registry,
                fileStore,
                embedder,
                getVectorStore,
                chunking: config.chunking,
                parseBudget: { timeoutMs: config.indexing.parseTimeoutMs, maxMemoryMb: config.indexing.parseMaxMemoryMb },
                parsedDocuments: { cache: parseCache, parserVersion },
              },
            }),
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
        setTimeout(() => queue.enqueue(documentId), RETRY_DELAY_MS).unref();
      }
    },
  });

  const shutdown = async () => {
    lostVectorSweep?.stop();
    await chromaServer?.stop();
    registry.close();
    conversations.close();
    indexingAttempts.close();
  };
  if (chromaServer) {
    // Chroma hangs on SIGTERM; it must get SIGINT whenever this process goes away.
    process.once("exit", () => chromaServer.stopNow());
  }

  const rateLimiters = {
    uploads: new RateLimiter(config.rateLimits.uploadsPerMinute),
    chats: new RateLimiter(config.rateLimits.chatsPerMinute),
    searches: new RateLimiter(config.rateLimits.searchesPerMinute),
  };
  const vectorStoreHealth = sharedResult({
    milliseconds: HEALTH_SHARED_MILLISECONDS,
    work: async (): Promise<VectorStoreHealth> => {
      try {
        const store = await getVectorStore();
        await store.heartbeat();
        return { status: "ok", collection: store.collectionName };
      } catch (error) {
        return { status: "unavailable", message: isAppError(error) ? error.message : "The vector database is not reachable." };
      }
    },
  });
  // Waiting uploads hold a connection, not disk: a few hundred may queue behind the ones received.
  const uploadSlots = new Semaphore(config.upload.maxConcurrent, MAXIMUM_WAITING_UPLOADS);
  return { config, registry, conversations, fileStore, parseCache, embedder, queue, getVectorStore, temporaryDirectory, chromaServer, rateLimiters, uploadSlots, vectorStoreHealth, searchCache, shutdown };
}

const GLOBAL_KEY = Symbol.for("cited.app-services");
type GlobalWithServices = typeof globalThis & { [GLOBAL_KEY]?: AppServices };

/** The shared services of this process, created on first use. */
export function getAppServices(): AppServices {
  const holder = globalThis as GlobalWithServices;
  holder[GLOBAL_KEY] ??= createAppServices(getConfig());
  return holder[GLOBAL_KEY];
}

/**
 * Services for an explicit configuration, outside the process-wide instance (the evaluation
 * harness indexes into a throw-away DATA_DIR this way). The caller owns them and calls `shutdown`.
 */
export function createAppServicesForConfig(config: AppConfig): AppServices {
  return createAppServices(config);
}

/** Start-up work: start the vector store and resume documents left unfinished by a crash or restart. */
export async function startAppServices(): Promise<AppServices> {
  const services = getAppServices();
  const unfinished = services.registry.listDocumentsByStatus(["queued", "parsing", "embedding"]);
  for (const document of unfinished) services.queue.enqueue(document.id);
  if (unfinished.length > 0) logger.info("indexing.resumed", { documents: unfinished.length });
  try {
    await services.getVectorStore();
  } catch (error) {
    logger.error("store.start_failed", { error });
  }
  return services;
}
