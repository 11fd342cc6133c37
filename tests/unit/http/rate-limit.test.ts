import { describe, expect, it } from "vitest";
import { RateLimiter, clientKey } from "@/lib/http/rate-limit";

describe("RateLimiter", () => {
  it("allows a burst of the per-minute allowance, then refuses with a Retry-After", () => {
    let now = 0;
    const limiter = new RateLimiter(3, () => now);
    for (let index = 0; index < 3; index += 1) limiter.take("a");
    let caught: unknown;
    try {
      limiter.take("a");
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: "request.rate_limited", status: 429, details: { retryAfterSeconds: 20 } });
    // Another client is unaffected.
    expect(() => limiter.take("b")).not.toThrow();
    // One token comes back after 60 s / 3.
    now = 20_000;
    expect(() => limiter.take("a")).not.toThrow();
    expect(() => limiter.take("a")).toThrow();
  });

  it("checks without taking when only failures count", () => {
    let now = 0;
    const limiter = new RateLimiter(2, () => now);
    for (let index = 0; index < 5; index += 1) limiter.assertAvailable("a");
    limiter.take("a");
    limiter.take("a");
    expect(() => limiter.assertAvailable("a")).toThrow(expect.objectContaining({ code: "request.rate_limited" }) as Error);
    now = 30_000;
    expect(() => limiter.assertAvailable("a")).not.toThrow();
  });

  it("is disabled at 0", () => {
    const limiter = new RateLimiter(0);
    for (let index = 0; index < 1000; index += 1) limiter.take("a");
  });

  it("keys clients by the first forwarded hop", () => {
    expect(clientKey(new Request("http://x", { headers: { "x-forwarded-for": "10.0.0.1, 10.0.0.2" } }))).toBe("10.0.0.1");
    expect(clientKey(new Request("http://x"))).toBe("direct");
  });
});
