import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { migrate } from "@/lib/storage/sqlite-migrations";
import { openSqliteRegistry } from "@/lib/storage/sqlite-registry";
import type { ChunkRecord, DocumentRegistry, NewDocument } from "@/lib/storage/registry-types";

let directory: string;
let databasePath: string;
let registry: DocumentRegistry | undefined;

function open(): DocumentRegistry {
  registry = openSqliteRegistry(databasePath);
  return registry;
}

function newDocument(index: number, overrides: Partial<NewDocument> = {}): NewDocument {
  return {
    id: `doc-${index}`,
    name: `Document ${index}.pdf`,
    kind: "pdf",
    sizeBytes: 1000 + index,
    sha256: index.toString(16).padStart(64, "0"),
    ...overrides,
  };
}

function chunk(documentId: string, chunkIndex: number, overrides: Partial<ChunkRecord> = {}): ChunkRecord {
  return {
    id: `${documentId}:${chunkIndex}`,
    documentId,
    chunkIndex,
    text: `Chunk ${chunkIndex} of ${documentId}.`,
    pageStart: chunkIndex + 1,
    pageEnd: chunkIndex + 2,
    section: chunkIndex % 2 === 0 ? "Benefits > Dental" : null,
    pageSpans: [
      { page: chunkIndex + 1, start: 0, end: 5 },
      { page: chunkIndex + 2, start: 7, end: 12 },
    ],
    tokenCount: 10 + chunkIndex,
    embeddingModel: "all-MiniLM-L6-v2",
    createdAt: "2025-01-01T00:00:00.000Z",
    ...overrides,
  };
}

function userVersion(): number {
  const database = new Database(databasePath, { readonly: true });
  try {
    return database.pragma("user_version", { simple: true }) as number;
  } finally {
    database.close();
  }
}

beforeEach(async () => {
  directory = await mkdtemp(path.join(tmpdir(), "cited-registry-"));
  databasePath = path.join(directory, "registry.sqlite");
});

afterEach(async () => {
  registry?.close();
  registry = undefined;
  vi.useRealTimers();
  await rm(directory, { recursive: true, force: true });
});

