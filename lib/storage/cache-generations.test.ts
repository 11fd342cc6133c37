import { describe, expect, it } from "vitest";
import { createCacheGenerations } from "@/lib/storage/cache-generations";

describe("createCacheGenerations", () => {
  it("empties the caches of a kind and of the kinds it implies, moving each generation once", () => {
    const generations = createCacheGenerations();
    const content = generations.cache<string, number>("content", { maximumEntries: 10 });
    const rows = generations.cache<string, number>("rows", { maximumEntries: 10 });
    let builds = 0;
    const list = generations.value("rows", () => (builds += 1));
    content.set("a", 1);
    rows.set("a", 1);
    expect([list.get(), list.get()]).toEqual([1, 1]);

    generations.invalidate(["rows"]);
    expect([content.get("a"), rows.get("a"), list.get()]).toEqual([1, undefined, 2]);
    expect([generations.generation("content"), generations.generation("documents"), generations.generation("rows")]).toEqual([0, 0, 1]);

    rows.set("a", 1);
    generations.invalidate(["content", "documents", "rows"]);
    expect([content.has("a"), rows.has("a"), list.get()]).toEqual([false, false, 3]);
    expect([generations.generation("content"), generations.generation("documents"), generations.generation("rows")]).toEqual([1, 1, 2]);
  });

  it("empties a cache that a new entry would take past its bounds, and keeps no value larger than the budget", () => {
    const generations = createCacheGenerations();
    const cache = generations.cache<string, number[]>("content", { maximumEntries: 3, maximumSize: 5, sizeOf: (value) => value.length });
    cache.set("a", [1, 2]);
    cache.set("b", [1, 2]);
    cache.set("c", [1, 2]);
    expect([cache.has("a"), cache.has("b"), cache.has("c")]).toEqual([false, false, true]);
    cache.set("d", [1, 2, 3, 4, 5, 6]);
    expect([cache.has("c"), cache.has("d")]).toEqual([true, false]);

    const rows = generations.cache<number, string>("content", { maximumEntries: 3 });
    rows.set(1, "one");
    rows.reserve(2);
    expect(rows.has(1)).toBe(true);
    rows.reserve(3);
    expect(rows.has(1)).toBe(false);
  });
});
