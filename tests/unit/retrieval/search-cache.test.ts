import { describe, expect, it, vi } from "vitest";
import type { SearchResult } from "@/lib/retrieval/search";
import { MAXIMUM_AGE_MILLISECONDS, createSearchCache } from "@/lib/retrieval/search-cache";

const answer = (name: string): SearchResult[] => [{ chunkId: name } as SearchResult];

describe("createSearchCache", () => {
  it("answers a repeated key from the cache and counts hits and misses", async () => {
    const cache = createSearchCache({ entries: 10 });
    const compute = vi.fn(() => Promise.resolve(answer("a")));
    const first = await cache.get("k", compute);
    expect(await cache.get("k", compute)).toBe(first);
    expect(compute).toHaveBeenCalledTimes(1);
    expect(cache.statistics()).toEqual({ hits: 1, misses: 1, shared: 0, entries: 1 });
  });

  it("runs identical searches at the same moment once", async () => {
    const cache = createSearchCache({ entries: 10 });
    let resolve: (value: SearchResult[]) => void = () => undefined;
    const compute = vi.fn(() => new Promise<SearchResult[]>((done) => (resolve = done)));
    const both = Promise.all([cache.get("k", compute), cache.get("k", compute)]);
    resolve(answer("a"));
    const [left, right] = await both;
    expect(left).toBe(right);
    expect(compute).toHaveBeenCalledTimes(1);
    expect(cache.statistics()).toMatchObject({ misses: 1, shared: 1 });
  });

  it("says how each search was answered", async () => {
    const cache = createSearchCache({ entries: 10 });
    const outcomes: string[] = [];
    const record = (outcome: string) => outcomes.push(outcome);
    let resolve: (value: SearchResult[]) => void = () => undefined;
    const both = Promise.all([cache.get("k", () => new Promise<SearchResult[]>((done) => (resolve = done)), record), cache.get("k", () => Promise.resolve(answer("b")), record)]);
    resolve(answer("a"));
    await both;
    await cache.get("k", () => Promise.resolve(answer("c")), record);
    await createSearchCache({ entries: 0 }).get("k", () => Promise.resolve(answer("d")), record);
    expect(outcomes).toEqual(["computed", "joined", "hit", "computed"]);
  });

  it("does not remember a failure", async () => {
    const cache = createSearchCache({ entries: 10 });
    await expect(cache.get("k", () => Promise.reject(new Error("store down")))).rejects.toThrow("store down");
    await expect(cache.get("k", () => Promise.resolve(answer("b")))).resolves.toEqual(answer("b"));
  });

  it("drops the least recently used entry beyond its bound", async () => {
    const cache = createSearchCache({ entries: 2 });
    await cache.get("a", () => Promise.resolve(answer("a")));
    await cache.get("b", () => Promise.resolve(answer("b")));
    await cache.get("a", () => Promise.resolve(answer("unused")));
    await cache.get("c", () => Promise.resolve(answer("c")));
    const recompute = vi.fn(() => Promise.resolve(answer("again")));
    expect(await cache.get("a", recompute)).toEqual(answer("a"));
    expect(await cache.get("b", recompute)).toEqual(answer("again"));
    expect(recompute).toHaveBeenCalledTimes(1);
  });

  it("with no entries always computes", async () => {
    const cache = createSearchCache({ entries: 0 });
    const compute = vi.fn(() => Promise.resolve(answer("a")));
    await cache.get("k", compute);
    await cache.get("k", compute);
    expect(compute).toHaveBeenCalledTimes(2);
    expect(cache.statistics()).toEqual({ hits: 0, misses: 2, shared: 0, entries: 0 });
  });

  it("computes again once an entry is older than its maximum age", async () => {
    let clock = 0;
    const cache = createSearchCache({ entries: 10, now: () => clock });
    const compute = vi.fn(() => Promise.resolve(answer("a")));
    await cache.get("k", compute);
    clock = MAXIMUM_AGE_MILLISECONDS;
    await cache.get("k", compute);
    expect(compute).toHaveBeenCalledTimes(1);
    clock = MAXIMUM_AGE_MILLISECONDS + 1;
    await cache.get("k", compute);
    expect(compute).toHaveBeenCalledTimes(2);
  });

  it("forgets everything on clear, including a search that was running", async () => {
    const cache = createSearchCache({ entries: 10 });
    await cache.get("done", () => Promise.resolve(answer("a")));
    let resolve: (value: SearchResult[]) => void = () => undefined;
    const running = cache.get("running", () => new Promise<SearchResult[]>((done) => (resolve = done)));
    cache.clear();
    resolve(answer("before the restart"));
    await running;
    const compute = vi.fn(() => Promise.resolve(answer("after")));
    expect(await cache.get("done", compute)).toEqual(answer("after"));
    expect(await cache.get("running", compute)).toEqual(answer("after"));
    expect(compute).toHaveBeenCalledTimes(2);
  });
});
