import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ChunkReader, DocumentRepository, SearchGeneration } from "@/lib/storage/registry-types";
import { chunkOf, indexed, newDocument, passageOf, type ContractStore, type OpenContractStore } from "@/tests/support/storage-contract/contract-store";

export type RepositoryUnderTest = DocumentRepository & ChunkReader & SearchGeneration;

/**
 * The behaviour every document repository must have, whatever stores it (registry-types.ts;
 * docs/decisions/0012-storage-interfaces.md). Run it beside an implementation's tests with a
 * factory that opens a new, empty store.
 */
export function describeDocumentRepositoryContract(name: string, open: OpenContractStore<RepositoryUnderTest>): void {
  describe(`${name}: document repository contract`, () => {
    let opened: ContractStore<RepositoryUnderTest>;
    let documents: RepositoryUnderTest;

    beforeEach(async () => {
      opened = await open();
      documents = opened.store;
    });

    afterEach(async () => {
      vi.useRealTimers();
      await opened.dispose();
    });

    const ids = (records: { id: string }[]) => records.map((record) => record.id);

    it("creates a queued document and finds it by id and sha256; unknown ones are undefined", () => {
      const created = documents.createDocument(newDocument(1));
      expect(created).toMatchObject({ id: "doc-1", name: "Document 1.pdf", kind: "pdf", sizeBytes: 1001, status: "queued", errorCode: null, errorMessage: null });
      expect(created).toMatchObject({ pageCount: null, chunkCount: 0, chunksEmbedded: 0, chunksTotal: 0, embeddingModel: null, title: null, indexedAt: null });
      expect(created.updatedAt).toBe(created.createdAt);
      expect(documents.getDocument("doc-1")).toEqual(created);
      expect(documents.findDocumentBySha256(newDocument(1).sha256)).toEqual(created);
      expect(documents.getDocument("missing")).toBeUndefined();
      expect(documents.findDocumentBySha256("f".repeat(64))).toBeUndefined();
    });

    it("lists documents newest first, then by name, as a copy the caller may change", () => {
      vi.useFakeTimers({ toFake: ["Date"], now: new Date("2025-01-01T10:00:00Z") });
      documents.createDocument(newDocument(1, { name: "b.pdf" }));
      documents.createDocument(newDocument(2, { name: "a.pdf" }));
      vi.setSystemTime(new Date("2025-01-02T10:00:00Z"));
      documents.createDocument(newDocument(3, { name: "z.pdf" }));
      expect(ids(documents.listDocuments())).toEqual(["doc-3", "doc-2", "doc-1"]);
      documents.listDocuments().length = 0;
      expect(documents.listDocuments()).toHaveLength(3);
    });

    it("refuses a second document with a taken id or sha256 and keeps the first", () => {
      documents.createDocument(newDocument(1));
      expect(() => documents.createDocument(newDocument(2, { sha256: newDocument(1).sha256 }))).toThrow();
      expect(() => documents.createDocument(newDocument(2, { id: "doc-1" }))).toThrow();
      expect(ids(documents.listDocuments())).toEqual(["doc-1"]);
      expect(documents.getDocument("doc-1")?.name).toBe("Document 1.pdf");
    });

    it("updates only the progress fields it is given, and nothing for an unknown id", () => {
      documents.createDocument(newDocument(1));
      documents.updateProgress("doc-1", { status: "embedding", chunksTotal: 40, chunksEmbedded: 8 });
      documents.updateProgress("doc-1", { pageCount: 12, title: "Handbook" });
      documents.updateProgress("doc-1", {});
      expect(documents.getDocument("doc-1")).toMatchObject({ status: "embedding", chunksTotal: 40, chunksEmbedded: 8, pageCount: 12, title: "Handbook" });
      documents.updateProgress("doc-1", { title: null, chunksEmbedded: 40 });
      expect(documents.getDocument("doc-1")).toMatchObject({ chunksEmbedded: 40, pageCount: 12, title: null });
      expect(() => documents.updateProgress("missing", { status: "ready", title: "X" })).not.toThrow();
      expect(documents.getDocument("missing")).toBeUndefined();
      expect(() => documents.resetForIndexing("missing")).not.toThrow();
      expect(() => documents.failIndexing({ id: "missing", code: "indexing.failed", message: "y" })).not.toThrow();
      expect(ids(documents.listDocuments())).toEqual(["doc-1"]);
    });

    it("lists documents by any of several statuses, oldest first", () => {
      vi.useFakeTimers({ toFake: ["Date"], now: new Date("2025-01-01T10:00:00Z") });
      for (const index of [4, 1, 3, 2]) {
        documents.createDocument(newDocument(index));
        vi.setSystemTime(new Date(Date.now() + 1_000));
      }
      documents.updateProgress("doc-2", { status: "parsing" });
      documents.updateProgress("doc-3", { status: "embedding" });
      documents.failIndexing({ id: "doc-4", code: "pdf.invalid", message: "Broken" });
      expect(ids(documents.listDocumentsByStatus(["parsing", "embedding"]))).toEqual(["doc-3", "doc-2"]);
      expect(ids(documents.listDocumentsByStatus(["failed", "queued"]))).toEqual(["doc-4", "doc-1"]);
      expect(documents.listDocumentsByStatus(["ready"])).toEqual([]);
      expect(documents.listDocumentsByStatus([])).toEqual([]);
    });

    it("stores a document's chunks in chunk order, exactly, and marks it ready", () => {
      documents.createDocument(newDocument(1));
      documents.updateProgress("doc-1", { status: "embedding", chunksTotal: 3, chunksEmbedded: 1 });
      const pageless = chunkOf("doc-1", 0, 'Unicode ✓ — 日本語 and "quotes"\n\nnew paragraph', { pageStart: null, pageEnd: null, pageSpans: [], section: "Benefits > Dental" });
      const spanning = chunkOf("doc-1", 1, "Two pages.", {
        pageEnd: 3,
        pageSpans: [
          { page: 2, start: 0, end: 4 },
          { page: 3, start: 5, end: 10 },
        ],
      });
      const last = chunkOf("doc-1", 2, "Last.");
      documents.completeIndexing(indexed("doc-1", [last, pageless, spanning], { pageCount: 7, title: "Handbook" }));
      const document = documents.getDocument("doc-1");
      expect(document).toMatchObject({ status: "ready", chunkCount: 3, chunksEmbedded: 3, chunksTotal: 3, embeddingModel: "m", pageCount: 7, title: "Handbook", errorCode: null });
      expect(document?.indexedAt).not.toBeNull();
      expect(documents.listChunks("doc-1")).toEqual([pageless, spanning, last]);
      expect(documents.getChunks([spanning.id, pageless.id])).toEqual(
        new Map([
          [spanning.id, spanning],
          [pageless.id, pageless],
        ]),
      );
    });

    it("replaces a document's chunks and passages when indexing completes again", () => {
      documents.createDocument(newDocument(1));
      documents.completeIndexing(
        indexed(
          "doc-1",
          [0, 1, 2].map((index) => chunkOf("doc-1", index, `Old ${index}.`)),
        ),
      );
      documents.completeIndexing({ ...indexed("doc-1", [chunkOf("doc-1", 0, "New text.")]), embeddingModel: "m2" });
      expect(documents.listChunks("doc-1").map((chunk) => chunk.text)).toEqual(["New text."]);
      expect(documents.getChunks(["doc-1:0", "doc-1:1"]).size).toBe(1);
      expect(documents.getPassages(["doc-1:0", "doc-1:1"])).toEqual(
        new Map([["doc-1:0", [{ chunkId: "doc-1:0", documentId: "doc-1", passageIndex: 0, start: 0, end: 9, page: 1 }]]]),
      );
      expect(documents.getDocument("doc-1")).toMatchObject({ chunkCount: 1, embeddingModel: "m2", pageCount: 1 });
    });

    it("stores nothing of an indexing result that fails halfway (atomic)", () => {
      documents.createDocument(newDocument(1));
      const original = [chunkOf("doc-1", 0, "Zero."), chunkOf("doc-1", 1, "One.")];
      documents.completeIndexing(indexed("doc-1", original, { title: "Old" }));
      documents.updateProgress("doc-1", { status: "embedding" });
      // Two chunks with one index, then a passage of a chunk the result does not hold.
      const clash = [chunkOf("doc-1", 0, "A.", { id: "new-0" }), chunkOf("doc-1", 1, "B.", { id: "new-1" }), chunkOf("doc-1", 1, "C.", { id: "new-2" })];
      expect(() => documents.completeIndexing(indexed("doc-1", clash, { title: "New" }))).toThrow();
      const stray = chunkOf("doc-1", 0, "D.", { id: "new-3" });
      expect(() => documents.completeIndexing(indexed("doc-1", [stray], { passages: [passageOf(chunkOf("doc-1", 5, "E."), 0, { start: 0, end: 2 })] }))).toThrow();
      expect(documents.listChunks("doc-1")).toEqual(original);
      expect(documents.getChunks(["new-0", "new-1", "new-3"]).size).toBe(0);
      expect(documents.getDocument("doc-1")).toMatchObject({ status: "embedding", chunkCount: 2, title: "Old" });
    });

    it("refuses chunks of a document that does not exist", () => {
      expect(() => documents.completeIndexing(indexed("ghost", [chunkOf("ghost", 0, "Boo.")]))).toThrow();
      expect(documents.getChunks(["ghost:0"]).size).toBe(0);
    });

    it("clears the chunks and records the error when indexing fails, and queues a document again on reset", () => {
      documents.createDocument(newDocument(1));
      documents.completeIndexing(indexed("doc-1", [chunkOf("doc-1", 0, "Zero."), chunkOf("doc-1", 1, "One.")]));
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
      expect(documents.getPassages(["doc-1:0"]).size).toBe(0);
      documents.updateProgress("doc-1", { chunksTotal: 9 });
      documents.resetForIndexing("doc-1");
      expect(documents.getDocument("doc-1")).toMatchObject({ status: "queued", errorCode: null, errorMessage: null, chunkCount: 0, chunksEmbedded: 0, chunksTotal: 0 });
    });

    it("looks up any number of chunks at once and leaves unknown ids out", () => {
      documents.createDocument(newDocument(1));
      const chunks = Array.from({ length: 1203 }, (_, index) => chunkOf("doc-1", index, `Chunk ${index}.`));
      documents.completeIndexing(indexed("doc-1", chunks, { pageCount: null }));
      const found = documents.getChunks([...chunks.map((chunk) => chunk.id), "unknown-1", "doc-1:0"]);
      expect(found.size).toBe(1203);
      expect(found.get("doc-1:1202")).toEqual(chunks[1202]);
      expect(found.has("unknown-1")).toBe(false);
      expect(documents.getChunks([]).size).toBe(0);
      expect(documents.listChunks("unknown")).toEqual([]);
    });

    it("gives each chunk's passages in passage order: the given ones, or the whole chunk", () => {
      documents.createDocument(newDocument(1));
      const split = chunkOf("doc-1", 0, "First sentence. Second sentence.");
      const whole = chunkOf("doc-2", 0, "Whole.");
      documents.completeIndexing(indexed("doc-1", [split], { passages: [passageOf(split, 1, { start: 16, end: 32 }), passageOf(split, 0, { start: 0, end: 15 })] }));
      documents.createDocument(newDocument(2));
      documents.completeIndexing(indexed("doc-2", [whole]));
      const passages = documents.getPassages(["doc-1:0", "doc-2:0", "unknown", "doc-1:0"]);
      expect([...passages.keys()].sort()).toEqual(["doc-1:0", "doc-2:0"]);
      expect(passages.get("doc-1:0")?.map((passage) => [passage.passageIndex, passage.start, passage.end])).toEqual([
        [0, 0, 15],
        [1, 16, 32],
      ]);
      expect(passages.get("doc-2:0")).toEqual([{ chunkId: "doc-2:0", documentId: "doc-2", passageIndex: 0, start: 0, end: 6, page: 1 }]);
    });

    it("deletes a document with its chunks, leaves the others alone, and deletes idempotently", () => {
      documents.createDocument(newDocument(1));
      documents.createDocument(newDocument(2));
      documents.completeIndexing(indexed("doc-1", [chunkOf("doc-1", 0, "Zero."), chunkOf("doc-1", 1, "One.")]));
      documents.completeIndexing(indexed("doc-2", [chunkOf("doc-2", 0, "Other.")]));
      documents.deleteDocument("doc-1");
      expect(documents.getDocument("doc-1")).toBeUndefined();
      expect(documents.findDocumentBySha256(newDocument(1).sha256)).toBeUndefined();
      expect(documents.listChunks("doc-1")).toEqual([]);
      expect([...documents.getChunks(["doc-1:0", "doc-1:1", "doc-2:0"]).keys()]).toEqual(["doc-2:0"]);
      expect(documents.getPassages(["doc-1:0"]).size).toBe(0);
      expect(() => documents.deleteDocument("doc-1")).not.toThrow();
      expect(() => documents.deleteDocument("missing")).not.toThrow();
      expect(ids(documents.listDocuments())).toEqual(["doc-2"]);
      // The sha256 is free again.
      expect(documents.createDocument(newDocument(3, { sha256: newDocument(1).sha256 })).id).toBe("doc-3");
    });

    it("moves the search generation with what search can find, and only then", () => {
      const moves = (write: () => void) => {
        const before = documents.searchGeneration();
        write();
        return documents.searchGeneration() !== before;
      };
      expect(moves(() => undefined)).toBe(false);
      expect(moves(() => documents.createDocument(newDocument(1)))).toBe(false);
      expect(moves(() => documents.updateProgress("doc-1", { status: "parsing" }))).toBe(false);
      expect(moves(() => documents.updateProgress("doc-1", { status: "embedding", chunksTotal: 1, chunksEmbedded: 1, title: "T" }))).toBe(false);
      expect(moves(() => documents.completeIndexing(indexed("doc-1", [chunkOf("doc-1", 0, "Text.")])))).toBe(true);
      expect(moves(() => documents.updateProgress("doc-1", { title: "Retitled" }))).toBe(true);
      expect(moves(() => documents.updateProgress("doc-1", { chunksEmbedded: 1 }))).toBe(false);
      expect(moves(() => documents.updateProgress("doc-1", { status: "embedding" }))).toBe(true);
      expect(moves(() => documents.failIndexing({ id: "doc-1", code: "indexing.failed", message: "y" }))).toBe(true);
      expect(moves(() => documents.resetForIndexing("doc-1"))).toBe(true);
      expect(moves(() => documents.deleteDocument("doc-1"))).toBe(true);
    });

    it("follows what another handle on the same store writes", () => {
      documents.createDocument(newDocument(1));
      documents.createDocument(newDocument(2));
      documents.completeIndexing(indexed("doc-1", [chunkOf("doc-1", 0, "Before.")]));
      expect(documents.getChunks(["doc-1:0"]).get("doc-1:0")?.text).toBe("Before.");
      expect(documents.listDocuments()).toHaveLength(2);
      const generation = documents.searchGeneration();
      const other = opened.openAnother();
      try {
        other.completeIndexing(indexed("doc-1", [chunkOf("doc-1", 0, "After.")], { title: "A" }));
        other.deleteDocument("doc-2");
        other.createDocument(newDocument(3));
      } finally {
        other.close();
      }
      expect(documents.searchGeneration()).not.toBe(generation);
      expect(documents.getChunks(["doc-1:0"]).get("doc-1:0")?.text).toBe("After.");
      expect(documents.getPassages(["doc-1:0"]).get("doc-1:0")?.[0]?.end).toBe(6);
      expect(ids(documents.listDocuments()).sort()).toEqual(["doc-1", "doc-3"]);
      expect(documents.getDocument("doc-1")).toMatchObject({ status: "ready", title: "A" });
    });
  });
}
