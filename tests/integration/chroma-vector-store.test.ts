import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChromaClient } from "@/lib/vector-store/chroma-transport";
import { openChromaVectorStore } from "@/lib/vector-store/chroma-vector-store";
import { EmbeddedChromaServer } from "@/lib/vector-store/embedded-chroma-server";
import { sameVectorRecord, type VectorRecord } from "@/lib/vector-store/types";

/** The Chroma adapter and the embedded server manager against a real Chroma server. */

function unitVector(dimensions: number, hot: number): number[] {
  return Array.from({ length: dimensions }, (_, index) => (index === hot ? 1 : 0));
}

function record(options: { documentId: string; chunkIndex: number; windowIndex?: number; hot: number; dimensions?: number }): VectorRecord {
  const chunkId = `${options.documentId}:${options.chunkIndex}`;
  return {
    id: `${chunkId}:${options.windowIndex ?? 0}`,
    chunkId,
    documentId: options.documentId,
    chunkIndex: options.chunkIndex,
    windowIndex: options.windowIndex ?? 0,
    vector: unitVector(options.dimensions ?? 8, options.hot),
    text: `chunk ${chunkId}`,
    source: `${options.documentId}.pdf`,
    pageStart: 1,
    pageEnd: 2,
    section: null,
    tokenCount: 10,
    createdAt: new Date().toISOString(),
  };
}

