/**
 * The embedding half of `npm run bench`, run by scripts/bench.ts as a child process once per mode
 * and printing one JSON line on stdout:
 *
 *   --mode raw       the model worker (lib/embeddings/embedding-worker.mjs) fed directly with
 *                    full-size windows at batch sizes 1, 8 and 32: word-pieces per second.
 *   --mode pipeline  createLocalEmbedder as the indexer uses it (windowsFor on each chunk, then
 *                    embedDocuments with the default batch size): ms per chunk and per window.
 *
 * One process per mode because onnxruntime-node keeps per-thread state in globals: two threads
 * running sessions in one process crash it (see lib/embeddings/local-embedder.ts).
 */
import path from "node:path";
import { Worker } from "node:worker_threads";
import { createLocalEmbedder, localModelRoot } from "@/lib/embeddings/local-embedder";
import { embeddingWorkerPath, modelThreads } from "@/lib/embeddings/model-worker";
import { BACKGROUND_NICE } from "@/lib/async/background-priority";
import { buildWindows } from "@/lib/embeddings/window-builder";
import { argument, messageOf, runMain } from "./support/cli";

const HUGGING_FACE_MODEL_ID = "onnx-community/all-MiniLM-L6-v2-ONNX";
/** The app's window size and overlap (local-embedder.ts), so raw runs see inputs of the same length. */
const MAX_INPUT_WORD_PIECES = 254;
const WINDOW_OVERLAP_WORD_PIECES = 48;
/** The app's default EMBEDDING_BATCH_SIZE (lib/config.ts). */
const PIPELINE_BATCH_SIZE = 32;
/** About the app's chunk size in characters, so windowsFor yields one or two windows per chunk. */
const CHUNK_CHARACTERS = 1_200;

const FACTS = [
  "Every employee receives paid vacation days each year, and unused days expire at the end of March unless a manager approves a carry-over.",
  "Flights are booked through the travel desk at least fourteen days ahead, and the daily meal allowance abroad is sixty-five euros.",
  "In-network providers have agreed to negotiated rates, so members pay only the copay or coinsurance shown in the summary of benefits.",
  "Expense reports are filed within thirty days of the purchase, with the receipt attached as a PDF and the cost centre filled in.",
  "The deductible resets on the first of January; preventive care such as annual check-ups is covered before the deductible is met.",
  "Each team member has a training budget for courses and conferences, approved by the manager before the registration is paid.",
];

/** Deterministic prose of about `characters` characters (the same in both modes). */
function prose(characters: number, seed: number): string {
  const sentences: string[] = [];
  let length = 0;
  for (let index = 0; length < characters; index += 1) {
    const sentence = `${FACTS[(seed + index) % FACTS.length] ?? ""} Clause ${seed}.${index} applies to plan year ${2020 + ((seed + index) % 7)}.`;
    sentences.push(sentence);
    length += sentence.length + 1;
  }
  return sentences.join(" ");
}

async function loadTokenizer(): Promise<(text: string) => number> {
  const transformers = await import("@huggingface/transformers");
  transformers.env.allowRemoteModels = false;
  transformers.env.allowLocalModels = true;
  transformers.env.localModelPath = localModelRoot() + path.sep;
  // The tokenizer only: no inference session in this thread (see the header).
  const tokenizer = await transformers.AutoTokenizer.from_pretrained(HUGGING_FACE_MODEL_ID);
  return (text) => tokenizer.encode(text, { add_special_tokens: false }).length;
}

interface RawResult {
  batchSize: number;
  windows: number;
  wordPieces: number;
  milliseconds: number;
  wordPiecesPerSecond: number;
}

