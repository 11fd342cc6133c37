import { AppError } from "@/lib/errors";

/**
 * At most `limit` holders at once; later callers wait their turn, and at most `maximumWaiting` of
 * them: one more is refused with `upload.busy` (503). A `limit` of 0 means no limit.
 */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly limit: number,
    private readonly maximumWaiting: number,
  ) {}

  /** Holders and waiters now (for diagnostics and tests). */
  get state(): { active: number; waiting: number } {
    return { active: this.active, waiting: this.waiting.length };
  }

  /** Resolves with a release function once a place is free. */
  async acquire(): Promise<() => void> {
    if (this.limit > 0 && this.active >= this.limit) {
      if (this.waiting.length >= this.maximumWaiting) {
        throw new AppError("upload.busy", "The server is receiving too many uploads right now; try again in a moment.", { details: { retryAfterSeconds: 5 } });
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active += 1;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // The place passes straight to the next waiter, if any.
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    };
  }
}