describe("embedded Chroma and the vector store", () => {
  let dataDirectory: string;
  let server: EmbeddedChromaServer;
  let url: string;

  beforeAll(async () => {
    dataDirectory = await fs.mkdtemp(path.join(os.tmpdir(), "cited-chroma-"));
    server = new EmbeddedChromaServer({ dataDirectory: path.join(dataDirectory, "chroma"), port: 0 });
    url = await server.start();
  });

  afterAll(async () => {
    await server.stop();
    await fs.rm(dataDirectory, { recursive: true, force: true });
  });

  it("answers the heartbeat on 127.0.0.1", async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${url}/api/v2/heartbeat`);
    expect(response.ok).toBe(true);
  });

  it("upserts without duplicating, queries by cosine distance, filters by document and deletes", async () => {
    const store = await openChromaVectorStore({ connection: { url, requestTimeoutMs: 10_000 }, embeddingModel: "test-model", dimensions: 8 });
    expect(store.collectionName).toBe("cited_test-model_8");
    await store.upsert([
      record({ documentId: "a", chunkIndex: 0, hot: 0 }),
      record({ documentId: "a", chunkIndex: 1, hot: 1 }),
      record({ documentId: "b", chunkIndex: 0, hot: 2 }),
    ]);
    // The same ids again (a re-index) must replace, not add.
    await store.upsert([record({ documentId: "a", chunkIndex: 0, hot: 0 }), record({ documentId: "a", chunkIndex: 1, hot: 1 })]);
    expect(await store.countDocumentVectors("a")).toBe(2);

    const nearest = await store.query({ vector: unitVector(8, 1), topK: 3 });
    expect(nearest[0]).toMatchObject({ chunkId: "a:1", documentId: "a" });
    expect(nearest[0]?.distance).toBeCloseTo(0, 5);
    expect(nearest[1]?.distance).toBeCloseTo(1, 5);

    const onlyB = await store.query({ vector: unitVector(8, 1), topK: 3, documentIds: ["b"] });
    expect(onlyB.map((match) => match.documentId)).toEqual(["b"]);

    expect((await store.listDocumentIds()).sort()).toEqual(["a", "b"]);
    // A re-index reads the stored vectors back with what was stored beside them: exactly what was written.
    const stored = await store.readDocumentVectors("a");
    expect(stored.map((vector) => vector.text).sort()).toEqual(["chunk a:0", "chunk a:1"]);
    const written = record({ documentId: "a", chunkIndex: 1, hot: 1 });
    const readBack = stored.find((vector) => vector.id === written.id);
    expect(readBack?.vector).toEqual(unitVector(8, 1));
    expect(readBack && sameVectorRecord(readBack, written)).toBe(true);
    expect(readBack && sameVectorRecord(readBack, { ...written, section: "Another section" })).toBe(false);
    await store.deleteVectors([written.id]);
    expect(await store.listDocumentVectorIds("a")).toEqual([record({ documentId: "a", chunkIndex: 0, hot: 0 }).id]);
    await store.deleteDocument("a");
    expect(await store.countDocumentVectors("a")).toBe(0);
    expect(await store.countDocumentVectors("b")).toBe(1);
  });

  it("finds every stored vector by its own embedding, identical copies included", async () => {
    const store = await openChromaVectorStore({ connection: { url, requestTimeoutMs: 10_000 }, embeddingModel: "probe-model", dimensions: 8 });
    // Twelve copies of one vector (more than the probe's ten neighbours) and six distinct ones.
    const copies = Array.from({ length: 12 }, (_, index) => record({ documentId: "same", chunkIndex: index, hot: 7 }));
    const distinct = Array.from({ length: 6 }, (_, index) => record({ documentId: "distinct", chunkIndex: index, hot: index }));
    await store.upsert([...copies, ...distinct]);
    expect(await store.listUnsearchableVectorIds()).toEqual([]);
  });

  it("creates collections with the HNSW settings of decisions 0005 and 0008", async () => {
    const store = await openChromaVectorStore({ connection: { url, requestTimeoutMs: 10_000 }, embeddingModel: "settings-model", dimensions: 8 });
    const collection = await createChromaClient({ url, requestTimeoutMs: 10_000 }).getCollection({ name: store.collectionName });
    expect(collection.configuration.hnsw).toMatchObject({ space: "cosine", ef_search: 400, ef_construction: 200, max_neighbors: 32 });
  });

  it("says when vectors were deleted (a delete can cut others off the index), and only then", async () => {
    let deletes = 0;
    const store = await openChromaVectorStore({ connection: { url, requestTimeoutMs: 10_000 }, embeddingModel: "delete-model", dimensions: 8, onDelete: () => (deletes += 1) });
    await store.upsert([record({ documentId: "x", chunkIndex: 0, hot: 0 }), record({ documentId: "x", chunkIndex: 1, hot: 1 })]);
    await store.deleteVectors([]);
    expect(deletes).toBe(0);
    await store.deleteVectors([record({ documentId: "x", chunkIndex: 1, hot: 1 }).id]);
    expect(deletes).toBe(1);
    await store.deleteDocument("x");
    expect(deletes).toBe(2);
  });

  it("refuses vectors of another dimension and a collection of another model", async () => {
    const store = await openChromaVectorStore({ connection: { url, requestTimeoutMs: 10_000 }, embeddingModel: "test-model", dimensions: 8 });
    await expect(store.upsert([record({ documentId: "c", chunkIndex: 0, hot: 0, dimensions: 4 })])).rejects.toMatchObject({ code: "embedding.model_mismatch" });
    // Collections are named per model and dimension; a different model gets its own collection.
    const other = await openChromaVectorStore({ connection: { url, requestTimeoutMs: 10_000 }, embeddingModel: "other-model", dimensions: 8 });
    expect(other.collectionName).not.toBe(store.collectionName);
    expect(await other.countDocumentVectors("b")).toBe(0);
  });

  it("writes anew the vectors Chroma's index loses in churn, so that search finds them again (chroma-core/chroma#7758)", async () => {
    const connection = { url, requestTimeoutMs: 30_000 };
    const dimensions = 384;
    const store = await openChromaVectorStore({ connection, embeddingModel: "churn-model", dimensions });
    // The churn goes around the store (whose own writes heal themselves): the Chroma issue's
    // reproduction (inserts, half deleted, a third of the rest updated) on clustered vectors of
    // the local model's size. Chroma loses a vector in some rounds only (measured: in the 4th
    // round of one run, none in 5 rounds of another), so it runs until a loss or for 45 s; the
    // rewrite itself is covered deterministically in lib/vector-store/keep-searchable.test.ts.
    const raw = await createChromaClient(connection).getCollection({ name: store.collectionName });
    let seed = 3;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const centres = Array.from({ length: 40 }, () => Array.from({ length: dimensions }, () => random() - 0.5));
    const vector = () => {
      const centre = centres[Math.floor(random() * centres.length)] ?? [];
      return centre.map((value) => value + (random() - 0.5) * 0.6);
    };
    const alive = new Set<string>();
    const put = async (ids: string[]) => {
      for (let start = 0; start < ids.length; start += 500) {
        const batch = ids.slice(start, start + 500);
        await raw.upsert({ ids: batch, embeddings: batch.map(vector), documents: batch.map((id) => `text ${id}`), metadatas: batch.map(() => ({ documentId: "churn" })) });
        for (const id of batch) alive.add(id);
      }
    };
    let lost: string[] = [];
    let rounds = 0;
    const deadline = Date.now() + 45_000;
    for (; lost.length === 0 && Date.now() < deadline; rounds += 1) {
      await put(Array.from({ length: 3_000 }, (_, index) => `churn:${rounds * 3_000 + index}:0`));
      const deleted = [...alive].filter(() => random() < 0.5);
      await raw.delete({ ids: deleted });
      for (const id of deleted) alive.delete(id);
      await put([...alive].filter(() => random() < 0.3));
      lost = await store.listUnsearchableVectorIds();
    }
    console.log(`chroma churn: ${lost.length} vector(s) lost to search after ${rounds} round(s), ${alive.size} stored`);
    if (lost.length > 0) {
      const before = new Map((await store.readDocumentVectors("churn")).map((record) => [record.id, record]));
      expect(await store.rewriteVectors(lost)).toEqual([]);
      const stillLost = new Set(await store.listUnsearchableVectorIds());
      expect(lost.filter((id) => stillLost.has(id))).toEqual([]);
      // Rewritten with what was stored: the same text and metadata, and the same vector to
      // float32 precision (Chroma's JSON round trip can move a component's last digit: a CI run
      // read -0.4139934 back for -0.41399336).
      const after = new Map((await store.readDocumentVectors("churn")).map((record) => [record.id, record]));
      for (const id of lost) {
        const { vector: vectorAfter, ...restAfter } = after.get(id) ?? { vector: [] };
        const { vector: vectorBefore, ...restBefore } = before.get(id) ?? { vector: [] };
        expect(restAfter).toEqual(restBefore);
        expect(vectorAfter).toHaveLength(dimensions);
        vectorAfter.forEach((value, index) => expect(value).toBeCloseTo(vectorBefore[index] ?? Number.NaN, 6));
      }
      expect(after.size).toBe(alive.size);
    }

    // The store's own writes into the churned index are all found.
    const written = Array.from({ length: 600 }, (_, index) => ({ ...record({ documentId: "fresh", chunkIndex: index, hot: 0, dimensions }), vector: vector() }));
    await store.upsert(written);
    const lostNow = new Set(await store.listUnsearchableVectorIds());
    expect(written.filter((item) => lostNow.has(item.id))).toEqual([]);
  }, 240_000);

  it("restarts the server when it dies and keeps the data", async () => {
    const pid = server.pid;
    expect(pid).toBeDefined();
    process.kill(pid as number, "SIGKILL");
    const deadline = Date.now() + 30_000;
    let healthy = false;
    while (Date.now() < deadline && !healthy) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      healthy =
        server.pid !== undefined &&
        server.pid !== pid &&
        (await fetch(`${url}/api/v2/heartbeat`)
          .then((response) => response.ok)
          .catch(() => false));
    }
    expect(healthy).toBe(true);
    const store = await openChromaVectorStore({ connection: { url, requestTimeoutMs: 10_000 }, embeddingModel: "test-model", dimensions: 8 });
    expect(await store.countDocumentVectors("b")).toBe(1);
  });

  it("turns an unreachable server into store.unavailable quickly", async () => {
    const started = Date.now();
    await expect(openChromaVectorStore({ connection: { url: "http://127.0.0.1:9", requestTimeoutMs: 1_000 }, embeddingModel: "test-model", dimensions: 8 })).rejects.toMatchObject({
      code: "store.unavailable",
    });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("turns a frozen server's query into store.unavailable within the request timeout, and queries again once it is back", async () => {
    const store = await openChromaVectorStore({ connection: { url, requestTimeoutMs: 1_000 }, embeddingModel: "test-model", dimensions: 8 });
    expect((await store.query({ vector: unitVector(8, 2), topK: 1 }))[0]?.documentId).toBe("b");
    // Chroma's own error answer (a vector of the wrong length) is an error too, not a result.
    await expect(store.query({ vector: unitVector(4, 0), topK: 1 })).rejects.toMatchObject({ code: "store.unavailable" });
    const pid = server.pid as number;
    process.kill(pid, "SIGSTOP");
    try {
      const started = Date.now();
      await expect(store.query({ vector: unitVector(8, 2), topK: 1 })).rejects.toMatchObject({ code: "store.unavailable" });
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      process.kill(pid, "SIGCONT");
    }
    expect((await store.query({ vector: unitVector(8, 2), topK: 1 }))[0]?.documentId).toBe("b");
  });

  it("stops with SIGINT and exits", async () => {
    const pid = server.pid as number;
    await server.stop();
    expect(() => process.kill(pid, 0)).toThrow();
    url = await server.start();
    expect((await fetch(`${url}/api/v2/heartbeat`)).ok).toBe(true);
  });
});
