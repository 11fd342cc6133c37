/**
 * Worker-thread entry that parses documents (and, when asked, chunks them: prepare-chunks.ts),
 * one at a time, for as long as its parent keeps it.
 * Bundled by scripts/build-workers.mjs into dist/parse-worker.mjs; runs with V8 heap limits set
 * by the parent, which also enforces the time budget by terminating the thread.
 */
import { parentPort } from "node:worker_threads";
import { isAppError } from "@/lib/errors";
import { parseDocument } from "@/lib/ingest/parsers";
import { prepareChunks, type ChunkingOptions } from "@/lib/ingest/prepare-chunks";
import type { DocumentKind, ParsedDocument } from "@/lib/ingest/types";
import { lowerThisThreadPriority } from "@/lib/server/background-priority";

// Parsing is background work: a search or chat on the main thread gets the CPU first.
lowerThisThreadPriority();

interface ParseJob {
  id: number;
  kind: DocumentKind;
  /** The file to parse, or `parsed`: a parse already made (cached), to chunk only. */
  bytes?: Uint8Array;
  parsed?: ParsedDocument;
  chunking?: ChunkingOptions;
}

async function run(job: ParseJob): Promise<void> {
  const port = parentPort;
  if (!port) return;
  try {
    const parsed =
      job.parsed ??
      (await parseDocument({
        kind: job.kind,
        bytes: job.bytes ?? new Uint8Array(),
        onProgress: (pagesDone, pageCount) => port.postMessage({ id: job.id, type: "progress", pagesDone, pageCount }),
      }));
    const chunks = job.chunking ? prepareChunks({ parsed, chunking: job.chunking }) : undefined;
    // A parse the parent sent is not sent back.
    port.postMessage({ id: job.id, type: "result", parsed: job.parsed ? undefined : parsed, chunks });
  } catch (error) {
    port.postMessage({
      id: job.id,
      type: "error",
      code: isAppError(error) ? error.code : "indexing.failed",
      message: isAppError(error) ? error.message : "The document could not be parsed.",
      internal: error instanceof Error ? error.message : String(error),
    });
  }
}

// The parent sends one job at a time and waits for its answer before the next.
parentPort?.on("message", (job: ParseJob) => void run(job));
