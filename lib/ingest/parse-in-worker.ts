import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { AppError, isErrorCode } from "@/lib/errors";
import { inspectPdf, parseDocument } from "@/lib/ingest/parsers";
import { prepareChunks, type ChunkingOptions, type PreparedChunk } from "@/lib/ingest/prepare-chunks";
import type { DocumentKind, ParsedDocument } from "@/lib/contracts/documents";
import { logger } from "@/lib/logger";

/**
 * Parses a document in a child process with a time and memory budget, so a hostile or huge file
 * can neither block the server's event loop nor exhaust its memory. The process is killed when it
 * runs out of time. Its memory is bounded twice: V8's heap by `--max-old-space-size`, and the whole
 * process (heap, pdf.js's decoded streams in ArrayBuffers outside it, WebAssembly) by RLIMIT_DATA,
 * set with `ulimit -d` before Node starts. A worker thread's `resourceLimits` bound only its heap:
 * a PDF whose metadata stream inflates 50 MB into 50 GB filled the server's memory from a thread.
 * Past either bound the document fails (`parse.too_large`; a PDF `pdf.too_complex`) and the
 * server keeps serving.
 *
 * Processes are kept for the next document: starting one (loading the PDF and DOCX parsers) costs
 * CPU that was paid per upload before. A process that timed out, crashed or was cancelled is
 * never reused; an idle one ends after IDLE_WORKER_MS, and every one after MAXIMUM_JOBS_PER_WORKER
 * documents, so nothing one parse leaves behind can build up.
 */

export interface ParseBudget {
  timeoutMs: number;
  maxMemoryMb: number;
}

const IDLE_WORKER_MS = 30_000;
const MAXIMUM_JOBS_PER_WORKER = 50;

// What the process needs besides the heap: Node itself, the parsers' code, tiktoken's
// WebAssembly memory and a document's decoded streams. Measured: Node with tiktoken loaded runs
// in 400 MB of RLIMIT_DATA with a 300 MB buffer refused.
const NON_HEAP_ALLOWANCE_MB = 512;

