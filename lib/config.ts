import path from "node:path";
import { z } from "zod";

/**
 * The only module that reads `process.env`. Every setting is validated once, here,
 * and the rest of the code receives a typed, frozen `AppConfig`.
 */

/** Shortest accepted AUTH_TOKEN: long enough that guessing it online is hopeless. */
export const MINIMUM_AUTH_TOKEN_LENGTH = 16;

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : value))
  .optional();

const environmentSchema = z
  .object({
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    DATA_DIR: z.string().trim().min(1).default("./data"),
    CHROMA_URL: optionalString.pipe(z.url().optional()),
    CHROMA_TENANT: optionalString,
    CHROMA_DATABASE: optionalString,
    CHROMA_AUTH_TOKEN: optionalString,
    CHROMA_PORT: z.coerce.number().int().min(0).max(65535).default(0),
    CHROMA_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
    CHROMA_CHECK_WRITES: z
      .enum(["true", "false"])
      .default("true")
      .transform((value) => value === "true"),
    OPENAI_API_KEY: optionalString,
    OPENAI_BASE_URL: optionalString.pipe(z.url().optional()),
    EMBEDDING_PROVIDER: z.enum(["local", "openai"]).optional(),
    EMBEDDING_MODEL: optionalString,
    EMBEDDING_BATCH_SIZE: z.coerce.number().int().min(1).max(2048).default(32),
    EMBEDDING_THREADS: z.coerce.number().int().min(0).max(64).default(0),
    CHAT_MODEL: optionalString,
    CHAT_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(3),
    CHAT_TIMEOUT_MS: z.coerce.number().int().min(1_000).default(90_000),
    CHAT_TOP_K: z.coerce.number().int().min(1).max(20).default(5),
    MAX_UPLOAD_MB: z.coerce.number().positive().max(10_240).default(50),
    MAX_FILES_PER_UPLOAD: z.coerce.number().int().min(1).max(1000).default(50),
    MAX_CONCURRENT_UPLOADS: z.coerce.number().int().min(0).max(1000).default(8),
    MIN_FREE_DISK_MB: z.coerce.number().min(0).default(500),
    DOCX_MAX_UNCOMPRESSED_MB: z.coerce.number().positive().default(200),
    DOCX_MAX_ENTRIES: z.coerce.number().int().positive().default(10_000),
    CHUNK_SIZE_TOKENS: z.coerce.number().int().min(16).max(8192).default(1000),
    CHUNK_OVERLAP_TOKENS: z.coerce.number().int().min(0).default(200),
    SIMILARITY_THRESHOLD: z.coerce.number().min(0).max(1).default(0.7),
    SEARCH_CACHE_ENTRIES: z.coerce.number().int().min(0).max(100_000).default(1000),
    PARSE_TIMEOUT_SECONDS: z.coerce.number().int().min(1).default(300),
    PARSE_MAX_MEMORY_MB: z.coerce.number().int().min(64).default(1536),
    INDEXING_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(2),
    CONTEXT_TOKEN_LIMIT: z.coerce.number().int().min(1024).default(8192),
    RATE_LIMIT_UPLOADS_PER_MINUTE: z.coerce.number().int().min(0).default(120),
    RATE_LIMIT_CHATS_PER_MINUTE: z.coerce.number().int().min(0).default(120),
    RATE_LIMIT_SEARCHES_PER_MINUTE: z.coerce.number().int().min(0).default(600),
    LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
    AUTH_TOKEN: optionalString.pipe(z.string().min(MINIMUM_AUTH_TOKEN_LENGTH, `must be at least ${MINIMUM_AUTH_TOKEN_LENGTH} characters`).optional()),
    // Fractions are allowed (0.01 = 36 s), which keeps expiry testable.
    SESSION_TTL_HOURS: z.coerce
      .number()
      .positive()
      .max(24 * 366)
      .default(12),
    RATE_LIMIT_SIGN_INS_PER_MINUTE: z.coerce.number().int().min(0).default(10),
    SHUTDOWN_GRACE_SECONDS: z.coerce.number().min(0).max(3_600).default(10),
    // The address the app listens on (scripts/start.mjs passes what it chose); defaults as there.
    HOST: optionalString,
    // Host names the app is served as, comma-separated; "*" for any.
    ALLOWED_HOSTS: optionalString,
    // How many proxies of ours stand in front: 0 (none) keys clients by their socket address.
    TRUST_PROXY: z
      .string()
      .trim()
      .default("0")
      .transform((value) => (value === "false" || value === "" ? "0" : value === "true" ? "1" : value))
      .pipe(z.string().regex(/^\d+$/, "must be a number of proxy hops (0 for none), true or false"))
      .transform(Number)
      .pipe(z.number().int().min(0).max(10)),
  })
  .superRefine((value, context) => {
    if (value.CHUNK_OVERLAP_TOKENS >= value.CHUNK_SIZE_TOKENS) {
      context.addIssue({
        code: "custom",
        path: ["CHUNK_OVERLAP_TOKENS"],
        message: `must be smaller than CHUNK_SIZE_TOKENS (${value.CHUNK_SIZE_TOKENS})`,
      });
    }
    if (value.EMBEDDING_PROVIDER === "openai" && !value.OPENAI_API_KEY) {
      context.addIssue({
        code: "custom",
        path: ["EMBEDDING_PROVIDER"],
        message: "EMBEDDING_PROVIDER=openai needs OPENAI_API_KEY",
      });
    }
  });

