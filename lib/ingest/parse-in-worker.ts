import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { AppError, type ErrorCode, ERROR_STATUS } from "@/lib/errors";
import { parseDocument } from "@/lib/ingest/parsers";
import { prepareChunks, type ChunkingOptions, type PreparedChunk } from "@/lib/ingest/prepare-chunks";
import type { DocumentKind, ParsedDocument } from "@/lib/ingest/types";
import { logger } from "@/lib/logger";

/**
 * Parses a document in a worker thread with a time and memory budget, so a hostile or huge file
 * can neither block the server's event loop nor exhaust its memory: the thread is terminated
 * when it runs out of time, and V8 kills it when it exceeds its heap limit. Either way the
 * document fails with a clear reason and the server keeps serving.
 *
 * Threads are kept for the next document: starting one (loading the PDF and DOCX parsers) cost
 * 0.3–0.5 s of CPU, paid per upload before. A thread that timed out, crashed or was cancelled is
 * never reused; an idle one ends after IDLE_WORKER_MS, and every one after MAXIMUM_JOBS_PER_WORKER
 * documents, so nothing one parse leaves behind can build up.
 */

export interface ParseBudget {
  timeoutMs: number;
  maxMemoryMb: number;
}

const IDLE_WORKER_MS = 30_000;
const MAXIMUM_JOBS_PER_WORKER = 50;

interface PooledWorker {
  worker: Worker;
  /** Its heap limit: a thread only serves budgets with the same limit. */
  maxMemoryMb: number;
  jobs: number;
  idleTimer?: NodeJS.Timeout;
}

const idleWorkers: PooledWorker[] = [];
let nextJobId = 0;

/** Parser threads waiting for the next document (for diagnostics and tests). */
export function idleParseWorkerCount(): number {
  return idleWorkers.length;
}

/** Where the bundled worker lives (built by scripts/build-workers.mjs before `next build`). */
export function parseWorkerPath(): string {
  const segments = [process.cwd(), "dist", "parse-worker.mjs"];
  return segments.join(path.sep);
}

/**
 * Identifies the parser that `parseWithBudget` runs: a hash of the worker bundle, the parsing
 * libraries' versions and Node's (text normalisation comes from its ICU). Undefined when the
 * worker is not built (in-process parsing), which is then never cached. Computed afresh each time
 * (a ~40 KB read) so a rebuilt worker is never mistaken for the old one.
 */
export async function parserVersion(): Promise<string | undefined> {
  try {
    const hash = createHash("sha256").update(await readFile(parseWorkerPath()));
    // The libraries the worker loads from node_modules (not bundled) shape its output too.
    const require = createRequire(path.join(process.cwd(), "package.json"));
    for (const manifest of [require.resolve("pdfjs-dist/package.json"), require.resolve("mammoth/package.json")]) {
      const { name, version } = JSON.parse(await readFile(manifest, "utf8")) as { name?: string; version?: string };
      hash.update(`\0${name ?? manifest}@${version ?? "?"}`);
    }
    hash.update(`\0node@${process.versions.node}`);
    return hash.digest("hex").slice(0, 32);
  } catch {
    return undefined;
  }
}

function isErrorCode(code: string): code is ErrorCode {
  return code in ERROR_STATUS;
}

function takeWorker(options: { workerFile: string; maxMemoryMb: number }): PooledWorker {
  const index = idleWorkers.findIndex((pooled) => pooled.maxMemoryMb === options.maxMemoryMb);
  const [idle] = index >= 0 ? idleWorkers.splice(index, 1) : [];
  if (idle) {
    clearTimeout(idle.idleTimer);
    idle.worker.ref();
    return idle;
  }
  // Opaque to the bundler on purpose: Turbopack otherwise replaces a static worker path with a
  // chunk of its own, while this file is built separately (scripts/build-workers.mjs).
  const worker = new Worker(/* turbopackIgnore: true */ /* webpackIgnore: true */ options.workerFile, {
    resourceLimits: { maxOldGenerationSizeMb: options.maxMemoryMb, maxYoungGenerationSizeMb: 64 },
    stdout: false,
    stderr: false,
  });
  const pooled: PooledWorker = { worker, maxMemoryMb: options.maxMemoryMb, jobs: 0 };
  // An idle thread that dies leaves the pool.
  worker.on("exit", () => {
    const position = idleWorkers.indexOf(pooled);
    if (position >= 0) idleWorkers.splice(position, 1);
  });
  // Errors reach the job's own listener; without one an idle thread's error would be unhandled.
  worker.on("error", () => undefined);
  return pooled;
}

function releaseWorker(pooled: PooledWorker): void {
  if (pooled.jobs >= MAXIMUM_JOBS_PER_WORKER) {
    void pooled.worker.terminate();
    return;
  }
  // An idle thread must not keep a CLI process (npm run ingest) alive.
  pooled.worker.unref();
  pooled.idleTimer = setTimeout(() => {
    const position = idleWorkers.indexOf(pooled);
    if (position >= 0) idleWorkers.splice(position, 1);
    void pooled.worker.terminate();
  }, IDLE_WORKER_MS);
  pooled.idleTimer.unref();
  idleWorkers.push(pooled);
}

/** A parsed document cut into chunks and passages, ready to embed. */
export interface PreparedDocument {
  parsed: ParsedDocument;
  chunks: PreparedChunk[];
}