describe("openSqliteRegistry: documents", () => {
  it("creates a queued document and reads it back", () => {
    const documents = open();
    const created = documents.createDocument(newDocument(1));
    expect(created).toMatchObject({
      id: "doc-1",
      name: "Document 1.pdf",
      kind: "pdf",
      sizeBytes: 1001,
      sha256: newDocument(1).sha256,
      status: "queued",
      errorCode: null,
      errorMessage: null,
      pageCount: null,
      chunkCount: 0,
      chunksEmbedded: 0,
      chunksTotal: 0,
      embeddingModel: null,
      title: null,
      indexedAt: null,
    });
    expect(new Date(created.createdAt).toISOString()).toBe(created.createdAt);
    expect(created.updatedAt).toBe(created.createdAt);
    expect(documents.getDocument("doc-1")).toEqual(created);
    expect(documents.findDocumentBySha256(newDocument(1).sha256)).toEqual(created);
    expect(documents.getDocument("missing")).toBeUndefined();
    expect(documents.findDocumentBySha256("f".repeat(64))).toBeUndefined();
  });

  it("lists documents newest first, then by name", () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const documents = open();
    vi.setSystemTime(new Date("2025-01-01T10:00:00Z"));
    documents.createDocument(newDocument(1, { name: "b.pdf" }));
    documents.createDocument(newDocument(2, { name: "a.pdf" }));
    vi.setSystemTime(new Date("2025-01-02T10:00:00Z"));
    documents.createDocument(newDocument(3, { name: "z.pdf" }));
    expect(documents.listDocuments().map((document) => document.id)).toEqual(["doc-3", "doc-2", "doc-1"]);
  });

  it("rejects a second document with the same sha256", () => {
    const documents = open();
    documents.createDocument(newDocument(1));
    expect(() => documents.createDocument(newDocument(2, { sha256: newDocument(1).sha256 }))).toThrow(/UNIQUE/);
    expect(documents.listDocuments().map((document) => document.id)).toEqual(["doc-1"]);
  });

  it("rejects a second document with the same id", () => {
    const documents = open();
    documents.createDocument(newDocument(1));
    expect(() => documents.createDocument(newDocument(2, { id: "doc-1" }))).toThrow(/UNIQUE/);
  });

  it("updates only the progress fields it is given", () => {
    const documents = open();
    documents.createDocument(newDocument(1));
    documents.updateProgress("doc-1", { status: "embedding", chunksTotal: 40, chunksEmbedded: 8 });
    documents.updateProgress("doc-1", { pageCount: 12, title: "Handbook" });
    documents.updateProgress("doc-1", {});
    expect(documents.getDocument("doc-1")).toMatchObject({ status: "embedding", chunksTotal: 40, chunksEmbedded: 8, pageCount: 12, title: "Handbook" });
    documents.updateProgress("doc-1", { title: null, chunksEmbedded: 40 });
    expect(documents.getDocument("doc-1")).toMatchObject({ status: "embedding", chunksTotal: 40, chunksEmbedded: 40, pageCount: 12, title: null });
  });

  it("lists documents by any of several statuses", () => {
    const documents = open();
    for (let index = 1; index <= 4; index += 1) documents.createDocument(newDocument(index));
    documents.updateProgress("doc-2", { status: "parsing" });
    documents.updateProgress("doc-3", { status: "embedding" });
    documents.failIndexing({ id: "doc-4", code: "pdf.invalid", message: "Broken" });
    const ids = (statuses: Parameters<DocumentRegistry["listDocumentsByStatus"]>[0]) =>
      documents
        .listDocumentsByStatus(statuses)
        .map((document) => document.id)
        .sort();
    expect(ids(["parsing", "embedding"])).toEqual(["doc-2", "doc-3"]);
    expect(ids(["queued"])).toEqual(["doc-1"]);
    expect(ids(["failed", "queued"])).toEqual(["doc-1", "doc-4"]);
    expect(ids(["ready"])).toEqual([]);
    expect(ids([])).toEqual([]);
  });
});

