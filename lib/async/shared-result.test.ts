import { describe, expect, it } from "vitest";
import { sharedResult } from "@/lib/async/shared-result";

describe("sharedResult", () => {
  it("runs the work once per period however many callers ask, and again after it (issue 16: health probes)", async () => {
    let now = 0;
    let runs = 0;
    const shared = sharedResult({ work: () => Promise.resolve((runs += 1)), milliseconds: 1_000, now: () => now });
    const first = await Promise.all(Array.from({ length: 1_000 }, () => shared()));
    expect(new Set(first)).toEqual(new Set([1]));
    now = 999;
    expect(await shared()).toBe(1);
    now = 1_000;
    expect(await shared()).toBe(2);
    expect(runs).toBe(2);
  });

  it("shares a failure for the period too, then tries again", async () => {
    let now = 0;
    let runs = 0;
    const shared = sharedResult({ work: () => Promise.reject(new Error(`down ${(runs += 1)}`)), milliseconds: 1_000, now: () => now });
    await expect(shared()).rejects.toThrow("down 1");
    await expect(shared()).rejects.toThrow("down 1");
    now = 2_000;
    await expect(shared()).rejects.toThrow("down 2");
  });
});
