import { describe, expect, it, vi } from "vitest";
import type { ScopedSearch, SearchResult } from "@/lib/retrieval/search";
import {
  EXTERNAL_STORE_LIFETIME_MILLISECONDS,
  MAXIMUM_LIFETIME_MILLISECONDS,
  MINIMUM_LIFETIME_MILLISECONDS,
  createSearchCache,
  type SearchCacheOutcome,
} from "@/lib/retrieval/search-cache";

const answer = (name: string): ScopedSearch => ({ results: [{ chunkId: name } as SearchResult], preferredDocuments: [] });
const request = (key: string, compute: () => Promise<ScopedSearch>, options: { onOutcome?: (outcome: SearchCacheOutcome) => void } = {}) => ({
  key,
  compute,
  onOutcome: options.onOutcome,
});

describe("createSearchCache", () => {
  it("answers a repeated key from the cache and counts hits and misses", async () => {
    const cache = createSearchCache({ entries: 10 });
    const compute = vi.fn(() => Promise.resolve(answer("a")));
    const first = await cache.get(request("k", compute));
    expect(await cache.get(request("k", compute))).toBe(first);
    expect(compute).toHaveBeenCalledTimes(1);
    expect(cache.statistics()).toEqual({ hits: 1, misses: 1, shared: 0, entries: 1 });
  });

  it("runs identical searches at the same moment once", async () => {
    const cache = createSearchCache({ entries: 10 });
    let resolve: (value: ScopedSearch) => void = () => undefined;
    const compute = vi.fn(() => new Promise<ScopedSearch>((done) => (resolve = done)));
    const both = Promise.all([cache.get(request("k", compute)), cache.get(request("k", compute))]);
    resolve(answer("a"));
    const [left, right] = await both;
    expect(left).toBe(right);
    expect(compute).toHaveBeenCalledTimes(1);
    expect(cache.statistics()).toMatchObject({ misses: 1, shared: 1 });
  });

  it("says how each search was answered", async () => {
    const cache = createSearchCache({ entries: 10 });
    const outcomes: string[] = [];
    const onOutcome = (outcome: string) => outcomes.push(outcome);
    let resolve: (value: ScopedSearch) => void = () => undefined;
    const both = Promise.all([
      cache.get(request("k", () => new Promise<ScopedSearch>((done) => (resolve = done)), { onOutcome })),
      cache.get(request("k", () => Promise.resolve(answer("b")), { onOutcome })),
    ]);
    resolve(answer("a"));
    await both;
    await cache.get(request("k", () => Promise.resolve(answer("c")), { onOutcome }));
    await createSearchCache({ entries: 0 }).get(request("k", () => Promise.resolve(answer("d")), { onOutcome }));
    expect(outcomes).toEqual(["computed", "joined", "hit", "computed"]);
  });

  it("does not remember a failure", async () => {
    const cache = createSearchCache({ entries: 10 });
    await expect(cache.get(request("k", () => Promise.reject(new Error("store down"))))).rejects.toThrow("store down");
    await expect(cache.get(request("k", () => Promise.resolve(answer("b"))))).resolves.toEqual(answer("b"));
  });

  it("drops the least recently used entry beyond its bound", async () => {
    const cache = createSearchCache({ entries: 2 });
    await cache.get(request("a", () => Promise.resolve(answer("a"))));
    await cache.get(request("b", () => Promise.resolve(answer("b"))));
    await cache.get(request("a", () => Promise.resolve(answer("unused"))));
    await cache.get(request("c", () => Promise.resolve(answer("c"))));
    const recompute = vi.fn(() => Promise.resolve(answer("again")));
    expect(await cache.get(request("a", recompute))).toEqual(answer("a"));
    expect(await cache.get(request("b", recompute))).toEqual(answer("again"));
    expect(recompute).toHaveBeenCalledTimes(1);
  });

  it("with no entries always computes", async () => {
    const cache = createSearchCache({ entries: 0 });
    const compute = vi.fn(() => Promise.resolve(answer("a")));
    await cache.get(request("k", compute));
    await cache.get(request("k", compute));
    expect(compute).toHaveBeenCalledTimes(2);
    expect(cache.statistics()).toEqual({ hits: 0, misses: 2, shared: 0, entries: 0 });
  });

  it("serves a result half as long as the store had been up when it was computed", async () => {
    let clock = 0;
    const cache = createSearchCache({ entries: 10, now: () => clock });
    const compute = vi.fn(() => Promise.resolve(answer("a")));
    const served = async (at: number) => {
      clock = at;
      const before = compute.mock.calls.length;
      await cache.get(request("k", compute));
      return compute.mock.calls.length === before;
    };
    // Right after the store started: the minimum lifetime.
    expect(await served(0)).toBe(false);
    expect(await served(MINIMUM_LIFETIME_MILLISECONDS)).toBe(true);
    expect(await served(MINIMUM_LIFETIME_MILLISECONDS + 1)).toBe(false);
    // Computed 40 s after the start: served for 20 s.
    expect(await served(40_000)).toBe(false);
    expect(await served(60_000)).toBe(true);
    expect(await served(60_001)).toBe(false);
    // However long the store has been up, never longer than the maximum.
    expect(await served(10 * MAXIMUM_LIFETIME_MILLISECONDS)).toBe(false);
    expect(await served(11 * MAXIMUM_LIFETIME_MILLISECONDS)).toBe(true);
    expect(await served(11 * MAXIMUM_LIFETIME_MILLISECONDS + 1)).toBe(false);
  });

  it("counts the store's time up again from a clear (a restarted Chroma)", async () => {
    let clock = 0;
    const cache = createSearchCache({ entries: 10, now: () => clock });
    const compute = vi.fn(() => Promise.resolve(answer("a")));
    clock = 100_000;
    await cache.get(request("k", compute));
    clock += 40_000;
    // Computed 100 s after the start: still served 40 s later.
    await cache.get(request("k", compute));
    expect(compute).toHaveBeenCalledTimes(1);
    cache.clear();
    await cache.get(request("k", compute));
    clock += MINIMUM_LIFETIME_MILLISECONDS + 1;
    await cache.get(request("k", compute));
    expect(compute).toHaveBeenCalledTimes(3);
  });

  it("with an external store serves a result for a fixed, short time", async () => {
    let clock = 0;
    const cache = createSearchCache({ entries: 10, externalStore: true, now: () => clock });
    const compute = vi.fn(() => Promise.resolve(answer("a")));
    await cache.get(request("k", compute));
    clock = 1_000_000;
    await cache.get(request("k", compute));
    clock += EXTERNAL_STORE_LIFETIME_MILLISECONDS;
    await cache.get(request("k", compute));
    expect(compute).toHaveBeenCalledTimes(2);
    clock += 1;
    await cache.get(request("k", compute));
    expect(compute).toHaveBeenCalledTimes(3);
  });

  it("forgets everything on clear, including a search that was running", async () => {
    const cache = createSearchCache({ entries: 10 });
    await cache.get(request("done", () => Promise.resolve(answer("a"))));
    let resolve: (value: ScopedSearch) => void = () => undefined;
    const running = cache.get(request("running", () => new Promise<ScopedSearch>((done) => (resolve = done))));
    cache.clear();
    resolve(answer("before the restart"));
    await running;
    const compute = vi.fn(() => Promise.resolve(answer("after")));
    expect(await cache.get(request("done", compute))).toEqual(answer("after"));
    expect(await cache.get(request("running", compute))).toEqual(answer("after"));
    expect(compute).toHaveBeenCalledTimes(2);
  });
});