export type EmbeddingProviderName = "local" | "openai";

export interface AppConfig {
  port: number;
  dataDirectory: string;
  chroma: {
    url: string | undefined;
    tenant: string | undefined;
    database: string | undefined;
    authToken: string | undefined;
    embeddedPort: number;
    requestTimeoutMs: number;
    /** Probe every vector write and rewrite what the index lost (lib/vector-store/chroma-vector-store.ts). */
    checkWrites: boolean;
  };
  openai: { apiKey: string | undefined; baseUrl: string | undefined };
  /** `threads`: the local model's inference threads; 0 means one per core. */
  embedding: { provider: EmbeddingProviderName; model: string; batchSize: number; threads: number };
  chat: {
    /** extractive: no language model configured; quotes the documents. */
    mode: "openai" | "openai-compatible" | "extractive";
    model: string | undefined;
    contextTokenLimit: number;
    maxRetries: number;
    timeoutMs: number;
    topK: number;
  };
  upload: {
    maxBytes: number;
    maxFiles: number;
    /** Upload requests received at once (0: no limit); later ones wait their turn. */
    maxConcurrent: number;
    /** Space kept free on DATA_DIR's file system; an upload that would use it is refused. */
    minFreeDiskBytes: number;
    docxMaxUncompressedBytes: number;
    docxMaxEntries: number;
  };
  chunking: { sizeTokens: number; overlapTokens: number };
  /** cacheEntries: search results kept until the library changes (lib/retrieval/search-cache.ts); 0 turns the cache off. */
  search: { similarityThreshold: number; cacheEntries: number };
  indexing: { concurrency: number; parseTimeoutMs: number; parseMaxMemoryMb: number };
  /** Requests per client per minute; 0 disables the limit. */
  rateLimits: { uploadsPerMinute: number; chatsPerMinute: number; searchesPerMinute: number };
  logLevel: "debug" | "info" | "warn" | "error" | "silent";
  /** How long open requests may keep the server alive after SIGINT/SIGTERM before it exits anyway. */
  shutdownGraceMs: number;
  /** trustProxyHops: proxies of ours in front of the app (TRUST_PROXY), whose `X-Forwarded-For` entries count. */
  http: { trustProxyHops: number; allowedHosts: readonly string[] | undefined };
  /** Access control: on when `token` is set (every page and API then needs a session or the bearer token). */
  auth: {
    token: string | undefined;
    sessionTtlMs: number;
    /** Sign-in attempts and failed bearer attempts per client per minute; 0 disables the limit. */
    signInsPerMinute: number;
  };
}