describe("openSqliteRegistry: indexing results", () => {
  it("stores chunks and marks the document ready", () => {
    const documents = open();
    documents.createDocument(newDocument(1));
    documents.updateProgress("doc-1", { status: "embedding", chunksTotal: 3, chunksEmbedded: 1 });
    const chunks = [chunk("doc-1", 2), chunk("doc-1", 0), chunk("doc-1", 1)];
    documents.completeIndexing({ id: "doc-1", chunks, embeddingModel: "all-MiniLM-L6-v2", pageCount: 7, title: "Handbook" });

    const document = documents.getDocument("doc-1");
    expect(document).toMatchObject({
      status: "ready",
      chunkCount: 3,
      chunksEmbedded: 3,
      chunksTotal: 3,
      embeddingModel: "all-MiniLM-L6-v2",
      pageCount: 7,
      title: "Handbook",
      errorCode: null,
      errorMessage: null,
    });
    expect(document?.indexedAt).not.toBeNull();
    expect(documents.listChunks("doc-1")).toEqual([chunk("doc-1", 0), chunk("doc-1", 1), chunk("doc-1", 2)]);
  });

  it("round-trips page spans, null pages and null sections exactly", () => {
    const documents = open();
    documents.createDocument(newDocument(1, { kind: "markdown" }));
    const withoutPages = chunk("doc-1", 0, { pageStart: null, pageEnd: null, pageSpans: [], section: null });
    const withPages = chunk("doc-1", 1, {
      pageSpans: [
        { page: 3, start: 0, end: 120 },
        { page: 4, start: 122, end: 480 },
        { page: 5, start: 482, end: 501 },
      ],
      section: "Benefits > Dental > Orthodontics",
      text: 'Unicode ✓ — 日本語 and "quotes"\n\nnew paragraph',
    });
    documents.completeIndexing({ id: "doc-1", chunks: [withoutPages, withPages], embeddingModel: "m", pageCount: null, title: null });
    expect(documents.listChunks("doc-1")).toEqual([withoutPages, withPages]);
    expect(documents.getChunks([withPages.id]).get(withPages.id)).toEqual(withPages);
  });

  it("replaces the previous chunks when indexing completes again", () => {
    const documents = open();
    documents.createDocument(newDocument(1));
    documents.completeIndexing({ id: "doc-1", chunks: [0, 1, 2, 3].map((index) => chunk("doc-1", index)), embeddingModel: "m1", pageCount: 4, title: null });
    documents.completeIndexing({ id: "doc-1", chunks: [chunk("doc-1", 0, { text: "New text." })], embeddingModel: "m2", pageCount: 1, title: null });
    expect(documents.listChunks("doc-1").map((record) => record.text)).toEqual(["New text."]);
    expect(documents.getDocument("doc-1")).toMatchObject({ chunkCount: 1, embeddingModel: "m2", pageCount: 1 });
  });

  it("stores nothing when one chunk of the batch fails (atomic)", () => {
    const documents = open();
    documents.createDocument(newDocument(1));
    const original = [chunk("doc-1", 0), chunk("doc-1", 1)];
    documents.completeIndexing({ id: "doc-1", chunks: original, embeddingModel: "m1", pageCount: 2, title: "Old" });
    documents.updateProgress("doc-1", { status: "embedding" });

    // Two chunks with the same index violate UNIQUE (document_id, chunk_index) halfway through.
    const broken = [chunk("doc-1", 0, { id: "new-0" }), chunk("doc-1", 1, { id: "new-1" }), chunk("doc-1", 1, { id: "new-2" })];
    expect(() => documents.completeIndexing({ id: "doc-1", chunks: broken, embeddingModel: "m2", pageCount: 3, title: "New" })).toThrow();

    expect(documents.listChunks("doc-1")).toEqual(original);
    expect(documents.getChunks(["new-0", "new-1"]).size).toBe(0);
    expect(documents.getDocument("doc-1")).toMatchObject({ status: "embedding", chunkCount: 2, embeddingModel: "m1", title: "Old" });
  });

  it("clears chunks and records the error when indexing fails", () => {
    const documents = open();
    documents.createDocument(newDocument(1));
    documents.completeIndexing({ id: "doc-1", chunks: [chunk("doc-1", 0), chunk("doc-1", 1)], embeddingModel: "m", pageCount: 2, title: null });
    documents.failIndexing({ id: "doc-1", code: "embedding.failed", message: "The embedding service returned an error." });
    expect(documents.getDocument("doc-1")).toMatchObject({
      status: "failed",
      errorCode: "embedding.failed",
      errorMessage: "The embedding service returned an error.",
      chunkCount: 0,
      chunksEmbedded: 0,
    });
    expect(documents.listChunks("doc-1")).toEqual([]);
    expect(documents.getChunks(["doc-1:0", "doc-1:1"]).size).toBe(0);
  });

  it("resets a document for indexing: queued, no error, no chunks, no progress", () => {
    const documents = open();
    documents.createDocument(newDocument(1));
    documents.completeIndexing({ id: "doc-1", chunks: [chunk("doc-1", 0), chunk("doc-1", 1)], embeddingModel: "m", pageCount: 2, title: null });
    documents.resetForIndexing("doc-1");
    expect(documents.getDocument("doc-1")).toMatchObject({
      status: "queued",
      errorCode: null,
      errorMessage: null,
      chunkCount: 0,
      chunksEmbedded: 0,
      chunksTotal: 0,
    });
    expect(documents.listChunks("doc-1")).toEqual([]);

    documents.failIndexing({ id: "doc-1", code: "pdf.invalid", message: "Broken" });
    documents.resetForIndexing("doc-1");
    expect(documents.getDocument("doc-1")).toMatchObject({ status: "queued", errorCode: null, errorMessage: null });
  });
});

