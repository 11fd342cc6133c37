import { describe, expect, it } from "vitest";
import { VectorCache } from "@/lib/embeddings/vector-cache";

describe("VectorCache", () => {
  it("returns exactly the float32 vector stored, as a copy", () => {
    const cache = new VectorCache(2);
    const vector = Array.from(Float32Array.from([0.1, -0.25, 1 / 3]));
    cache.set("a", vector);
    const first = cache.get("a");
    expect(first).toEqual(vector);
    first?.fill(0);
    expect(cache.get("a")).toEqual(vector);
    expect(cache.get("b")).toBeUndefined();
  });

  it("evicts the least recently used entry beyond its capacity", () => {
    const cache = new VectorCache(2);
    cache.set("a", [1]);
    cache.set("b", [2]);
    cache.get("a");
    cache.set("c", [3]);
    expect(cache.size).toBe(2);
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toEqual([1]);
    expect(cache.get("c")).toEqual([3]);
  });
});
