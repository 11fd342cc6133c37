/**
 * Worker-thread entry that parses one document. Bundled by scripts/build-workers.mjs into
 * dist/parse-worker.mjs; runs with V8 heap limits set by the parent, which also enforces the
 * time budget by terminating the thread.
 */
import { parentPort, workerData } from "node:worker_threads";
import { isAppError } from "@/lib/errors";
import { parseDocument } from "@/lib/ingest/parsers";
import type { DocumentKind } from "@/lib/ingest/types";

interface ParseJob {
  kind: DocumentKind;
  bytes: Uint8Array;
}

async function run(): Promise<void> {
  const job = workerData as ParseJob;
  try {
    const parsed = await parseDocument({
      kind: job.kind,
      bytes: job.bytes,
      onProgress: (pagesDone, pageCount) => parentPort?.postMessage({ type: "progress", pagesDone, pageCount }),
    });
    parentPort?.postMessage({ type: "result", parsed });
  } catch (error) {
    parentPort?.postMessage({
      type: "error",
      code: isAppError(error) ? error.code : "indexing.failed",
      message: isAppError(error) ? error.message : "The document could not be parsed.",
      internal: error instanceof Error ? error.message : String(error),
    });
  }
}

void run();
