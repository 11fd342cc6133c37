/**
 * A signal that aborts when `signal` aborts or when `milliseconds` have passed.
 *
 * Why not `AbortSignal.any([signal, AbortSignal.timeout(ms)])`: Node holds the timeout signal only
 * weakly once it is folded into `any`, so under memory pressure it can be garbage-collected and never
 * fire (seen in CI: a hung model stream ran into undici's 300 s body timeout instead of ours). Here
 * the timer closure owns the controller, so the deadline fires for sure.
 */
export function createDeadline(options: { signal?: AbortSignal; milliseconds: number; message: string }): {
  signal: AbortSignal;
  dispose: () => void;
} {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException(options.message, "TimeoutError")), options.milliseconds);
  // A pending deadline must not keep a CLI or test process alive on its own.
  timer.unref();
  const forward = () => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) forward();
  else options.signal?.addEventListener("abort", forward, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", forward);
    },
  };
}
