import "server-only";
import fs from "node:fs";
import path from "node:path";
import { getConfig, type AppConfig } from "@/lib/config";
import { Semaphore } from "@/lib/async/semaphore";
import { sharedResult } from "@/lib/async/shared-result";
import { AppError, isAppError } from "@/lib/errors";
import { createLocalEmbedder } from "@/lib/embeddings/local-embedder";
import { createOpenAiEmbedder } from "@/lib/embeddings/openai-embedder";
import type { Embedder } from "@/lib/embeddings/types";
import { indexDocument } from "@/lib/ingest/indexer";
import { openIndexingAttempts } from "@/lib/ingest/indexing-attempts";
import { IndexingQueue } from "@/lib/ingest/indexing-queue";
import { createRetryingIndexRun } from "@/lib/ingest/indexing-retries";
import { createParseCache, type ParseCache } from "@/lib/ingest/parse-cache";
import { parserVersion } from "@/lib/ingest/parse-in-worker";
import { logger, setLogLevel, withoutLogContext } from "@/lib/logger";
import { scheduleLostVectorSweeps } from "@/lib/maintenance/lost-vectors";
import { prepareTemporaryDirectory } from "@/lib/maintenance/temporary-files";
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
 * Kept on `globalThis` so every route bundle and hot reload shares one instance. It only wires:
 * each feature declares the narrow dependencies it uses (ChatDependencies, DocumentDependencies,
 * UploadDependencies, DoctorDependencies, ...), which this object satisfies, and the policies
 * live with their features (indexing retries in lib/ingest, the sweep and the temporary folder
 * in lib/maintenance).
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

const HEALTH_SHARED_MILLISECONDS = 1_000;
const MAXIMUM_WAITING_UPLOADS = 200;

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
  const temporaryDirectory = prepareTemporaryDirectory(config.dataDirectory);

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

  // Rewritten vectors may be ones cached results missed.
  const lostVectorSweep = config.chroma.checkWrites ? scheduleLostVectorSweeps({ getVectorStore: () => getVectorStore(), onRewritten: () => searchCache.clear() }) : undefined;

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

  const queue: IndexingQueue = new IndexingQueue({
    concurrency: config.indexing.concurrency,
    run: createRetryingIndexRun({
      registry,
      attempts: indexingAttempts,
      index: (documentId, signal) =>
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
      requeue: (documentId) => queue.enqueue(documentId),
    }),
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
  return {
    config,
    registry,
    conversations,
    fileStore,
    parseCache,
    embedder,
    queue,
    getVectorStore,
    temporaryDirectory,
    chromaServer,
    rateLimiters,
    uploadSlots,
    vectorStoreHealth,
    searchCache,
    shutdown,
  };
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
