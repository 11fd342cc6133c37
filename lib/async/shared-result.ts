/**
 * One result of `work` shared by every caller for `milliseconds` after it settles (and while it
 * runs): however often it is asked for, `work` runs at most once per period. The anonymous health
 * probe uses it, so a flood of probes costs the vector store one heartbeat a second.
 */
export function sharedResult<T>(options: { work: () => Promise<T>; milliseconds: number; now?: () => number }): () => Promise<T> {
  const now = options.now ?? Date.now;
  let current: { promise: Promise<T>; settledAt?: number } | undefined;
  return () => {
    if (current && (current.settledAt === undefined || now() - current.settledAt < options.milliseconds)) return current.promise;
    const entry: { promise: Promise<T>; settledAt?: number } = { promise: options.work() };
    const settle = () => {
      entry.settledAt = now();
    };
    entry.promise.then(settle, settle);
    current = entry;
    return entry.promise;
  };
}
