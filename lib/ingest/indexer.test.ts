import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Embedder } from "@/lib/embeddings/types";
import { indexDocument, type IndexerDependencies } from "@/lib/ingest/indexer";
import { createParseCache } from "@/lib/ingest/parse-cache";
import { createLocalFileStore } from "@/lib/storage/file-store";
import type { DocumentRegistry } from "@/lib/storage/registry-types";
import { openSqliteRegistry } from "@/lib/storage/sqlite-registry";
import type { VectorRecord, VectorStore } from "@/lib/vector-store/types";

/** The indexer: re-indexing reuses the stored vectors of unchanged windows; the model never waits for the vector store. */

const DIMENSIONS = 8;

function countingEmbedder(): Embedder & { embedded: string[] } {
  const embedded: string[] = [];
  const vectorOf = (text: string) => Array.from({ length: DIMENSIONS }, (_, index) => (text.length % (index + 2)) / (index + 2));
  return {
    embedded,
    modelId: "test-model",
    dimensions: DIMENSIONS,
    provider: "local",
    windowsFor: ({ text, prefix }) => Promise.resolve([`${prefix}\n${text}`]),
    embedDocuments: (texts) => {
      embedded.push(...texts);
      return Promise.resolve(texts.map(vectorOf));
    },
    embedSentences: (texts) => Promise.resolve(texts.map(vectorOf)),
    embedQuery: (text) => Promise.resolve(vectorOf(text)),
    statistics: () => ({ busyMilliseconds: 0, inputs: { query: 0, sentence: 0, document: 0 }, wordPieces: 0 }),
  };
}

function memoryVectorStore(): VectorStore & { records: Map<string, VectorRecord> } {
  const records = new Map<string, VectorRecord>();
  const ofDocument = (documentId: string) => [...records.values()].filter((record) => record.documentId === documentId);
  return {
    records,
    collectionName: "memory",
    embeddingModel: "test-model",
    dimensions: DIMENSIONS,
    upsert: (batch) => {
      for (const record of batch) records.set(record.id, record);
      return Promise.resolve();
    },
    query: () => Promise.resolve([]),
    readDocumentVectors: (documentId) => Promise.resolve(ofDocument(documentId).map((record) => ({ ...record, vector: [...record.vector] }))),
    deleteVectors: (ids) => {
      for (const id of ids) records.delete(id);
      return Promise.resolve();
    },
    deleteDocument: (documentId) => {
      for (const record of ofDocument(documentId)) records.delete(record.id);
      return Promise.resolve();
    },
    countDocumentVectors: (documentId) => Promise.resolve(ofDocument(documentId).length),
    listDocumentVectorIds: (documentId) => Promise.resolve(ofDocument(documentId).map((record) => record.id)),
    listDocumentIds: () => Promise.resolve([...new Set([...records.values()].map((record) => record.documentId))]),
    listUnsearchableVectorIds: () => Promise.resolve([]),
    rewriteVectors: () => Promise.resolve([]),
    heartbeat: () => Promise.resolve(),
  };
}

let directory: string;
let registry: DocumentRegistry;

beforeEach(async () => {
  directory = await mkdtemp(path.join(tmpdir(), "cited-reindex-"));
  registry = openSqliteRegistry(path.join(directory, "app.db"));
});

afterEach(async () => {
  registry.close();
  await rm(directory, { recursive: true, force: true });
});

async function storeMarkdown(
  text: string,
): Promise<{ id: string; dependencies: IndexerDependencies; embedder: ReturnType<typeof countingEmbedder>; store: ReturnType<typeof memoryVectorStore> }> {
  const fileStore = createLocalFileStore(path.join(directory, "files"));
  const sha256 = createHash("sha256").update(text).digest("hex");
  const temporaryPath = path.join(directory, "upload.tmp");
  await writeFile(temporaryPath, text);
  await fileStore.importFile({ temporaryPath, sha256 });
  registry.createDocument({ id: "doc-1", name: "guide.md", kind: "markdown", sizeBytes: text.length, sha256 });
  const embedder = countingEmbedder();
  const store = memoryVectorStore();
  const dependencies: IndexerDependencies = {
    registry,
    fileStore,
    embedder,
    getVectorStore: () => Promise.resolve(store),
    chunking: { sizeTokens: 120, overlapTokens: 20 },
    parseBudget: { timeoutMs: 30_000, maxMemoryMb: 256 },
  };
  return { id: "doc-1", dependencies, embedder, store };
}

