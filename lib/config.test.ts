import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigurationError, parseConfig } from "@/lib/config";

/** The message of the error `action` throws (fails the test when it does not throw a ConfigurationError). */
function configurationErrorOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as ConfigurationError).message;
  }
  throw new Error("expected a ConfigurationError");
}

describe("parseConfig: defaults", () => {
  it("fills every setting from an empty environment", () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      port: 3000,
      dataDirectory: path.resolve("./data"),
      chroma: { url: undefined, tenant: undefined, database: undefined, authToken: undefined, embeddedPort: 0, requestTimeoutMs: 30_000, checkWrites: true },
      openai: { apiKey: undefined, baseUrl: undefined },
      embedding: { provider: "local", model: "all-MiniLM-L6-v2", batchSize: 32, threads: 0 },
      chat: { mode: "extractive", model: undefined, contextTokenLimit: 8192 },
      upload: { maxBytes: 50 * 1024 * 1024, maxFiles: 50, docxMaxUncompressedBytes: 200 * 1024 * 1024, docxMaxEntries: 10_000 },
      chunking: { sizeTokens: 1000, overlapTokens: 200 },
      search: { similarityThreshold: 0.7, cacheEntries: 1000 },
      indexing: { concurrency: 2 },
      logLevel: "info",
    });
    expect(config.upload.maxBytes).toBe(52_428_800);
    expect(path.isAbsolute(config.dataDirectory)).toBe(true);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("treats empty strings as unset", () => {
    const config = parseConfig({ OPENAI_API_KEY: "  ", CHROMA_URL: "", EMBEDDING_MODEL: "", CHAT_MODEL: "" });
    expect(config.openai.apiKey).toBeUndefined();
    expect(config.chroma.url).toBeUndefined();
    expect(config.embedding.model).toBe("all-MiniLM-L6-v2");
    expect(config.chat.model).toBeUndefined();
  });
});

describe("parseConfig: values", () => {
  it("coerces numbers and resolves DATA_DIR to an absolute path", () => {
    const config = parseConfig({
      PORT: "8080",
      DATA_DIR: "relative/store",
      CHUNK_SIZE_TOKENS: "512",
      CHUNK_OVERLAP_TOKENS: "64",
      SIMILARITY_THRESHOLD: "0.55",
      MAX_UPLOAD_MB: "1.5",
      INDEXING_CONCURRENCY: "4",
      LOG_LEVEL: "debug",
    });
    expect(config.port).toBe(8080);
    expect(config.dataDirectory).toBe(path.resolve("relative/store"));
    expect(path.isAbsolute(config.dataDirectory)).toBe(true);
    expect(config.chunking).toEqual({ sizeTokens: 512, overlapTokens: 64 });
    expect(config.search.similarityThreshold).toBe(0.55);
    expect(config.upload.maxBytes).toBe(Math.floor(1.5 * 1024 * 1024));
    expect(config.indexing.concurrency).toBe(4);
    expect(config.logLevel).toBe("debug");
  });

  it("keeps an absolute DATA_DIR as it is", () => {
    const absolute = path.resolve("/srv/cited-data");
    expect(parseConfig({ DATA_DIR: absolute }).dataDirectory).toBe(absolute);
  });

  it.each([
    ["PORT", "not-a-port"],
    ["PORT", "70000"],
    ["SIMILARITY_THRESHOLD", "1.5"],
    ["CHUNK_SIZE_TOKENS", "8"],
    ["MAX_UPLOAD_MB", "0"],
    ["LOG_LEVEL", "verbose"],
    ["EMBEDDING_PROVIDER", "cohere"],
    ["INDEXING_CONCURRENCY", "0"],
  ])("rejects %s=%s naming the variable", (name, value) => {
    const message = configurationErrorOf(() => parseConfig({ [name]: value }));
    expect(message).toMatch(/^Invalid configuration: /);
    expect(message).toContain(name);
  });
});

describe("parseConfig: chunking", () => {
  it.each([
    ["200", "200"],
    ["200", "500"],
  ])("rejects CHUNK_SIZE_TOKENS=%s with CHUNK_OVERLAP_TOKENS=%s", (size, overlap) => {
    const message = configurationErrorOf(() => parseConfig({ CHUNK_SIZE_TOKENS: size, CHUNK_OVERLAP_TOKENS: overlap }));
    expect(message).toContain(`CHUNK_OVERLAP_TOKENS: must be smaller than CHUNK_SIZE_TOKENS (${size})`);
  });

  it("rejects the default overlap with a chunk size at or below it", () => {
    expect(configurationErrorOf(() => parseConfig({ CHUNK_SIZE_TOKENS: "150" }))).toContain("CHUNK_OVERLAP_TOKENS");
    expect(parseConfig({ CHUNK_SIZE_TOKENS: "201" }).chunking).toEqual({ sizeTokens: 201, overlapTokens: 200 });
  });
});

