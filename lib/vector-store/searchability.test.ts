import { describe, expect, it } from "vitest";
import { keepSearchable, probeFound } from "@/lib/vector-store/searchability";

describe("probeFound", () => {
  it("is found when its id is among the neighbours, wherever it ranks", () => {
    expect(probeFound({ id: "d:0:0", neighbours: ["d:0:0", "d:1:0"], distances: [0, 0.4], asked: 10 })).toBe(true);
    expect(probeFound({ id: "d:1:0", neighbours: ["e:3:0", "d:1:0"], distances: [0, 0], asked: 10 })).toBe(true);
  });

  it("is lost when search returns other vectors and not it", () => {
    expect(probeFound({ id: "d:0:0", neighbours: ["d:1:0", "d:2:0"], distances: [0.3, 0.5], asked: 10 })).toBe(false);
    expect(probeFound({ id: "d:0:0", neighbours: [], distances: [], asked: 10 })).toBe(false);
    // A full answer of near (not identical) neighbours without it is still a loss.
    expect(probeFound({ id: "d:0:0", neighbours: Array.from({ length: 10 }, (_, index) => `e:${index}:0`), distances: Array.from({ length: 10 }, () => 0.01), asked: 10 })).toBe(
      false,
    );
  });

  it("gives the benefit of the doubt when every neighbour asked for is an identical copy", () => {
    const copies = Array.from({ length: 10 }, (_, index) => `copy:${index}:0`);
    expect(probeFound({ id: "copy:11:0", neighbours: copies, distances: copies.map(() => 0), asked: 10 })).toBe(true);
  });
});

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