describe("openSqliteRegistry: chunks", () => {
  it("looks up more chunks than SQLite's parameter limit allows in one query", () => {
    const documents = open();
    documents.createDocument(newDocument(1));
    const chunks = Array.from({ length: 1203 }, (_, index) => chunk("doc-1", index));
    documents.completeIndexing({ id: "doc-1", chunks, embeddingModel: "m", pageCount: null, title: null });

    const ids = [...chunks.map((record) => record.id), "unknown-1", "unknown-2"];
    const found = documents.getChunks(ids);
    expect(found.size).toBe(1203);
    for (const record of [chunks[0], chunks[499], chunks[500], chunks[1000], chunks[1202]]) {
      if (!record) throw new Error("missing fixture");
      expect(found.get(record.id)).toEqual(record);
    }
    expect(found.has("unknown-1")).toBe(false);
    expect(documents.getChunks([]).size).toBe(0);
  });

  it("deletes a document's chunks with the document and leaves other documents alone", () => {
    const documents = open();
    documents.createDocument(newDocument(1));
    documents.createDocument(newDocument(2));
    documents.completeIndexing({ id: "doc-1", chunks: [chunk("doc-1", 0), chunk("doc-1", 1)], embeddingModel: "m", pageCount: 2, title: null });
    documents.completeIndexing({ id: "doc-2", chunks: [chunk("doc-2", 0)], embeddingModel: "m", pageCount: 1, title: null });

    documents.deleteDocument("doc-1");
    expect(documents.getDocument("doc-1")).toBeUndefined();
    expect(documents.listChunks("doc-1")).toEqual([]);
    expect(documents.getChunks(["doc-1:0", "doc-1:1", "doc-2:0"]).size).toBe(1);
    expect(documents.listChunks("doc-2")).toEqual([chunk("doc-2", 0)]);

    // The chunk rows are gone from the database itself, not just hidden.
    registry?.close();
    registry = undefined;
    const database = new Database(databasePath, { readonly: true });
    try {
      expect(database.prepare("SELECT COUNT(*) AS count FROM chunks WHERE document_id = ?").get("doc-1")).toEqual({ count: 0 });
    } finally {
      database.close();
    }
  });

  it("refuses a chunk for a document that does not exist", () => {
    const documents = open();
    expect(() => documents.completeIndexing({ id: "ghost", chunks: [chunk("ghost", 0)], embeddingModel: "m", pageCount: null, title: null })).toThrow(/FOREIGN KEY/);
  });
});

describe("openSqliteRegistry: migrations", () => {
  it("migrates a new database once and reopens an existing one without losing data", () => {
    const first = open();
    first.createDocument(newDocument(1));
    first.completeIndexing({ id: "doc-1", chunks: [chunk("doc-1", 0)], embeddingModel: "m", pageCount: 1, title: null });
    first.close();
    registry = undefined;
    expect(userVersion()).toBe(3);

    const second = open();
    expect(second.getDocument("doc-1")).toMatchObject({ status: "ready", chunkCount: 1 });
    expect(second.listChunks("doc-1")).toEqual([chunk("doc-1", 0)]);
    second.close();
    registry = undefined;
    expect(userVersion()).toBe(3);
  });

  it("does nothing when migrate runs on an up-to-date database", () => {
    open().close();
    registry = undefined;
    const database = new Database(databasePath);
    try {
      expect(() => migrate(database)).not.toThrow();
      expect(() => migrate(database)).not.toThrow();
      expect(database.pragma("user_version", { simple: true })).toBe(3);
    } finally {
      database.close();
    }
  });

  it("migrates an empty database from version 0", () => {
    const database = new Database(databasePath);
    try {
      expect(database.pragma("user_version", { simple: true })).toBe(0);
      migrate(database);
      expect(database.pragma("user_version", { simple: true })).toBe(3);
      const tables = database.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'passages_fts_%' ORDER BY name").all();
      expect(tables).toEqual([{ name: "chunks" }, { name: "documents" }, { name: "index_generation" }, { name: "passages" }, { name: "passages_fts" }]);
    } finally {
      database.close();
    }
  });
});
