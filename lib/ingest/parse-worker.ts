/**
 * Child-process entry that parses documents (and, when asked, chunks them: prepare-chunks.ts, or
 * only inspects a PDF at upload), one at a time, for as long as its parent keeps it. Bundled by
 * scripts/build-workers.mjs into dist/parse-worker.mjs; runs with the heap and RLIMIT_DATA limits
 * its parent started it with (lib/ingest/parse-in-worker.ts), which also enforces the time
 * budget by killing the process.
 */
import { AppError, isAppError } from "@/lib/errors";
import { noteAllocationFailure, takeAllocationFailures, watchAllocationFailures } from "@/lib/ingest/allocation-failures";
import { reportPdfDiagnostics } from "@/lib/ingest/parsers/pdf-parser";
import { inspectPdf, parseDocument } from "@/lib/ingest/parsers";
import { prepareChunks, type ChunkingOptions } from "@/lib/ingest/prepare-chunks";
import type { DocumentKind, ParsedDocument } from "@/lib/contracts/documents";
import { lowerThisThreadPriority } from "@/lib/async/background-priority";

// Parsing is background work: a search or chat on the main thread gets the CPU first.
lowerThisThreadPriority();
// An allocation refused by the memory limit must not pass unseen: pdf.js reports the streams it
// skips only in its diagnostics, which this process watches (lib/ingest/allocation-failures.ts).
watchAllocationFailures();
reportPdfDiagnostics();

interface ParseJob {
  id: number;
  inspect?: boolean;
  kind: DocumentKind;
  /** The file to parse, or `parsed`: a parse already made (cached), to chunk only. */
  bytes?: Uint8Array;
  parsed?: ParsedDocument;
  chunking?: ChunkingOptions;
}

function send(message: Record<string, unknown>): void {
  process.send?.(message);
}

/** Throws when the job hit the memory limit, even where the parser carried on without what it could not decode. */
function assertWithinMemory(kind: DocumentKind): void {
  if (takeAllocationFailures() === 0) return;
  throw kind === "pdf"
    ? new AppError("pdf.too_complex", "This PDF has content that inflates far beyond its size (more than the memory one document may use); it cannot be indexed.")
    : new AppError("parse.too_large", "Parsing needed more memory than one document may use.");
}

async function run(job: ParseJob): Promise<void> {
  takeAllocationFailures();
  try {
    if (job.inspect) {
      const { pageCount } = await inspectPdf(job.bytes ?? new Uint8Array());
      assertWithinMemory(job.kind);
      send({ id: job.id, type: "result", pageCount });
      return;
    }
    const parsed =
      job.parsed ??
      (await parseDocument({
        kind: job.kind,
        bytes: job.bytes ?? new Uint8Array(),
        onProgress: (pagesDone, pageCount) => send({ id: job.id, type: "progress", pagesDone, pageCount }),
      }));
    assertWithinMemory(job.kind);
    const chunks = job.chunking ? prepareChunks({ parsed, chunking: job.chunking }) : undefined;
    // A parse the parent sent is not sent back.
    send({ id: job.id, type: "result", parsed: job.parsed ? undefined : parsed, chunks });
  } catch (caught) {
    // A parser failing after an allocation was refused failed for want of memory.
    noteAllocationFailure(caught);
    let error = caught;
    try {
      assertWithinMemory(job.kind);
    } catch (memoryError) {
      error = memoryError;
    }
    send({
      id: job.id,
      type: "error",
      code: isAppError(error) ? error.code : "indexing.failed",
      message: isAppError(error) ? error.message : "The document could not be parsed.",
      internal: error instanceof Error ? error.message : String(error),
    });
  }
}

// The parent sends one job at a time and waits for its answer before the next.
process.on("message", (job: ParseJob) => void run(job));
// A parser whose server is gone has nothing left to do.
process.on("disconnect", () => process.exit(0));
