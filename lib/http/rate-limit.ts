import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { clientAddress } from "@/lib/http/client-address";

/**
 * Per-client token buckets (in memory, per process): a client may burst up to the per-minute
 * allowance, then gets 429 `request.rate_limited` with a Retry-After telling when a request
 * will be accepted again. At most `maximumClients` buckets are kept, whatever the clients do.
 */
export class RateLimiter {
  // In order of last use (a used bucket moves to the end), so the first is the longest idle.
  private readonly buckets = new Map<string, { tokens: number; updatedAt: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
    private readonly maximumClients = 10_000,
  ) {}

  /** Buckets held (for tests and diagnostics). */
  get size(): number {
    return this.buckets.size;
  }

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
    this.buckets.delete(client);
    this.buckets.set(client, bucket);
    if (this.buckets.size > this.maximumClients) this.evict(now, refillPerMillisecond);
    if (bucket.tokens < 1) {
      const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / refillPerMillisecond / 1000));
      throw new AppError("request.rate_limited", `Too many requests; try again in ${retryAfterSeconds} s.`, { details: { retryAfterSeconds } });
    }
    return bucket;
  }

  /**
   * Makes room: first forgets the buckets that have refilled (a new one would be the same), then,
   * if every client is still limited, the longest idle tenth.
   */
  private evict(now: number, refillPerMillisecond: number): void {
    for (const [key, value] of this.buckets) {
      if (value.tokens + (now - value.updatedAt) * refillPerMillisecond >= this.perMinute) this.buckets.delete(key);
    }
    if (this.buckets.size <= this.maximumClients) return;
    let excess = this.buckets.size - Math.floor(this.maximumClients * 0.9);
    for (const key of this.buckets.keys()) {
      if (excess <= 0) break;
      this.buckets.delete(key);
      excess -= 1;
    }
  }
}

/**
 * The limiter key of a request's client: its socket address, or with TRUST_PROXY set the address
 * that many proxies back in `X-Forwarded-For` (lib/http/client-address.ts).
 */
export function clientKey(request: Request): string {
  return clientAddress(request, getConfig().http.trustProxyHops);
}
