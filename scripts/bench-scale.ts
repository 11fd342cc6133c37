/**
 * The large-library half of `npm run bench`, run by scripts/bench.ts as a child process while the
 * app is stopped, printing one JSON line on stdout:
 *
 *   --data-dir D   a DATA_DIR the bench's app has indexed a real corpus into
 *   --target N     grow the library to N chunks with synthetic ones (never shrinks it)
 *   --queries F    a JSON file with the questions (strings) to measure recall with
 *
 * Synthetic chunks go through the stores the app reads, so the app started on D afterwards really
 * searches N chunks: documents, chunks, passages and their FTS5 keyword index are written by the
 * registry (`completeIndexing`, as the indexer commits a document), vectors by the app's
 * `VectorStore` into the same collection (same HNSW configuration). Each synthetic chunk is one
 * passage of two to four sentences taken from different real passages, and its vector is the
 * normalised mixture of those passages' real embeddings plus a little noise: real-shaped (it lies
 * where the model puts text, with the corpus's clustering), not uniform random. Generation is
 * deterministic from the chunk's number, so a later run regenerates what an earlier one wrote
 * instead of reading 100,000 vectors back.
 *
 * Then recall@10 of the vector store against exact search: the questions and held-out sentences
 * of real passages are embedded with the app's local model and queried through the VectorStore
 * (top 10, and the top 10 of the 200 candidates search asks for); the exact top 10 is brute-force
 * cosine over every stored vector. The same queries run at other ef_search values (changed on the
 * collection, Chroma restarted, and restored) with Chroma's own query time, to show what ef_search
 * costs. A running Chroma keeps searching its loaded index with the old ef_search: only a restart
 * applies the change, which the sweep therefore does.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { createLocalEmbedder } from "@/lib/embeddings/local-embedder";
import { embeddingPrefix } from "@/lib/domain/document-title";
import type { ChunkRecord, NewPassage } from "@/lib/storage/registry-types";
import { openSqliteRegistry } from "@/lib/storage/sqlite-registry";
import { splitSentences } from "@/lib/text/sentences";
import { createChromaClient } from "@/lib/vector-store/chroma-transport";
import { openChromaVectorStore } from "@/lib/vector-store/chroma-vector-store";
import { EmbeddedChromaServer } from "@/lib/vector-store/embedded-chroma-server";
import type { VectorRecord } from "@/lib/vector-store/types";
import { createSeededRandom } from "@/lib/evaluation/seeded-random";
import { percentile } from "@/lib/util/percentile";
import { vectorIdFor, windowIndexFor } from "@/lib/vector-store/vector-id";
import { argument, runMain } from "./support/cli";

/**
 * Prefix of every synthetic document's name: how later runs tell them from the real corpus. The
 * name ends with the number of the document's first synthetic chunk, which regenerates it.
 */
export const SYNTHETIC_PREFIX = "bench-synthetic-";
const CHUNKS_PER_DOCUMENT = 500;
/** Records per VectorStore.upsert call (it writes them in its own batches). */
const WRITE_BATCH = 5_000;
const NOISE = 0.15;
const RECALL_K = 10;
/** What search asks the vector store for (lib/retrieval/search.ts: MINIMUM_CANDIDATES). */
const SEARCH_CANDIDATES = 200;
/** ef_search values tried besides the app's; the collection is restored afterwards. */
const EF_SWEEP = [100, 200];
/** The app's HNSW_EF_SEARCH (lib/vector-store/chroma-vector-store.ts). */
const EF_CONFIGURED = 400;
const HELD_OUT_SENTENCES = 50;

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
}

function normalise(vector: Float32Array): Float32Array {
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm) || 1;
  for (let index = 0; index < vector.length; index += 1) vector[index] = (vector[index] ?? 0) / norm;
  return vector;
}

interface RealPassage {
  vector: Float32Array;
  sentences: string[];
}

