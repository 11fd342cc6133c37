import { describe, expect, it } from "vitest";
import { termScoresFrom, topRowsBySummedScore } from "@/lib/storage/keyword-scores";

describe("topRowsBySummedScore", () => {
  it("sums each row's scores over the lists and keeps the best, ties to the lower rowid", () => {
    const lists = [termScoresFrom([[1, 0.5], [3, 2], [7, 1]]), termScoresFrom([[3, 0.25], [5, 1.5], [7, 0.5]])];
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
    const lists = [termScoresFrom([[1, 3], [2, 2], [3, 1]])];
    expect(topRowsBySummedScore({ lists, limit: 1, accept: (rowId) => rowId !== 1 })).toEqual([{ rowId: 2, score: 2 }]);
  });

  it("sorts a list given out of rowid order", () => {
    const list = termScoresFrom([[9, 1], [2, 2], [5, 3]]);
    expect([...list.rowIds]).toEqual([2, 5, 9]);
    expect([...list.scores]).toEqual([2, 3, 1]);
  });
});
