/**
 * Notices, in the parse process, that an allocation was refused for want of memory. There
 * RLIMIT_DATA bounds the whole process (lib/ingest/parse-in-worker.ts), so a stream that inflates
 * without end makes a typed-array allocation fail ("Array buffer allocation failed"). pdf.js
 * then skips what it could not decode and says so only in its diagnostics: a metadata bomb
 * silently becomes "no metadata", a page bomb a page without text, and the document would pass
 * as if nothing had happened. Every line the process writes (pdf.js's diagnostics, the app's
 * log) is watched for the failure, so the parse can end `pdf.too_complex` instead. Watching the
 * output costs nothing per allocation (wrapping the typed-array constructors slowed every small
 * array pdf.js allocates).
 */

const ALLOCATION_FAILURE = /allocation failed|out of memory/i;

let failures = 0;
let installed = false;

function watch(stream: NodeJS.WriteStream): void {
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  const watched = (chunk: unknown, ...rest: unknown[]): boolean => {
    if ((typeof chunk === "string" || chunk instanceof Uint8Array) && ALLOCATION_FAILURE.test(String(chunk))) failures += 1;
    return write(chunk, ...rest);
  };
  stream.write = watched;
}

/** Starts watching this process's output for refused allocations (once per process). */
export function watchAllocationFailures(): void {
  if (installed) return;
  installed = true;
  watch(process.stdout);
  watch(process.stderr);
}

/** Counts `error` if it is itself a refused allocation (one a parser threw rather than logged). */
export function noteAllocationFailure(error: unknown): void {
  if (error instanceof Error && ALLOCATION_FAILURE.test(`${error.name}: ${error.message}`)) failures += 1;
}

/** How many refused allocations were seen since the last call (and starts counting again). */
export function takeAllocationFailures(): number {
  const counted = failures;
  failures = 0;
  return counted;
}