/** Synthetic chunk number `n`: its text and vector (deterministic, see the header). */
function syntheticChunk(n: number, real: RealPassage[], dimensions: number): { text: string; vector: Float32Array } {
  const random = createSeededRandom(n * 2_654_435_761 + 17);
  const parts = 2 + Math.floor(random() * 3);
  const vector = new Float32Array(dimensions);
  const sentences: string[] = [];
  let weightLeft = 1;
  for (let part = 0; part < parts; part += 1) {
    const source = real[Math.floor(random() * real.length)] as RealPassage;
    sentences.push(source.sentences[Math.floor(random() * source.sentences.length)] ?? "");
    // The first source dominates (a chunk is mostly about one thing), the others pull it aside.
    const weight = part === parts - 1 ? weightLeft : weightLeft * (0.5 + random() * 0.3);
    weightLeft -= weight;
    for (let index = 0; index < dimensions; index += 1) vector[index] = (vector[index] ?? 0) + weight * (source.vector[index] ?? 0);
  }
  const noiseScale = NOISE / Math.sqrt(dimensions);
  for (let index = 0; index < dimensions; index += 1) vector[index] = (vector[index] ?? 0) + noiseScale * gaussian(random);
  return { text: sentences.join(" "), vector: normalise(vector) };
}

/** Ids of the `k` stored vectors most cosine-similar to `query` (all vectors are unit length, rows of `matrix`). */
function exactTopK(query: Float32Array, ids: string[], matrix: Float32Array, k: number): string[] {
  const dimensions = query.length;
  const best: { id: string; score: number }[] = [];
  for (let row = 0; row < ids.length; row += 1) {
    const offset = row * dimensions;
    let score = 0;
    for (let index = 0; index < dimensions; index += 1) score += (query[index] as number) * (matrix[offset + index] as number);
    if (best.length === k && score <= (best[k - 1]?.score ?? -Infinity)) continue;
    best.push({ id: ids[row] ?? "", score });
    best.sort((left, right) => right.score - left.score);
    if (best.length > k) best.pop();
  }
  return best.map((entry) => entry.id);
}

function mean(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
}