const GUIDE = [
  "# Guide",
  ...Array.from(
    { length: 12 },
    (_, index) => `## Part ${index}\n\nRule ${index}: the parking badge ${index} is renewed every ${index + 2} weeks at the front desk, and lost badges are replaced within a day.`,
  ),
].join("\n\n");

describe("re-indexing", () => {
  it("embeds nothing again for an unchanged document and stores the same vectors", async () => {
    const { id, dependencies, embedder, store } = await storeMarkdown(GUIDE);
    await indexDocument({ documentId: id, signal: new AbortController().signal, dependencies });
    expect(registry.getDocument(id)?.status).toBe("ready");
    const first = embedder.embedded.length;
    const vectorsBefore = new Map([...store.records].map(([vectorId, record]) => [vectorId, record.vector]));
    expect(first).toBeGreaterThan(3);

    registry.resetForIndexing(id);
    await indexDocument({ documentId: id, signal: new AbortController().signal, dependencies });
    expect(registry.getDocument(id)?.status).toBe("ready");
    expect(embedder.embedded.length).toBe(first);
    expect(new Map([...store.records].map(([vectorId, record]) => [vectorId, record.vector]))).toEqual(vectorsBefore);
  });

  it("embeds only the windows whose text changed", async () => {
    const { id, dependencies, embedder } = await storeMarkdown(GUIDE);
    await indexDocument({ documentId: id, signal: new AbortController().signal, dependencies });
    const first = embedder.embedded.length;
    // Other chunk sizes cut different windows: only those are embedded again.
    registry.resetForIndexing(id);
    await indexDocument({ documentId: id, signal: new AbortController().signal, dependencies: { ...dependencies, chunking: { sizeTokens: 60, overlapTokens: 10 } } });
    expect(registry.getDocument(id)?.status).toBe("ready");
    const again = embedder.embedded.slice(first);
    expect(again.length).toBeGreaterThan(0);
    expect(again.every((text) => !embedder.embedded.slice(0, first).includes(text))).toBe(true);
  });
});

/** Counts what reaches the store: records upserted and vectors deleted one way or another. */
function countWrites(store: ReturnType<typeof memoryVectorStore>): { upserted: string[]; deletedIds: string[]; documentDeletes: number } {
  const counts = { upserted: [] as string[], deletedIds: [] as string[], documentDeletes: 0 };
  const upsert = store.upsert.bind(store);
  store.upsert = (batch) => {
    counts.upserted.push(...batch.map((record) => record.id));
    return upsert(batch);
  };
  const deleteVectors = store.deleteVectors.bind(store);
  store.deleteVectors = (ids) => {
    counts.deletedIds.push(...ids);
    return deleteVectors(ids);
  };
  const deleteDocument = store.deleteDocument.bind(store);
  store.deleteDocument = (documentId) => {
    counts.documentDeletes += 1;
    return deleteDocument(documentId);
  };
  return counts;
}

/** Every vector belongs to a chunk and passage of the registry, and every passage has a vector. */
function expectVectorsMatchRegistry(store: ReturnType<typeof memoryVectorStore>, id: string): void {
  const chunks = registry.listChunks(id);
  const passages = registry.getPassages(chunks.map((chunk) => chunk.id));
  const expected = new Set([...passages.values()].flat().map((passage) => `${passage.chunkId}#${passage.passageIndex}`));
  const stored = [...store.records.values()].filter((record) => record.documentId === id);
  expect(new Set(stored.map((record) => `${record.chunkId}#${record.passageIndex ?? 0}`))).toEqual(expected);
  const chunkById = new Map(chunks.map((chunk) => [chunk.id, chunk]));
  for (const record of stored) {
    const chunk = chunkById.get(record.chunkId);
    expect(chunk).toBeDefined();
    expect(record.chunkIndex).toBe(chunk?.chunkIndex);
    expect(record.tokenCount).toBe(chunk?.tokenCount);
  }
}

