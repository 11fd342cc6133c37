/**
 * Next's `next start` answers SIGINT/SIGTERM with `server.close()`, which waits for every open
 * connection: one stalled upload or a client that never reads its stream kept a production
 * server alive for 50 minutes after Ctrl-C. This arms a deadline on the first signal; when it
 * passes, the process exits with the signal's conventional code, and the `exit` hooks (which
 * stop the embedded Chroma server with SIGINT) still run. SQLite commits are atomic and
 * unfinished indexing resumes at the next start, so cutting requests short loses nothing.
 */

type ShutdownSignal = "SIGINT" | "SIGTERM";

/** The part of `process` the deadline uses (a stand-in in tests). */
export interface SignalSource {
  once(signal: ShutdownSignal, listener: () => void): unknown;
}

const EXIT_CODES: Record<ShutdownSignal, number> = { SIGINT: 130, SIGTERM: 143 };

/** Exits `graceMs` after the first SIGINT or SIGTERM unless the process has ended by then. */
export function armShutdownDeadline(options: {
  graceMs: number;
  signals?: SignalSource;
  exit?: (code: number) => void;
  onExpired?: (details: { signal: ShutdownSignal; graceMs: number }) => void;
}): void {
  const signals = options.signals ?? process;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let armed = false;
  const arm = (signal: ShutdownSignal) => {
    if (armed) return;
    armed = true;
    // Unref'd: a server that closes in time exits on its own, without waiting for this timer.
    setTimeout(() => {
      options.onExpired?.({ signal, graceMs: options.graceMs });
      exit(EXIT_CODES[signal]);
    }, options.graceMs).unref();
  };
  signals.once("SIGINT", () => arm("SIGINT"));
  signals.once("SIGTERM", () => arm("SIGTERM"));
}
