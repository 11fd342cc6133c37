import { describe, expect, it } from "vitest";
import { addressKey, CLIENT_ADDRESS_HEADER, clientAddress } from "@/lib/http/client-address";
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

  it("keeps at most its maximum of clients, whatever they rotate through, and keeps limiting the busiest", () => {
    // No time passes: every client uses its allowance up, so none can be forgotten as refilled.
    const limiter = new RateLimiter(2, () => 0, 1_000);
    limiter.take("attacker");
    limiter.take("attacker");
    for (let index = 0; index < 100_000; index += 1) {
      try {
        limiter.take(`10.0.${index >> 8}.${index & 255}`);
        limiter.take(`10.0.${index >> 8}.${index & 255}`);
      } catch {
        // limited: fine
      }
      if (index % 500 === 0) expect(() => limiter.assertAvailable("attacker")).toThrow();
      expect(limiter.size).toBeLessThanOrEqual(1_000);
    }
  });
});

/** Issue 16: forwarding headers are the client's own words unless a proxy of ours wrote them. */
describe("clientKey and clientAddress", () => {
  const request = (headers: Record<string, string>) => new Request("http://x", { headers });

  it("ignores X-Forwarded-For without TRUST_PROXY: a rotating header is the same client", () => {
    const keys = new Set(Array.from({ length: 20 }, (_, index) => clientKey(request({ [CLIENT_ADDRESS_HEADER]: "192.0.2.7", "x-forwarded-for": `10.0.0.${index}` }))));
    expect([...keys]).toEqual(["192.0.2.7"]);
  });

  it("keys distinct sockets apart, so one client's failures never lock out another", () => {
    const limiter = new RateLimiter(3);
    const attacker = clientKey(request({ [CLIENT_ADDRESS_HEADER]: "127.0.0.2" }));
    const colleague = clientKey(request({ [CLIENT_ADDRESS_HEADER]: "127.0.0.3" }));
    for (let attempt = 0; attempt < 3; attempt += 1) limiter.take(attacker);
    expect(() => limiter.assertAvailable(attacker)).toThrow();
    expect(() => limiter.assertAvailable(colleague)).not.toThrow();
  });

  it("with TRUST_PROXY hops, takes the address that many proxies back and ignores what the client prepended", () => {
    const forwarded = { [CLIENT_ADDRESS_HEADER]: "10.0.0.2", "x-forwarded-for": "6.6.6.6, 203.0.113.9, 10.0.0.1" };
    expect(clientAddress(request(forwarded), 0)).toBe("10.0.0.2");
    expect(clientAddress(request(forwarded), 1)).toBe("10.0.0.1");
    expect(clientAddress(request(forwarded), 2)).toBe("203.0.113.9");
    expect(clientAddress(request(forwarded), 5)).toBe("6.6.6.6");
    expect(clientAddress(request({ [CLIENT_ADDRESS_HEADER]: "10.0.0.2" }), 1)).toBe("10.0.0.2");
  });

  it("keys IPv6 clients by their /64 and IPv4-mapped addresses as IPv4", () => {
    expect(addressKey("2001:db8:1:2:aaaa::1")).toBe(addressKey("2001:db8:1:2:ffff:1:2:3"));
    expect(addressKey("2001:db8:1:2::1")).not.toBe(addressKey("2001:db8:1:3::1"));
    expect(addressKey("::ffff:192.0.2.1")).toBe("192.0.2.1");
    expect(addressKey("::1")).toBe("0:0:0:0::/64");
    expect(clientKey(request({}))).toBe("direct");
  });
});