describe("re-indexing writes only what changed", () => {
  it("does not rewrite the vector store for an unchanged document", async () => {
    const { id, dependencies, store } = await storeMarkdown(GUIDE);
    await indexDocument({ documentId: id, signal: new AbortController().signal, dependencies });
    const before = new Map(store.records);
    const counts = countWrites(store);
    registry.resetForIndexing(id);
    await indexDocument({ documentId: id, signal: new AbortController().signal, dependencies });
    expect(registry.getDocument(id)?.status).toBe("ready");
    expect(counts).toEqual({ upserted: [], deletedIds: [], documentDeletes: 0 });
    expect(store.records).toEqual(before);
    expectVectorsMatchRegistry(store, id);
  });

  it("rewrites the changed vectors and deletes the ones no longer produced when the chunking changed", async () => {
    const { id, dependencies, store } = await storeMarkdown(GUIDE);
    // Small chunks first, then the default: fewer, longer chunks.
    await indexDocument({ documentId: id, signal: new AbortController().signal, dependencies: { ...dependencies, chunking: { sizeTokens: 60, overlapTokens: 10 } } });
    const idsBefore = new Set(store.records.keys());
    const counts = countWrites(store);
    registry.resetForIndexing(id);
    await indexDocument({ documentId: id, signal: new AbortController().signal, dependencies });
    expect(registry.getDocument(id)?.status).toBe("ready");
    expect(counts.upserted.length).toBeGreaterThan(0);
    expect(counts.deletedIds.length).toBeGreaterThan(0);
    expect(new Set(store.records.keys())).not.toEqual(idsBefore);
    // What the first run wrote and this one did not is gone.
    for (const vectorId of counts.deletedIds) expect(store.records.has(vectorId)).toBe(false);
    expectVectorsMatchRegistry(store, id);
  });

  it("rewrites a vector whose metadata changed although its text did not (a renamed document)", async () => {
    const { id, dependencies, store } = await storeMarkdown(GUIDE);
    await indexDocument({ documentId: id, signal: new AbortController().signal, dependencies });
    const counts = countWrites(store);
    for (const record of store.records.values()) record.source = "old-name.md";
    registry.resetForIndexing(id);
    await indexDocument({ documentId: id, signal: new AbortController().signal, dependencies });
    expect(counts.upserted.length).toBe(store.records.size);
    expect([...store.records.values()].every((record) => record.source === "guide.md")).toBe(true);
  });

  it("leaves no vectors behind when a re-index that changed some fails", async () => {
    const { id, dependencies, store, embedder } = await storeMarkdown(GUIDE);
    await indexDocument({ documentId: id, signal: new AbortController().signal, dependencies });
    embedder.embedDocuments = () => Promise.reject(new Error("model crashed"));
    registry.resetForIndexing(id);
    await indexDocument({ documentId: id, signal: new AbortController().signal, dependencies: { ...dependencies, chunking: { sizeTokens: 60, overlapTokens: 10 } } });
    expect(registry.getDocument(id)?.status).toBe("failed");
    expect(store.records.size).toBe(0);
    expect(registry.listChunks(id)).toEqual([]);
  });
});

describe("re-indexing reuses the parse of an unchanged file", () => {
  /** Counts reads of the stored file: each parse reads it, a cached parse does not. */
  function countReads(dependencies: IndexerDependencies): { reads: number } {
    const counts = { reads: 0 };
    const read = dependencies.fileStore.read.bind(dependencies.fileStore);
    dependencies.fileStore = {
      ...dependencies.fileStore,
      read: (sha256) => {
        counts.reads += 1;
        return read(sha256);
      },
    };
    return counts;
  }

  it("parses once while the parser version stays, and again when it changes", async () => {
    const { id, dependencies } = await storeMarkdown(GUIDE);
    let version: string | undefined = "1".repeat(32);
    const withCache: IndexerDependencies = {
      ...dependencies,
      parsedDocuments: { cache: createParseCache(path.join(directory, "parsed")), parserVersion: () => Promise.resolve(version) },
    };
    const counts = countReads(withCache);
    await indexDocument({ documentId: id, signal: new AbortController().signal, dependencies: withCache });
    const chunks = registry.listChunks(id).map((chunk) => chunk.text);
    expect(counts.reads).toBe(1);

    registry.resetForIndexing(id);
    await indexDocument({ documentId: id, signal: new AbortController().signal, dependencies: withCache });
    expect(registry.getDocument(id)?.status).toBe("ready");
    expect(counts.reads).toBe(1);
    expect(registry.listChunks(id).map((chunk) => chunk.text)).toEqual(chunks);

    // Other chunk settings reuse the parse but chunk it afresh.
    registry.resetForIndexing(id);
    await indexDocument({ documentId: id, signal: new AbortController().signal, dependencies: { ...withCache, chunking: { sizeTokens: 60, overlapTokens: 10 } } });
    expect(counts.reads).toBe(1);
    expect(registry.listChunks(id).length).toBeGreaterThan(chunks.length);

    // A new parser (an upgrade) parses afresh.
    version = "2".repeat(32);
    registry.resetForIndexing(id);
    await indexDocument({ documentId: id, signal: new AbortController().signal, dependencies: withCache });
    expect(counts.reads).toBe(2);
    expect(registry.listChunks(id).map((chunk) => chunk.text)).toEqual(chunks);

    // An unknown parser version parses every time and caches nothing.
    version = undefined;
    registry.resetForIndexing(id);
    await indexDocument({ documentId: id, signal: new AbortController().signal, dependencies: withCache });
    registry.resetForIndexing(id);
    await indexDocument({ documentId: id, signal: new AbortController().signal, dependencies: withCache });
    expect(counts.reads).toBe(4);
  });

  it("uses what the cache holds for this file and parser (so a stale entry would show), and fails when the file is gone", async () => {
    const { id, dependencies } = await storeMarkdown(GUIDE);
    const cache = createParseCache(path.join(directory, "parsed"));
    const version = "1".repeat(32);
    const withCache: IndexerDependencies = { ...dependencies, parsedDocuments: { cache, parserVersion: () => Promise.resolve(version) } };
    const sha256 = registry.getDocument(id)?.sha256 ?? "";
    await cache.set({ sha256, kind: "markdown", parserVersion: version }, { kind: "markdown", blocks: [{ text: "Only the cached text.", kind: "paragraph" }], pageCount: null });
    await indexDocument({ documentId: id, signal: new AbortController().signal, dependencies: withCache });
    expect(registry.listChunks(id).map((chunk) => chunk.text)).toEqual(["Only the cached text."]);

    await dependencies.fileStore.remove(sha256);
    registry.resetForIndexing(id);
    await indexDocument({ documentId: id, signal: new AbortController().signal, dependencies: withCache });
    expect(registry.getDocument(id)?.status).toBe("failed");
    expect(registry.getDocument(id)?.errorCode).toBe("document.file_missing");
  });
});