export const LOCAL_EMBEDDING_MODEL = "all-MiniLM-L6-v2";
export const DEFAULT_OPENAI_EMBEDDING_MODEL = "text-embedding-3-small";
export const DEFAULT_OPENAI_CHAT_MODEL = "gpt-4o";

/** Thrown when the environment does not describe a valid configuration. */
export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigurationError";
  }
}

/** Validates an environment (defaults to `process.env`) into an `AppConfig`; pure, for tests. */
export function parseConfig(environment: Record<string, string | undefined>): AppConfig {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => `${issue.path.join(".") || "environment"}: ${issue.message}`).join("; ");
    throw new ConfigurationError(`Invalid configuration: ${details}`);
  }
  const value = parsed.data;
  const provider: EmbeddingProviderName = value.EMBEDDING_PROVIDER ?? "local";
  const embeddingModel = provider === "openai" ? (value.EMBEDDING_MODEL ?? DEFAULT_OPENAI_EMBEDDING_MODEL) : LOCAL_EMBEDDING_MODEL;
  if (provider === "local" && value.EMBEDDING_MODEL && value.EMBEDDING_MODEL !== LOCAL_EMBEDDING_MODEL) {
    throw new ConfigurationError(
      `Invalid configuration: EMBEDDING_MODEL=${value.EMBEDDING_MODEL} is not available offline; the local provider only has ${LOCAL_EMBEDDING_MODEL} (set EMBEDDING_PROVIDER=openai for OpenAI models)`,
    );
  }
  if (provider === "openai" && !["text-embedding-3-small", "text-embedding-3-large"].includes(embeddingModel)) {
    throw new ConfigurationError(`Invalid configuration: EMBEDDING_MODEL must be text-embedding-3-small or text-embedding-3-large, got ${embeddingModel}`);
  }
  let chatMode: AppConfig["chat"]["mode"] = "extractive";
  let chatModel: string | undefined;
  if (value.OPENAI_BASE_URL) {
    if (!value.CHAT_MODEL) throw new ConfigurationError("Invalid configuration: OPENAI_BASE_URL needs CHAT_MODEL (the model name on that server)");
    chatMode = "openai-compatible";
    chatModel = value.CHAT_MODEL;
  } else if (value.OPENAI_API_KEY) {
    chatMode = "openai";
    chatModel = value.CHAT_MODEL ?? DEFAULT_OPENAI_CHAT_MODEL;
  } else if (value.CHAT_MODEL) {
    throw new ConfigurationError("Invalid configuration: CHAT_MODEL needs OPENAI_API_KEY or OPENAI_BASE_URL");
  }
  return Object.freeze({
    port: value.PORT,
    dataDirectory: path.resolve(value.DATA_DIR),
    chroma: {
      url: value.CHROMA_URL,
      tenant: value.CHROMA_TENANT,
      database: value.CHROMA_DATABASE,
      authToken: value.CHROMA_AUTH_TOKEN,
      embeddedPort: value.CHROMA_PORT,
      requestTimeoutMs: value.CHROMA_REQUEST_TIMEOUT_MS,
      checkWrites: value.CHROMA_CHECK_WRITES,
    },
    openai: { apiKey: value.OPENAI_API_KEY, baseUrl: value.OPENAI_BASE_URL },
    embedding: { provider, model: embeddingModel, batchSize: value.EMBEDDING_BATCH_SIZE, threads: value.EMBEDDING_THREADS },
    chat: {
      mode: chatMode,
      model: chatModel,
      contextTokenLimit: value.CONTEXT_TOKEN_LIMIT,
      maxRetries: value.CHAT_MAX_RETRIES,
      timeoutMs: value.CHAT_TIMEOUT_MS,
      topK: value.CHAT_TOP_K,
    },
    upload: {
      maxBytes: Math.floor(value.MAX_UPLOAD_MB * 1024 * 1024),
      maxFiles: value.MAX_FILES_PER_UPLOAD,
      maxConcurrent: value.MAX_CONCURRENT_UPLOADS,
      minFreeDiskBytes: Math.floor(value.MIN_FREE_DISK_MB * 1024 * 1024),
      docxMaxUncompressedBytes: Math.floor(value.DOCX_MAX_UNCOMPRESSED_MB * 1024 * 1024),
      docxMaxEntries: value.DOCX_MAX_ENTRIES,
    },
    chunking: { sizeTokens: value.CHUNK_SIZE_TOKENS, overlapTokens: value.CHUNK_OVERLAP_TOKENS },
    search: { similarityThreshold: value.SIMILARITY_THRESHOLD, cacheEntries: value.SEARCH_CACHE_ENTRIES },
    indexing: {
      concurrency: value.INDEXING_CONCURRENCY,
      parseTimeoutMs: value.PARSE_TIMEOUT_SECONDS * 1000,
      parseMaxMemoryMb: value.PARSE_MAX_MEMORY_MB,
    },
    rateLimits: {
      uploadsPerMinute: value.RATE_LIMIT_UPLOADS_PER_MINUTE,
      chatsPerMinute: value.RATE_LIMIT_CHATS_PER_MINUTE,
      searchesPerMinute: value.RATE_LIMIT_SEARCHES_PER_MINUTE,
    },
    logLevel: value.LOG_LEVEL,
    shutdownGraceMs: Math.round(value.SHUTDOWN_GRACE_SECONDS * 1000),
    http: {
      trustProxyHops: value.TRUST_PROXY,
      allowedHosts: allowedHosts({ allowedHosts: value.ALLOWED_HOSTS, host: value.HOST ?? (value.AUTH_TOKEN ? "0.0.0.0" : "127.0.0.1") }),
    },
    auth: {
      token: value.AUTH_TOKEN,
      sessionTtlMs: Math.round(value.SESSION_TTL_HOURS * 3_600_000),
      signInsPerMinute: value.RATE_LIMIT_SIGN_INS_PER_MINUTE,
    },
  });
}

