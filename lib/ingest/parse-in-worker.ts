import { existsSync } from "node:fs";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { AppError, type ErrorCode, ERROR_STATUS } from "@/lib/errors";
import { parseDocument } from "@/lib/ingest/parsers";
import type { DocumentKind, ParsedDocument } from "@/lib/ingest/types";
import { logger } from "@/lib/logger";

/**
 * Parses a document in a worker thread with a time and memory budget, so a hostile or huge file
 * can neither block the server's event loop nor exhaust its memory: the thread is terminated
 * when it runs out of time, and V8 kills it when it exceeds its heap limit. Either way the
 * document fails with a clear reason and the server keeps serving.
 */

export interface ParseBudget {
  timeoutMs: number;
  maxMemoryMb: number;
}

/** Where the bundled worker lives (built by scripts/build-workers.mjs before `next build`). */
export function parseWorkerPath(): string {
  const segments = [process.cwd(), "dist", "parse-worker.mjs"];
  return segments.join(path.sep);
}

function isErrorCode(code: string): code is ErrorCode {
  return code in ERROR_STATUS;
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
  const bytes = new Uint8Array(options.bytes);
  return new Promise<ParsedDocument>((resolve, reject) => {
    // Opaque to the bundler on purpose: Turbopack otherwise replaces a static worker path with a
    // chunk of its own, while this file is built separately (scripts/build-workers.mjs).
    const worker = new Worker(/* turbopackIgnore: true */ /* webpackIgnore: true */ workerFile, {
      workerData: { kind: options.kind, bytes },
      transferList: [bytes.buffer],
      resourceLimits: { maxOldGenerationSizeMb: options.budget.maxMemoryMb, maxYoungGenerationSizeMb: 64 },
      stdout: false,
      stderr: false,
    });
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      void worker.terminate();
      outcome();
    };
    const timer = setTimeout(() => {
      finish(() =>
        reject(new AppError("parse.timeout", `Parsing took longer than ${Math.round(options.budget.timeoutMs / 1000)} s, the limit for one document.`)),
      );
    }, options.budget.timeoutMs);
    const onAbort = () => finish(() => reject(options.signal?.reason instanceof Error ? options.signal.reason : new Error("aborted")));
    options.signal?.addEventListener("abort", onAbort, { once: true });

    worker.on("message", (message: { type: string; parsed?: ParsedDocument; code?: string; message?: string; internal?: string; pagesDone?: number; pageCount?: number }) => {
      if (message.type === "progress") {
        options.onProgress?.(message.pagesDone ?? 0, message.pageCount ?? 0);
      } else if (message.type === "result" && message.parsed) {
        const parsed = message.parsed;
        finish(() => resolve(parsed));
      } else if (message.type === "error") {
        const code = message.code && isErrorCode(message.code) ? message.code : "indexing.failed";
        if (message.internal) logger.warn("parse.failed", { code, internal: message.internal });
        finish(() => reject(new AppError(code, message.message ?? "The document could not be parsed.")));
      }
    });
    worker.on("error", (error: Error & { code?: string }) => {
      const outOfMemory = error.code === "ERR_WORKER_OUT_OF_MEMORY";
      logger.warn("parse.worker_error", { error });
      finish(() =>
        reject(
          outOfMemory
            ? new AppError("parse.too_large", `Parsing needed more than ${options.budget.maxMemoryMb} MB of memory, the limit for one document.`)
            : new AppError("indexing.failed", "The document could not be parsed.", { cause: error }),
        ),
      );
    });
    worker.on("exit", (code) => {
      finish(() => reject(new AppError("indexing.failed", `The parser stopped unexpectedly (exit code ${code}).`)));
    });
  });
}
