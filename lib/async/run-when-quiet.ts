/**
 * Runs a background task once changes have stopped for a while (`quietMilliseconds`), at most
 * once per `minimumIntervalMilliseconds` and, with `maximumRunShare`, so that it runs at most
 * that share of the time (a run of 3 minutes with a share of 0.05 waits an hour for the next);
 * never twice at the same time; a change during a run asks for another run. Timers are unref'd:
 * a pending run never keeps the process alive.
 */
export interface QuietRunner {
  /** Something changed: run the task once it has been quiet long enough. */
  noteChange(): void;
  /** Cancels a pending run (a running one finishes). */
  stop(): void;
}

/** Creates a runner for `task` (its errors are passed to `onError`; it runs again only after another change). */
export function createQuietRunner(options: {
  task: () => Promise<void>;
  onError: (error: unknown) => void;
  quietMilliseconds: number;
  minimumIntervalMilliseconds: number;
  maximumRunShare?: number;
  now?: () => number;
}): QuietRunner {
  const now = options.now ?? Date.now;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastChange = 0;
  let lastRunStart = -Infinity;
  let interval = options.minimumIntervalMilliseconds;
  let pending = false;
  let running = false;
  let stopped = false;

  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (stopped || !pending || running) return;
    const due = Math.max(lastChange + options.quietMilliseconds, lastRunStart + interval);
    timer = setTimeout(run, Math.max(0, due - now()));
    timer.unref?.();
  };
  const run = () => {
    timer = undefined;
    if (stopped || !pending || running) return;
    // A change arrived after this run was scheduled but before it fired: wait for quiet again.
    if (now() < lastChange + options.quietMilliseconds) return schedule();
    pending = false;
    running = true;
    lastRunStart = now();
    options
      .task()
      .catch(options.onError)
      .finally(() => {
        running = false;
        const took = now() - lastRunStart;
        interval = Math.max(options.minimumIntervalMilliseconds, options.maximumRunShare ? took / options.maximumRunShare : 0);
        schedule();
      });
  };
  return {
    noteChange() {
      lastChange = now();
      pending = true;
      schedule();
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