describe("parseConfig: embedding provider", () => {
  it("rejects EMBEDDING_PROVIDER=openai without OPENAI_API_KEY", () => {
    const message = configurationErrorOf(() => parseConfig({ EMBEDDING_PROVIDER: "openai" }));
    expect(message).toContain("EMBEDDING_PROVIDER=openai needs OPENAI_API_KEY");
  });

  it("uses one embedding thread per core unless EMBEDDING_THREADS says otherwise", () => {
    expect(parseConfig({}).embedding.threads).toBe(0);
    expect(parseConfig({ EMBEDDING_THREADS: "1" }).embedding.threads).toBe(1);
    expect(() => parseConfig({ EMBEDDING_THREADS: "-1" })).toThrow(/EMBEDDING_THREADS/);
  });

  it("uses text-embedding-3-small with OpenAI by default and accepts text-embedding-3-large", () => {
    expect(parseConfig({ EMBEDDING_PROVIDER: "openai", OPENAI_API_KEY: "sk-test" }).embedding).toEqual({
      provider: "openai",
      model: "text-embedding-3-small",
      batchSize: 32,
      threads: 0,
    });
    expect(parseConfig({ EMBEDDING_PROVIDER: "openai", OPENAI_API_KEY: "sk-test", EMBEDDING_MODEL: "text-embedding-3-large" }).embedding.model).toBe("text-embedding-3-large");
  });

  it("rejects an OpenAI embedding model it does not support", () => {
    const message = configurationErrorOf(() => parseConfig({ EMBEDDING_PROVIDER: "openai", OPENAI_API_KEY: "sk-test", EMBEDDING_MODEL: "text-embedding-ada-002" }));
    expect(message).toContain("text-embedding-ada-002");
  });

  it("rejects a local model other than all-MiniLM-L6-v2", () => {
    const message = configurationErrorOf(() => parseConfig({ EMBEDDING_MODEL: "bge-large-en" }));
    expect(message).toContain("EMBEDDING_MODEL=bge-large-en");
    expect(message).toContain("all-MiniLM-L6-v2");
    expect(() => parseConfig({ EMBEDDING_PROVIDER: "local", EMBEDDING_MODEL: "text-embedding-3-small" })).toThrow(ConfigurationError);
  });

  it("accepts the local model named explicitly", () => {
    expect(parseConfig({ EMBEDDING_PROVIDER: "local", EMBEDDING_MODEL: "all-MiniLM-L6-v2" }).embedding.model).toBe("all-MiniLM-L6-v2");
  });

  it("keeps the local provider when only an OpenAI key is set (chat does not imply OpenAI embeddings)", () => {
    expect(parseConfig({ OPENAI_API_KEY: "sk-test" }).embedding.provider).toBe("local");
  });
});

describe("parseConfig: Chroma and chat", () => {
  it("checks Chroma writes unless CHROMA_CHECK_WRITES=false, and rejects other values", () => {
    expect(parseConfig({ CHROMA_CHECK_WRITES: "false" }).chroma.checkWrites).toBe(false);
    expect(parseConfig({ CHROMA_CHECK_WRITES: "true" }).chroma.checkWrites).toBe(true);
    expect(configurationErrorOf(() => parseConfig({ CHROMA_CHECK_WRITES: "no" }))).toContain("CHROMA_CHECK_WRITES");
  });

  it("validates CHROMA_URL", () => {
    expect(configurationErrorOf(() => parseConfig({ CHROMA_URL: "not a url" }))).toContain("CHROMA_URL");
    expect(configurationErrorOf(() => parseConfig({ OPENAI_BASE_URL: "localhost without scheme" }))).toContain("OPENAI_BASE_URL");
    expect(parseConfig({ CHROMA_URL: "http://chroma.internal:8000" }).chroma.url).toBe("http://chroma.internal:8000");
    expect(parseConfig({ CHROMA_URL: "  https://chroma.example.com  " }).chroma.url).toBe("https://chroma.example.com");
  });

  it("uses gpt-4o for chat when an OpenAI key is set, and no chat model otherwise", () => {
    expect(parseConfig({ OPENAI_API_KEY: "sk-test" }).chat).toMatchObject({ mode: "openai", model: "gpt-4o" });
    expect(parseConfig({ OPENAI_API_KEY: "sk-test" }).openai.apiKey).toBe("sk-test");
    expect(parseConfig({}).chat).toMatchObject({ mode: "extractive", model: undefined });
  });

  it("lets CHAT_MODEL override the chat model", () => {
    expect(parseConfig({ OPENAI_API_KEY: "sk-test", CHAT_MODEL: "gpt-4o-mini" }).chat).toMatchObject({ mode: "openai", model: "gpt-4o-mini" });
  });

  it("rejects CHAT_MODEL without a server to send it to", () => {
    expect(configurationErrorOf(() => parseConfig({ CHAT_MODEL: "local-llama" }))).toContain("CHAT_MODEL");
  });

  it("needs CHAT_MODEL for an OpenAI-compatible server at OPENAI_BASE_URL", () => {
    expect(configurationErrorOf(() => parseConfig({ OPENAI_BASE_URL: "http://localhost:11434/v1" }))).toContain("CHAT_MODEL");
    expect(parseConfig({ OPENAI_BASE_URL: "http://localhost:11434/v1", CHAT_MODEL: "llama3.1" }).chat).toMatchObject({
      mode: "openai-compatible",
      model: "llama3.1",
    });
  });
});

describe("parseConfig: access control", () => {
  it("is open by default with a 12-hour session lifetime", () => {
    expect(parseConfig({}).auth).toEqual({ token: undefined, sessionTtlMs: 12 * 3_600_000, signInsPerMinute: 10 });
    expect(parseConfig({ AUTH_TOKEN: "  " }).auth.token).toBeUndefined();
  });

  it("accepts a long token and fractional session hours", () => {
    const config = parseConfig({ AUTH_TOKEN: "correct-horse-battery", SESSION_TTL_HOURS: "0.001" });
    expect(config.auth.token).toBe("correct-horse-battery");
    expect(config.auth.sessionTtlMs).toBe(3_600);
  });

  it("rejects a short token without echoing it", () => {
    const message = configurationErrorOf(() => parseConfig({ AUTH_TOKEN: "short-secret" }));
    expect(message).toContain("AUTH_TOKEN: must be at least 16 characters");
    expect(message).not.toContain("short-secret");
  });

  it("rejects a session lifetime of zero", () => {
    expect(configurationErrorOf(() => parseConfig({ SESSION_TTL_HOURS: "0" }))).toContain("SESSION_TTL_HOURS");
  });
});