/** Parses in a worker thread (in-process only when the worker bundle was not built, e.g. in unit tests). */
export async function parseWithBudget(options: {
  kind: DocumentKind;
  bytes: Uint8Array;
  budget: ParseBudget;
  signal?: AbortSignal;
  onProgress?: (pagesDone: number, pageCount: number) => void;
}): Promise<ParsedDocument> {
  const workerFile = parseWorkerPath();
  if (!existsSync(workerFile)) {
    logger.warn("parse.worker_missing", { workerFile, hint: "run npm run build; parsing in-process without limits" });
    return parseDocument({ kind: options.kind, bytes: options.bytes, onProgress: options.onProgress, signal: options.signal });
  }
  const result = await runInWorker({ ...options, workerFile, job: { kind: options.kind, bytes: options.bytes } });
  if (!result.parsed) throw new AppError("indexing.failed", "The parser returned no document.");
  return result.parsed;
}

/**
 * Parses (or takes the cached parse of) a document and chunks it, both in a worker thread under
 * the parse budget: tokenising a document is as unbounded as parsing it, and a document that
 * exceeds the budget fails with `parse.timeout` or `parse.too_large` like a parse would.
 */
export async function prepareWithBudget(options: {
  kind: DocumentKind;
  source: { bytes: Uint8Array } | { parsed: ParsedDocument };
  chunking: ChunkingOptions;
  budget: ParseBudget;
  signal?: AbortSignal;
}): Promise<PreparedDocument> {
  const workerFile = parseWorkerPath();
  if (!existsSync(workerFile)) {
    logger.warn("parse.worker_missing", { workerFile, hint: "run npm run build; parsing in-process without limits" });
    const parsed = "parsed" in options.source ? options.source.parsed : await parseDocument({ kind: options.kind, bytes: options.source.bytes, signal: options.signal });
    return { parsed, chunks: prepareChunks({ parsed, chunking: options.chunking }) };
  }
  const result = await runInWorker({ ...options, workerFile, job: { kind: options.kind, ...options.source, chunking: options.chunking } });
  const parsed = "parsed" in options.source ? options.source.parsed : result.parsed;
  if (!parsed || !result.chunks) throw new AppError("indexing.failed", "The parser returned no document.");
  return { parsed, chunks: result.chunks };
}

interface WorkerJob {
  kind: DocumentKind;
  bytes?: Uint8Array;
  parsed?: ParsedDocument;
  chunking?: ChunkingOptions;
}

interface WorkerResult {
  parsed?: ParsedDocument;
  chunks?: PreparedChunk[];
}

function runInWorker(options: {
  workerFile: string;
  job: WorkerJob;
  budget: ParseBudget;
  signal?: AbortSignal;
  onProgress?: (pagesDone: number, pageCount: number) => void;
}): Promise<WorkerResult> {
  const { workerFile } = options;
  options.signal?.throwIfAborted();
  // A copy, so transferring it never empties the caller's buffer.
  const bytes = options.job.bytes ? new Uint8Array(options.job.bytes) : undefined;
  const pooled = takeWorker({ workerFile, maxMemoryMb: options.budget.maxMemoryMb });
  const { worker } = pooled;
  pooled.jobs += 1;
  const id = (nextJobId += 1);
  return new Promise<WorkerResult>((resolve, reject) => {
    let settled = false;
    /** Ends the job; the thread goes back to the pool only after a parse that ran to its end. */
    const finish = (outcome: () => void, reusable: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.off("exit", onExit);
      if (reusable) releaseWorker(pooled);
      else void worker.terminate();
      outcome();
    };
    const timer = setTimeout(() => {
      finish(
        () => reject(new AppError("parse.timeout", `Parsing took longer than ${Math.round(options.budget.timeoutMs / 1000)} s, the limit for one document.`)),
        false,
      );
    }, options.budget.timeoutMs);
    const onAbort = () => finish(() => reject(options.signal?.reason instanceof Error ? options.signal.reason : new Error("aborted")), false);
    const onMessage = (message: WorkerResult & { id: number; type: string; code?: string; message?: string; internal?: string; pagesDone?: number; pageCount?: number }) => {
      if (message.id !== id) return;
      if (message.type === "progress") {
        options.onProgress?.(message.pagesDone ?? 0, message.pageCount ?? 0);
      } else if (message.type === "result") {
        finish(() => resolve({ parsed: message.parsed, chunks: message.chunks }), true);
      } else if (message.type === "error") {
        const code = message.code && isErrorCode(message.code) ? message.code : "indexing.failed";
        if (message.internal) logger.warn("parse.failed", { code, internal: message.internal });
        finish(() => reject(new AppError(code, message.message ?? "The document could not be parsed.")), true);
      }
    };
    const onError = (error: Error & { code?: string }) => {
      const outOfMemory = error.code === "ERR_WORKER_OUT_OF_MEMORY";
      logger.warn("parse.worker_error", { error });
      finish(
        () =>
          reject(
            outOfMemory
              ? new AppError("parse.too_large", `Parsing needed more than ${options.budget.maxMemoryMb} MB of memory, the limit for one document.`)
              : new AppError("indexing.failed", "The document could not be parsed.", { cause: error }),
          ),
        false,
      );
    };
    const onExit = (code: number) => {
      finish(() => reject(new AppError("indexing.failed", `The parser stopped unexpectedly (exit code ${code}).`)), false);
    };
    options.signal?.addEventListener("abort", onAbort, { once: true });
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.on("exit", onExit);
    worker.postMessage({ id, ...options.job, bytes }, bytes ? [bytes.buffer] : []);
  });
}