const LONG_GUIDE = [
  "# Long guide",
  ...Array.from(
    { length: 40 },
    (_, index) => `## Part ${index}\n\nRule ${index}: the parking badge ${index} is renewed every ${index + 2} weeks at the front desk, and lost badges are replaced within a day.`,
  ),
].join("\n\n");

// Many chunks, so that indexing takes several steps.
const SMALL_CHUNKS = { sizeTokens: 40, overlapTokens: 5 };

describe("the indexing pipeline", () => {
  it("embeds the next step while the previous one is still being written", async () => {
    const { id, dependencies, embedder, store } = await storeMarkdown(LONG_GUIDE);
    const events: string[] = [];
    const embedDocuments = embedder.embedDocuments.bind(embedder);
    embedder.embedDocuments = (texts, signal) => {
      events.push("embed");
      return embedDocuments(texts, signal);
    };
    const upsert = store.upsert.bind(store);
    store.upsert = async (batch) => {
      events.push("write started");
      // A slow vector store: the model must not wait for it.
      await new Promise((resolve) => setTimeout(resolve, 30));
      await upsert(batch);
      events.push("write done");
    };
    await indexDocument({ documentId: id, signal: new AbortController().signal, dependencies: { ...dependencies, chunking: SMALL_CHUNKS } });
    expect(registry.getDocument(id)?.status).toBe("ready");
    expect(events.filter((event) => event === "embed").length).toBeGreaterThan(2);
    // The second step's embedding starts before the first step's write has finished.
    expect(events.indexOf("embed", events.indexOf("write started"))).toBeLessThan(events.indexOf("write done"));
    // Writes never overlap: each one finishes before the next starts.
    const writes = events.filter((event) => event.startsWith("write"));
    expect(writes).toEqual(writes.map((_, index) => (index % 2 === 0 ? "write started" : "write done")));
    expect(registry.getDocument(id)?.chunksEmbedded).toBe(registry.getDocument(id)?.chunksTotal);
  });

  it("fails the document on a failed write and leaves no vectors behind", async () => {
    const { id, dependencies, store } = await storeMarkdown(LONG_GUIDE);
    const upsert = store.upsert.bind(store);
    let writes = 0;
    store.upsert = async (batch) => {
      writes += 1;
      await new Promise((resolve) => setTimeout(resolve, 10));
      if (writes === 2) throw new Error("disk full");
      await upsert(batch);
    };
    await indexDocument({ documentId: id, signal: new AbortController().signal, dependencies: { ...dependencies, chunking: SMALL_CHUNKS } });
    expect(registry.getDocument(id)?.status).toBe("failed");
    expect(store.records.size).toBe(0);
  });
});