async function main(): Promise<void> {
  const dataDirectory = path.resolve(argument("data-dir") ?? "");
  const target = Number(argument("target") ?? "0");
  const queriesPath = argument("queries");
  if (!argument("data-dir") || !Number.isInteger(target) || target < 0 || !queriesPath) throw new Error("usage: --data-dir D --target N --queries questions.json");
  const questions = JSON.parse(readFileSync(queriesPath, "utf8")) as string[];

  const registry = openSqliteRegistry(path.join(dataDirectory, "app.db"));
  const chroma = new EmbeddedChromaServer({ dataDirectory: path.join(dataDirectory, "chroma"), port: 0 });
  const embedder = createLocalEmbedder({ batchSize: 32 });
  try {
    const connect = async () => {
      const connection = { url: await chroma.start(), requestTimeoutMs: 600_000 };
      const vectorStore = await openChromaVectorStore({ connection, embeddingModel: embedder.modelId, dimensions: embedder.dimensions });
      // Raw collection access for what VectorStore does not offer: reading vectors back, and
      // changing ef_search for the sweep.
      return { store: vectorStore, collection: await createChromaClient(connection).getCollection({ name: vectorStore.collectionName, embeddingFunction: undefined }) };
    };
    let { store, collection } = await connect();
    /** Sets ef_search and restarts Chroma: a running server keeps searching its loaded index with the old value. */
    const setEfSearch = async (efSearch: number) => {
      await collection.modify({ configuration: { hnsw: { ef_search: efSearch } } });
      await chroma.stop();
      ({ store, collection } = await connect());
    };

    const documents = registry.listDocuments().filter((document) => document.status === "ready");
    const realDocuments = documents.filter((document) => !document.name.startsWith(SYNTHETIC_PREFIX));
    const syntheticDocuments = documents.filter((document) => document.name.startsWith(SYNTHETIC_PREFIX));
    const realChunkCount = realDocuments.reduce((sum, document) => sum + document.chunkCount, 0);
    const existingSynthetic = syntheticDocuments.reduce((sum, document) => sum + document.chunkCount, 0);

    // The real corpus: its stored vectors and its passages' sentences.
    const realIds: string[] = [];
    const realVectors: Float32Array[] = [];
    const realPassages: RealPassage[] = [];
    const heldOut: string[] = [];
    for (const document of realDocuments) {
      const stored = await collection.get({ where: { documentId: document.id }, include: ["embeddings"] });
      const byId = new Map<string, Float32Array>();
      stored.ids.forEach((id, index) => {
        const vector = stored.embeddings[index];
        if (!vector) return;
        const typed = Float32Array.from(vector);
        realIds.push(id);
        realVectors.push(typed);
        byId.set(id, typed);
      });
      const chunks = registry.listChunks(document.id);
      const passages = registry.getPassages(chunks.map((chunk) => chunk.id));
      for (const chunk of chunks) {
        for (const passage of passages.get(chunk.id) ?? []) {
          const vector = byId.get(vectorIdFor(chunk.id, windowIndexFor(passage.passageIndex, 0)));
          const sentences = splitSentences(chunk.text.slice(passage.start, passage.end))
            .map((sentence) => sentence.text.replace(/\s+/g, " ").trim())
            .filter((sentence) => sentence.split(" ").length >= 6);
          if (vector && sentences.length > 0) realPassages.push({ vector, sentences });
        }
      }
    }
    if (realPassages.length === 0) throw new Error("no real passages with vectors to build synthetic chunks from");

    // Grow to the target: synthetic chunks existingSynthetic … target − real − 1.
    const wanted = Math.max(0, target - realChunkCount);
    const populateStarted = performance.now();
    let registrySeconds = 0;
    let vectorSeconds = 0;
    for (let first = existingSynthetic; first < wanted; first += CHUNKS_PER_DOCUMENT) {
      const count = Math.min(CHUNKS_PER_DOCUMENT, wanted - first);
      const id = randomUUID();
      const name = `${SYNTHETIC_PREFIX}${first}.pdf`;
      // The company's name in every title, as in a real company library: a word in every passage.
      const title = `Northwind archive volume ${Math.floor(first / CHUNKS_PER_DOCUMENT) + 1}`;
      const createdAt = new Date().toISOString();
      const chunks: ChunkRecord[] = [];
      const passages: NewPassage[] = [];
      const records: VectorRecord[] = [];
      for (let offset = 0; offset < count; offset += 1) {
        const n = first + offset;
        const { text, vector } = syntheticChunk(n, realPassages, embedder.dimensions);
        const page = Math.floor(offset / 4) + 1;
        const chunkId = `${id}:${offset}`;
        const context = embeddingPrefix({ title, section: null });
        chunks.push({
          id: chunkId,
          documentId: id,
          chunkIndex: offset,
          text,
          pageStart: page,
          pageEnd: page,
          section: null,
          pageSpans: [{ page, start: 0, end: text.length }],
          tokenCount: Math.ceil(text.length / 4),
          embeddingModel: embedder.modelId,
          createdAt,
        });
        passages.push({ chunkId, documentId: id, passageIndex: 0, start: 0, end: text.length, page, context });
        records.push({
          id: vectorIdFor(chunkId, windowIndexFor(0, 0)),
          chunkId,
          documentId: id,
          chunkIndex: offset,
          windowIndex: 0,
          passageIndex: 0,
          passagePage: page,
          vector: Array.from(vector),
          text: `${context}\n${text}`,
          source: name,
          pageStart: page,
          pageEnd: page,
          section: null,
          tokenCount: Math.ceil(text.length / 4),
          createdAt,
        });
      }
      // Vectors first, then the registry commit: the indexer's order.
      const vectorsStarted = performance.now();
      for (let start = 0; start < records.length; start += WRITE_BATCH) await store.upsert(records.slice(start, start + WRITE_BATCH));
      vectorSeconds += (performance.now() - vectorsStarted) / 1000;
      const registryStarted = performance.now();
      registry.createDocument({ id, name, kind: "pdf", sizeBytes: chunks.reduce((sum, chunk) => sum + chunk.text.length, 0), sha256: `${SYNTHETIC_PREFIX}${id}` });
      registry.completeIndexing({ id, chunks, passages, embeddingModel: embedder.modelId, pageCount: Math.ceil(count / 4), title });
      registrySeconds += (performance.now() - registryStarted) / 1000;
    }
    const populateSeconds = (performance.now() - populateStarted) / 1000;

    // Every stored vector for exact search: the real ones read back, the synthetic ones regenerated.
    const ids = [...realIds];
    const vectors = [...realVectors];
    for (const document of registry.listDocuments().filter((candidate) => candidate.name.startsWith(SYNTHETIC_PREFIX))) {
      const first = Number(document.name.slice(SYNTHETIC_PREFIX.length).replace(/\.pdf$/, ""));
      for (let offset = 0; offset < document.chunkCount; offset += 1) {
        ids.push(vectorIdFor(`${document.id}:${offset}`, windowIndexFor(0, 0)));
        vectors.push(syntheticChunk(first + offset, realPassages, embedder.dimensions).vector);
      }
    }
    const matrix = new Float32Array(vectors.length * embedder.dimensions);
    vectors.forEach((vector, row) => matrix.set(vector, row * embedder.dimensions));
    const storedCount = await collection.count();
    if (storedCount !== ids.length) throw new Error(`the collection holds ${storedCount} vectors, expected ${ids.length}`);
    // The exact search is only as right as the regeneration: compare a sample with what Chroma stores.
    const sample = ids.map((id, row) => ({ id, row })).filter((_, row) => row % Math.max(1, Math.floor(ids.length / 50)) === 0);
    const stored = await collection.get({ ids: sample.map((entry) => entry.id), include: ["embeddings"] });
    stored.ids.forEach((id, index) => {
      const row = sample.find((entry) => entry.id === id)?.row ?? -1;
      const expected = vectors[row];
      const actual = stored.embeddings[index];
      const similarity = expected && actual ? actual.reduce((sum, value, dimension) => sum + value * (expected[dimension] ?? 0), 0) : 0;
      if (similarity < 0.999) throw new Error(`vector ${id} differs from its regeneration (cosine ${similarity})`);
    });

    // Queries: the questions, and sentences of real passages (every 7th passage's first sentence).
    for (let index = 0; index < realPassages.length && heldOut.length < HELD_OUT_SENTENCES; index += 7) heldOut.push(realPassages[index]?.sentences[0] ?? "");
    const queryTexts = [...questions, ...heldOut.slice(0, Math.max(questions.length, 5))];
    const queryVectors: Float32Array[] = [];
    for (const text of queryTexts) queryVectors.push(Float32Array.from(await embedder.embedQuery(text)));
    const exactStarted = performance.now();
    const exact = queryVectors.map((query) => exactTopK(query, ids, matrix, RECALL_K));
    const exactMsPerQuery = (performance.now() - exactStarted) / queryVectors.length;

    const recallAt = async (efSearch: number) => {
      if (efSearch !== EF_CONFIGURED) await setEfSearch(efSearch);
      // One query first: Chroma may still be applying the last writes to its index.
      await store.query({ vector: Array.from(queryVectors[0] ?? []), topK: SEARCH_CANDIDATES });
      const top10: number[] = [];
      const top10Of200: number[] = [];
      const milliseconds: number[] = [];
      for (const [index, query] of queryVectors.entries()) {
        const truth = new Set(exact[index]);
        const small = await store.query({ vector: Array.from(query), topK: RECALL_K });
        const started = performance.now();
        const large = await store.query({ vector: Array.from(query), topK: SEARCH_CANDIDATES });
        milliseconds.push(performance.now() - started);
        top10.push(small.filter((match) => truth.has(match.id)).length / RECALL_K);
        top10Of200.push(large.slice(0, RECALL_K).filter((match) => truth.has(match.id)).length / RECALL_K);
      }
      return {
        efSearch,
        recallAt10: mean(top10),
        minimumRecallAt10: Math.min(...top10),
        recallAt10Of200: mean(top10Of200),
        query200Ms: { p50: percentile(milliseconds, 0.5) ?? 0, p95: percentile(milliseconds, 0.95) ?? 0 },
      };
    };
    const sweep = [];
    try {
      for (const efSearch of [EF_CONFIGURED, ...EF_SWEEP]) sweep.push(await recallAt(efSearch));
    } finally {
      await setEfSearch(EF_CONFIGURED);
    }

    const passageTotal = registry.passageCount();
    const result = {
      scale: {
        chunks: realChunkCount + Math.max(existingSynthetic, wanted),
        realChunks: realChunkCount,
        syntheticChunks: Math.max(existingSynthetic, wanted),
        passages: passageTotal,
        vectors: storedCount,
        populate: { added: Math.max(0, wanted - existingSynthetic), seconds: populateSeconds, vectorSeconds, registrySeconds },
        recall: { queries: queryVectors.length, questions: questions.length, sentences: queryVectors.length - questions.length, exactMsPerQuery, byEfSearch: sweep },
      },
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await chroma.stop();
    registry.close();
  }
}

runMain(main, (error) => `bench-scale: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
