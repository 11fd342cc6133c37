import { describe, expect, it } from "vitest";
import { termScoresFrom, topRowsBySummedScore, type ScoredRow } from "@/lib/storage/keyword-scores";
import { createSeededRandom } from "@/tests/support/seeded-random";

/** The plain definition: every row's sum in list order, all rows sorted. */
function bruteForce(lists: [number, number][][], limit: number, accept: (rowId: number) => boolean = () => true): ScoredRow[] {
  const sums = new Map<number, number>();
  for (const list of lists) for (const [rowId, score] of list) sums.set(rowId, (sums.get(rowId) ?? 0) + score);
  return [...sums]
    .filter(([rowId]) => accept(rowId))
    .map(([rowId, score]) => ({ rowId, score }))
    .sort((left, right) => right.score - left.score || left.rowId - right.rowId)
    .slice(0, limit);
}

describe("topRowsBySummedScore", () => {
  it("sums each row's scores over the lists and keeps the best, ties to the lower rowid", () => {
    const lists = [
      termScoresFrom([
        [1, 0.5],
        [3, 2],
        [7, 1],
      ]),
      termScoresFrom([
        [3, 0.25],
        [5, 1.5],
        [7, 0.5],
      ]),
    ];
    expect(topRowsBySummedScore({ lists, limit: 10 })).toEqual([
      { rowId: 3, score: 2.25 },
      { rowId: 5, score: 1.5 },
      { rowId: 7, score: 1.5 },
      { rowId: 1, score: 0.5 },
    ]);
    // At the limit an equal score does not displace a lower rowid.
    expect(topRowsBySummedScore({ lists, limit: 2 })).toEqual([
      { rowId: 3, score: 2.25 },
      { rowId: 5, score: 1.5 },
    ]);
    expect(topRowsBySummedScore({ lists, limit: 0 })).toEqual([]);
    expect(topRowsBySummedScore({ lists: [], limit: 5 })).toEqual([]);
  });

  it("adds the lists' scores in list order, as bm25() adds its phrases", () => {
    // Floating-point addition is not associative: (0.1 + 0.2) + 0.3 differs from 0.1 + (0.2 + 0.3).
    const lists = [termScoresFrom([[1, 0.1]]), termScoresFrom([[1, 0.2]]), termScoresFrom([[1, 0.3]])];
    expect(topRowsBySummedScore({ lists, limit: 1 })[0]?.score).toBe(0.1 + 0.2 + 0.3);
    expect(0.1 + 0.2 + 0.3).not.toBe(0.1 + (0.2 + 0.3));
  });

  it("leaves out rows `accept` rejects before they count towards the limit", () => {
    const lists = [
      termScoresFrom([
        [1, 3],
        [2, 2],
        [3, 1],
      ]),
    ];
    expect(topRowsBySummedScore({ lists, limit: 1, accept: (rowId) => rowId !== 1 })).toEqual([{ rowId: 2, score: 2 }]);
  });

  it("ranks as the plain definition does, with common and rare lists, ties and filters", () => {
    const random = createSeededRandom(11);
    for (let trial = 0; trial < 500; trial += 1) {
      // Common terms: many rows, low scores; rare ones: few rows, high scores; ties from coarse scores.
      const lists = Array.from({ length: 1 + Math.floor(random() * 5) }, () => {
        const common = random() < 0.5;
        const size = common ? 200 + Math.floor(random() * 800) : Math.floor(random() * 60);
        const rows = new Map<number, number>();
        for (let index = 0; index < size; index += 1) rows.set(1 + Math.floor(random() * 1_000), Math.round((common ? 1 : 8) * random() * 4) / 4 + 0.1);
        return [...rows];
      });
      const limit = 1 + Math.floor(random() * 80);
      const accept = trial % 3 === 0 ? (rowId: number) => rowId % 4 !== 0 : undefined;
      expect(topRowsBySummedScore({ lists: lists.map((list) => termScoresFrom(list)), limit, accept })).toEqual(bruteForce(lists, limit, accept));
      // Rowids beyond the dense array's range take the merge, with the same result.
      const far = lists.map((list) => list.map(([rowId, score]): [number, number] => [rowId + 5_000_000, score]));
      expect(topRowsBySummedScore({ lists: far.map((list) => termScoresFrom(list)), limit })).toEqual(bruteForce(far, limit));
    }
  });

  it("sorts a list given out of rowid order, and negates bm25() ranks when asked", () => {
    const list = termScoresFrom([
      [9, 1],
      [2, 2],
      [5, 3],
    ]);
    expect([...list.rowIds]).toEqual([2, 5, 9]);
    expect([...list.scores]).toEqual([2, 3, 1]);
    const negated = termScoresFrom(
      [
        [9, -1],
        [2, -2],
      ],
      { negate: true },
    );
    expect([...negated.rowIds]).toEqual([2, 9]);
    expect([...negated.scores]).toEqual([2, 1]);
  });
});