interface PooledWorker {
  child: ChildProcess;
  /** Its heap limit: a process only serves budgets with the same limit. */
  maxMemoryMb: number;
  jobs: number;
  idleTimer?: NodeJS.Timeout;
  /** The end of its standard error (V8 reports running out of memory there). */
  stderr: string;
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

function takeWorker(options: { workerFile: string; maxMemoryMb: number }): PooledWorker {
  const index = idleWorkers.findIndex((pooled) => pooled.maxMemoryMb === options.maxMemoryMb);
  const [idle] = index >= 0 ? idleWorkers.splice(index, 1) : [];
  if (idle) {
    clearTimeout(idle.idleTimer);
    idle.child.ref();
    idle.child.channel?.ref();
    return idle;
  }
  const dataLimitKb = (options.maxMemoryMb + NON_HEAP_ALLOWANCE_MB) * 1024;
  // The shell sets the limit, then becomes Node (exec), which inherits it and the IPC channel.
  const child = spawn("/bin/sh", ["-c", `ulimit -d ${dataLimitKb} && exec "$0" "$@"`, process.execPath, `--max-old-space-size=${options.maxMemoryMb}`, options.workerFile], {
    stdio: ["ignore", "ignore", "pipe", "ipc"],
    serialization: "advanced",
  });
  const pooled: PooledWorker = { child, maxMemoryMb: options.maxMemoryMb, jobs: 0, stderr: "" };
  child.stderr?.on("data", (chunk: Buffer) => {
    pooled.stderr = (pooled.stderr + chunk.toString("utf8")).slice(-4_000);
  });
  // An idle process that dies leaves the pool.
  child.on("exit", () => {
    const position = idleWorkers.indexOf(pooled);
    if (position >= 0) idleWorkers.splice(position, 1);
  });
  // Errors reach the job's own listener; without one an idle process's error would be unhandled.
  child.on("error", () => undefined);
  return pooled;
}

function stopWorker(pooled: PooledWorker): void {
  if (pooled.child.exitCode === null && pooled.child.signalCode === null) pooled.child.kill("SIGKILL");
}

function releaseWorker(pooled: PooledWorker): void {
  if (pooled.jobs >= MAXIMUM_JOBS_PER_WORKER) {
    stopWorker(pooled);
    return;
  }
  // An idle process must not keep a CLI process (npm run ingest) alive.
  pooled.child.unref();
  pooled.child.channel?.unref();
  pooled.idleTimer = setTimeout(() => {
    const position = idleWorkers.indexOf(pooled);
    if (position >= 0) idleWorkers.splice(position, 1);
    stopWorker(pooled);
  }, IDLE_WORKER_MS);
  pooled.idleTimer.unref();
  idleWorkers.push(pooled);
}

/** True when V8 said it ran out of heap (as opposed to the process's RLIMIT_DATA running out). */
function ranOutOfHeap(stderr: string): boolean {
  return /heap out of memory|Reached heap limit/i.test(stderr);
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

/**
 * The upload-time check of a PDF (encrypted, damaged, too complex), in a parse process under the
 * parse budget: pdf.js decodes the document's metadata, which a bomb makes unbounded.
 */
export async function inspectPdfWithBudget(options: { bytes: Uint8Array; budget: ParseBudget; signal?: AbortSignal }): Promise<{ pageCount: number }> {
  const workerFile = parseWorkerPath();
  if (!existsSync(workerFile)) {
    logger.warn("parse.worker_missing", { workerFile, hint: "run npm run build; inspecting in-process without limits" });
    return inspectPdf(options.bytes);
  }
  const result = await runInWorker({ ...options, workerFile, job: { kind: "pdf", bytes: options.bytes, inspect: true } });
  return { pageCount: result.pageCount ?? 0 };
}

interface WorkerJob {
  /** Only open the PDF and check it (upload time), instead of parsing it. */
  inspect?: boolean;
  kind: DocumentKind;
  bytes?: Uint8Array;
  parsed?: ParsedDocument;
  chunking?: ChunkingOptions;
}

interface WorkerResult {
  parsed?: ParsedDocument;
  chunks?: PreparedChunk[];
  pageCount?: number;
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
  const pooled = takeWorker({ workerFile, maxMemoryMb: options.budget.maxMemoryMb });
  const { child } = pooled;
  pooled.jobs += 1;
  const id = (nextJobId += 1);
  const outOfMemory = () =>
    options.job.kind === "pdf" && !ranOutOfHeap(pooled.stderr)
      ? new AppError(
          "pdf.too_complex",
          `This PDF needs more than ${options.budget.maxMemoryMb + NON_HEAP_ALLOWANCE_MB} MB of memory to read (a stream inflates far beyond its size); it cannot be indexed.`,
        )
      : new AppError("parse.too_large", `Parsing needed more than ${options.budget.maxMemoryMb} MB of memory, the limit for one document.`);
  return new Promise<WorkerResult>((resolve, reject) => {
    let settled = false;
    /** Ends the job; the process goes back to the pool only after a parse that ran to its end. */
    const finish = (outcome: () => void, reusable: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      child.off("message", onMessage);
      child.off("error", onError);
      child.off("exit", onExit);
      if (reusable) releaseWorker(pooled);
      else stopWorker(pooled);
      outcome();
    };
    const timer = setTimeout(() => {
      finish(() => reject(new AppError("parse.timeout", `Parsing took longer than ${Math.round(options.budget.timeoutMs / 1000)} s, the limit for one document.`)), false);
    }, options.budget.timeoutMs);
    const onAbort = () => finish(() => reject(options.signal?.reason instanceof Error ? options.signal.reason : new Error("aborted")), false);
    const onMessage = (message: WorkerResult & { id: number; type: string; code?: string; message?: string; internal?: string; pagesDone?: number }) => {
      if (message.id !== id) return;
      if (message.type === "progress") {
        options.onProgress?.(message.pagesDone ?? 0, message.pageCount ?? 0);
      } else if (message.type === "result") {
        finish(() => resolve({ parsed: message.parsed, chunks: message.chunks, pageCount: message.pageCount }), true);
      } else if (message.type === "error") {
        const code = message.code && isErrorCode(message.code) ? message.code : "indexing.failed";
        if (message.internal) logger.warn("parse.failed", { code, internal: message.internal });
        // After running out of memory a process is not trusted with another document.
        finish(() => reject(new AppError(code, message.message ?? "The document could not be parsed.")), code !== "pdf.too_complex" && code !== "parse.too_large");
      }
    };
    const onError = (error: Error) => {
      logger.warn("parse.worker_error", { error });
      finish(() => reject(new AppError("indexing.failed", "The document could not be parsed.", { cause: error })), false);
    };
    // A parse process only ends on its own when it could not go on: out of heap (V8 aborts), out
    // of RLIMIT_DATA where an allocation could not fail softly, or a crash. Memory is the budget
    // it was given, so any of these is the document's size.
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      logger.warn("parse.worker_exited", { code, signal, stderr: pooled.stderr.slice(-500) });
      finish(() => reject(outOfMemory()), false);
    };
    options.signal?.addEventListener("abort", onAbort, { once: true });
    child.on("message", onMessage);
    child.on("error", onError);
    child.on("exit", onExit);
    child.send({ id, ...options.job });
  });
}
