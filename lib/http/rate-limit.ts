import { AppError } from "@/lib/errors";

/**
 * Per-client token buckets (in memory, per process): a client may burst up to the per-minute
 * allowance, then gets 429 `request.rate_limited` with a Retry-After telling when a request
 * will be accepted again.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; updatedAt: number }>();

  constructor(private readonly perMinute: number, private readonly now: () => number = Date.now) {}

  /** Takes one token for `client` or throws `request.rate_limited`. */
  take(client: string): void {
    const bucket = this.available(client);
    if (!bucket) return;
    bucket.tokens -= 1;
  }

  /**
   * Throws `request.rate_limited` when `client` has no token left, without taking one: for
   * limits that only count failures (wrong passwords), checked before the attempt is judged.
   */
  assertAvailable(client: string): void {
    this.available(client);
  }

  private available(client: string): { tokens: number; updatedAt: number } | undefined {
    if (this.perMinute <= 0) return undefined;
    const now = this.now();
    const refillPerMillisecond = this.perMinute / 60_000;
    const bucket = this.buckets.get(client) ?? { tokens: this.perMinute, updatedAt: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.updatedAt) * refillPerMillisecond);
    bucket.updatedAt = now;
    this.buckets.set(client, bucket);
    if (bucket.tokens < 1) {
      const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / refillPerMillisecond / 1000));
      throw new AppError("request.rate_limited", `Too many requests; try again in ${retryAfterSeconds} s.`, { details: { retryAfterSeconds } });
    }
    // Forget idle clients so the map stays bounded.
    if (this.buckets.size > 10_000) {
      for (const [key, value] of this.buckets) if (now - value.updatedAt > 120_000) this.buckets.delete(key);
    }
    return bucket;
  }
}

/** A client key from proxy headers (first hop), or a shared key for direct local clients. */
export function clientKey(request: Request): string {
  const forwarded = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || request.headers.get("x-real-ip") || "direct";
}