async function raw(windowCount: number): Promise<{ raw: RawResult[] }> {
  const countWordPieces = await loadTokenizer();
  const windows = buildWindows({
    text: prose(windowCount * 1_400, 1),
    maxTokens: MAX_INPUT_WORD_PIECES,
    overlapTokens: WINDOW_OVERLAP_WORD_PIECES,
    countTokens: countWordPieces,
  }).slice(0, windowCount);
  // The app's settings: one inference thread per core, background priority.
  const worker = new Worker(embeddingWorkerPath(), {
    workerData: { modelRoot: localModelRoot(), modelId: HUGGING_FACE_MODEL_ID, dtype: "q4", threads: modelThreads(), nice: BACKGROUND_NICE },
    stdout: false,
    stderr: false,
  });
  let nextId = 0;
  const pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  await new Promise<void>((resolve, reject) => {
    worker.once("message", (message: { type: string; message?: string }) => (message.type === "ready" ? resolve() : reject(new Error(message.message ?? "model failed to load"))));
    worker.once("error", reject);
  });
  worker.on("message", (reply: { type: string; id: number; message?: string }) => {
    const job = pending.get(reply.id);
    pending.delete(reply.id);
    if (reply.type === "result") job?.resolve();
    else job?.reject(new Error(reply.message ?? "embedding failed"));
  });
  const run = (texts: string[]) =>
    new Promise<void>((resolve, reject) => {
      nextId += 1;
      pending.set(nextId, { resolve, reject });
      worker.postMessage({ id: nextId, texts });
    });
  // Warm-up: the first run pays for graph optimisation and allocations.
  await run(windows.slice(0, 2));
  const results: RawResult[] = [];
  for (const batchSize of [1, 8, 32]) {
    let wordPieces = 0;
    const started = performance.now();
    for (let start = 0; start < windows.length; start += batchSize) {
      const batch = windows.slice(start, start + batchSize);
      for (const text of batch) wordPieces += countWordPieces(text);
      await run(batch);
    }
    const milliseconds = performance.now() - started;
    results.push({ batchSize, windows: windows.length, wordPieces, milliseconds, wordPiecesPerSecond: (wordPieces / milliseconds) * 1000 });
  }
  await worker.terminate();
  return { raw: results };
}

async function pipeline(chunkCount: number): Promise<{
  pipeline: {
    batchSize: number;
    chunks: number;
    windows: number;
    wordPieces: number;
    windowingMilliseconds: number;
    embeddingMilliseconds: number;
    msPerChunk: number;
    msPerWindow: number;
    wordPiecesPerSecond: number;
  };
}> {
  const countWordPieces = await loadTokenizer();
  const embedder = createLocalEmbedder({ batchSize: PIPELINE_BATCH_SIZE });
  // Warm-up: loads the model in its worker and runs it once.
  await embedder.embedDocuments(await embedder.windowsFor({ text: prose(CHUNK_CHARACTERS, 0), prefix: "Warm-up" }));
  const chunks = Array.from({ length: chunkCount }, (_, index) => prose(CHUNK_CHARACTERS, index + 1));
  const windowingStarted = performance.now();
  const windows: string[] = [];
  for (const [index, chunk] of chunks.entries()) windows.push(...(await embedder.windowsFor({ text: chunk, prefix: `Benefits handbook › Section ${index + 1}` })));
  const windowingMilliseconds = performance.now() - windowingStarted;
  const wordPieces = windows.reduce((total, text) => total + countWordPieces(text), 0);
  const started = performance.now();
  const vectors = await embedder.embedDocuments(windows);
  const embeddingMilliseconds = performance.now() - started;
  if (vectors.length !== windows.length) throw new Error(`embedDocuments returned ${vectors.length} vectors for ${windows.length} windows`);
  const total = windowingMilliseconds + embeddingMilliseconds;
  return {
    pipeline: {
      batchSize: PIPELINE_BATCH_SIZE,
      chunks: chunks.length,
      windows: windows.length,
      wordPieces,
      windowingMilliseconds,
      embeddingMilliseconds,
      msPerChunk: total / chunks.length,
      msPerWindow: embeddingMilliseconds / windows.length,
      wordPiecesPerSecond: (wordPieces / embeddingMilliseconds) * 1000,
    },
  };
}

async function main(): Promise<void> {
  const mode = argument("mode");
  const count = Number(argument("count") ?? "64");
  if (!Number.isInteger(count) || count < 2) throw new Error("--count must be an integer ≥ 2");
  const result = mode === "raw" ? await raw(count) : mode === "pipeline" ? await pipeline(count) : undefined;
  if (!result) throw new Error("--mode must be raw or pipeline");
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

runMain(main, (error) => `bench-embedding: ${messageOf(error)}`);
