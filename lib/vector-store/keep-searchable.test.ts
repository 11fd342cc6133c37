import { describe, expect, it } from "vitest";
import { keepSearchable } from "@/lib/vector-store/chroma-vector-store";

/** A fake index that loses the ids in `lostFor[id]` for that many writes. */
function fakeIndex(lostFor: Record<string, number>) {
  const remaining = new Map(Object.entries(lostFor));
  const rewritten: string[][] = [];
  return {
    rewritten,
    findLost: (records: { id: string }[]) => Promise.resolve(records.filter((record) => (remaining.get(record.id) ?? 0) > 0).map((record) => record.id)),
    rewrite: (records: { id: string }[]) => {
      rewritten.push(records.map((record) => record.id));
      for (const record of records) remaining.set(record.id, (remaining.get(record.id) ?? 0) - 1);
      return Promise.resolve();
    },
  };
}

const records = ["a", "b", "c", "d"].map((id) => ({ id }));

describe("keepSearchable", () => {
  it("rewrites nothing when search finds every record", async () => {
    const index = fakeIndex({});
    expect(await keepSearchable({ records, ...index, attempts: 3 })).toEqual([]);
    expect(index.rewritten).toEqual([]);
  });

  it("rewrites only the lost records, again while still lost, and then finds them all", async () => {
    const index = fakeIndex({ b: 1, d: 2 });
    expect(await keepSearchable({ records, ...index, attempts: 3 })).toEqual([]);
    expect(index.rewritten).toEqual([["b", "d"], ["d"]]);
  });

  it("gives up after the attempts and returns what is still lost", async () => {
    const index = fakeIndex({ a: 10, c: 1 });
    expect(await keepSearchable({ records, ...index, attempts: 2 })).toEqual(["a"]);
    expect(index.rewritten).toEqual([["a", "c"], ["a"]]);
  });
});
