import os from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { AppError } from "@/lib/errors";
import type { EmbeddingStatistics } from "@/lib/embeddings/types";
import { logger } from "@/lib/logger";

/**
 * The worker thread that runs the local embedding model (embedding-worker.mjs), its queues by
 * priority and the process's model counters; lib/embeddings/local-embedder.ts loads the model
 * through it.
 */

/** One model per process, so one set of counters. */
export const modelStatistics: EmbeddingStatistics = { busyMilliseconds: 0, inputs: { query: 0, sentence: 0, document: 0 }, wordPieces: 0 };

/** The worker-thread entry (plain JavaScript, no build step); in-process when it is absent. */
export function embeddingWorkerPath(): string {
  return path.join(process.cwd(), "lib", "embeddings", "embedding-worker.mjs");
}

/** Most query texts coalesced into one run (questions are short, so a larger run stays quick). */
const QUERY_RUN_SIZE = 16;

/**
 * Inputs per model run in the worker, by priority. Document windows run one at a time: a batch
 * is padded to its longest window, and windows vary in length, so one per run embeds the most
 * word-pieces per second (bench-embedding's raw mode; figures in docs/performance.md), and a
 * query waits for at most one window. Answer sentences are short and alike, so a few per run cost
 * less than one each.
 */
export const WORKER_RUN_SIZES: Record<ModelPriority, number> = { query: QUERY_RUN_SIZE, sentence: 4, document: 1 };

/**
 * Threads for inference: one per core unless configured, because throughput grows with the
 * threads (docs/decisions/0006-model-threads-and-priority.md). Requests do not starve: inference
 * does not spin-wait, and a search's query jumps the queue of indexing runs (which also end
 * sooner with more threads).
 */
export function modelThreads(configured = 0): number {
  return configured > 0 ? configured : Math.max(1, os.availableParallelism());
}

/** Queues in the order they are served: search queries, answer sentences a reader waits for, indexing. */
export type ModelPriority = "query" | "sentence" | "document";

interface ModelJob {
  texts: string[];
  resolve: (vectors: number[][]) => void;
  reject: (error: unknown) => void;
}

/**
 * The worker thread holding the model, fed one run at a time from three queues: queries (search,
 * chat retrieval), then answer sentences (extractive chat), then documents (indexing).
 * onnxruntime-node's inference is a synchronous native call, so in the server's own thread every
 * run would stall all requests.
 * A worker that dies fails its jobs with `embedding.unavailable` (retried by the indexer) and is
 * started again on the next run.
 */
export class ModelWorker {
  private worker: Promise<Worker> | undefined;
  private readonly queries: ModelJob[] = [];
  private readonly sentences: ModelJob[] = [];
  private readonly documents: ModelJob[] = [];
  /** The jobs of the run in flight: one document job, or several coalesced query jobs. */
  private current: ModelJob[] | undefined;
  private currentStarted = 0;
  private nextId = 0;

  constructor(private readonly workerData: { modelRoot: string; modelId: string; dtype: string; threads: number; nice: number }) {}

  run(texts: string[], priority: ModelPriority): Promise<number[][]> {
    return new Promise((resolve, reject) => {
      ({ query: this.queries, sentence: this.sentences, document: this.documents })[priority].push({ texts, resolve, reject });
      this.pump();
    });
  }

  /** Starts the worker and resolves once the model is loaded in it. */
  start(): Promise<Worker> {
    this.worker ??= new Promise<Worker>((resolve, reject) => {
      const worker = new Worker(embeddingWorkerPath(), { workerData: this.workerData, stdout: false, stderr: false });
      worker.unref();
      const onStartFailure = (error: unknown) => {
        this.worker = undefined;
        reject(new AppError("embedding.unavailable", "The local embedding model could not be started.", { cause: error }));
      };
      worker.once("error", onStartFailure);
      worker.once("exit", onStartFailure);
      worker.once("message", (message: { type: string; message?: string }) => {
        worker.off("error", onStartFailure);
        worker.off("exit", onStartFailure);
        if (message.type !== "ready") {
          void worker.terminate();
          onStartFailure(new Error(message.message ?? "the embedding worker failed to load the model"));
          return;
        }
        worker.on("message", (reply: { type: string; id: number; vectors?: Float32Array; dimensions?: number; wordPieces?: number; message?: string }) => this.onReply(reply));
        worker.on("error", (error) => this.onCrash(worker, error));
        worker.on("exit", (code) => this.onCrash(worker, new Error(`the embedding worker exited with code ${code}`)));
        resolve(worker);
      });
    });
    return this.worker;
  }

  private pump(): void {
    if (this.current) return;
    const priority: ModelPriority = this.queries.length > 0 ? "query" : this.sentences.length > 0 ? "sentence" : "document";
    const jobs = priority === "query" ? this.takeQueries() : (priority === "sentence" ? this.sentences : this.documents).splice(0, 1);
    if (jobs.length === 0) return;
    this.current = jobs;
    const id = (this.nextId += 1);
    const texts = jobs.flatMap((job) => job.texts);
    modelStatistics.inputs[priority] += texts.length;
    this.start().then(
      (worker) => {
        // Keep the process alive while a run is in flight (CLI scripts have nothing else pending).
        worker.ref();
        this.currentStarted = performance.now();
        worker.postMessage({ id, texts });
      },
      (error: unknown) => this.settle((pending) => pending.reject(error)),
    );
  }

  /**
   * Queued queries run together: under load one batched run of short questions costs far less
   * than one run each, so a burst of searches does not queue behind itself.
   */
  private takeQueries(): ModelJob[] {
    const jobs: ModelJob[] = [];
    let texts = 0;
    while (this.queries.length > 0) {
      const next = this.queries[0] as ModelJob;
      if (jobs.length > 0 && texts + next.texts.length > QUERY_RUN_SIZE) break;
      jobs.push(next);
      texts += next.texts.length;
      this.queries.shift();
    }
    return jobs;
  }

  private settle(outcome: (job: ModelJob) => void): void {
    const jobs = this.current;
    this.current = undefined;
    if (this.currentStarted > 0) modelStatistics.busyMilliseconds += performance.now() - this.currentStarted;
    this.currentStarted = 0;
    for (const job of jobs ?? []) outcome(job);
    void this.worker?.then((worker) => {
      if (!this.current) worker.unref();
    });
    this.pump();
  }

  private onReply(reply: { type: string; vectors?: Float32Array; dimensions?: number; wordPieces?: number; message?: string }): void {
    if (reply.type === "result" && reply.vectors && reply.dimensions) {
      modelStatistics.wordPieces += reply.wordPieces ?? 0;
      const { vectors, dimensions } = reply;
      const rows: number[][] = [];
      for (let offset = 0; offset < vectors.length; offset += dimensions) rows.push(Array.from(vectors.subarray(offset, offset + dimensions)));
      // Coalesced jobs take their rows back in the order their texts were sent.
      let next = 0;
      this.settle((job) => {
        job.resolve(rows.slice(next, next + job.texts.length));
        next += job.texts.length;
      });
    } else {
      this.settle((job) => job.reject(new AppError("embedding.failed", `The embedding model failed: ${reply.message ?? "unknown error"}`)));
    }
  }

  private onCrash(worker: Worker, error: unknown): void {
    void this.worker?.then((current) => {
      if (current !== worker) return;
      this.worker = undefined;
      logger.error("embedding.worker_crashed", { error });
      this.settle((job) => job.reject(new AppError("embedding.unavailable", "The local embedding model stopped; try again.", { cause: error })));
    });
  }
}