const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "::1"];
const WILDCARD_ADDRESSES = new Set(["0.0.0.0", "::", "[::]"]);

/**
 * The host names requests may name (`Host`): ALLOWED_HOSTS when set ("*": any); otherwise what
 * the app listens on, with the loopback names (a loopback or named address), or any when it
 * listens on every interface (then AUTH_TOKEN guards it, and a rebinding page has no session).
 */
function allowedHosts(options: { allowedHosts: string | undefined; host: string }): readonly string[] | undefined {
  const normalise = (name: string) =>
    name
      .trim()
      .toLowerCase()
      .replace(/^\[(.*)\]$/, "$1")
      .replace(/\.$/, "");
  if (options.allowedHosts !== undefined) {
    const names = options.allowedHosts
      .split(",")
      .map(normalise)
      .filter((name) => name !== "");
    return names.includes("*") ? undefined : Object.freeze(names);
  }
  if (WILDCARD_ADDRESSES.has(options.host.trim())) return undefined;
  return Object.freeze([...new Set([normalise(options.host), ...LOOPBACK_NAMES])]);
}

let cachedConfig: AppConfig | undefined;

/** The process-wide configuration, read from `process.env` on first use. */
export function getConfig(): AppConfig {
  cachedConfig ??= parseConfig(process.env);
  return cachedConfig;
}

/** True inside Next's Node.js server runtime (not the edge runtime, not the build). */
export function isNodeServerRuntime(): boolean {
  return process.env.NEXT_RUNTIME === "nodejs" && process.env.NEXT_PHASE !== "phase-production-build";
}

/** True under `next dev`, whose React refresh needs eval and an HMR websocket in the page CSP. */
export function isDevelopmentServer(): boolean {
  return process.env.NODE_ENV === "development";
}
