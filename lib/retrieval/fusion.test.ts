import { describe, expect, it } from "vitest";
import { DEFAULT_FUSION_WEIGHTS, fuseScores, reciprocalRankFusion } from "@/lib/retrieval/fusion";

describe("fuseScores", () => {
  it("normalises each retriever by its best score and adds the weighted parts", () => {
    const fused = fuseScores({
      vector: new Map([
        ["a", 0.8],
        ["b", 0.4],
      ]),
      keyword: new Map([
        ["b", 20],
        ["c", 10],
      ]),
      weights: { vector: 0.7, keyword: 0.3 },
    });
    expect(fused.get("a")).toBeCloseTo(0.7, 10);
    expect(fused.get("b")).toBeCloseTo(0.35 + 0.3, 10);
    expect(fused.get("c")).toBeCloseTo(0.15, 10);
  });

  it("is invariant to the scale of either retriever's scores", () => {
    const vector = new Map([
      ["a", 0.9],
      ["b", 0.3],
    ]);
    const keyword = new Map([
      ["b", 4],
      ["a", 1],
    ]);
    const scaled = new Map([...keyword].map(([key, value]) => [key, value * 1000]));
    expect(fuseScores({ vector, keyword })).toEqual(fuseScores({ vector, keyword: scaled }));
  });

  it("lets the favoured retriever win a disagreement", () => {
    const vector = new Map([
      ["semantic", 0.9],
      ["lexical", 0.6],
    ]);
    const keyword = new Map([
      ["lexical", 12],
      ["semantic", 2],
    ]);
    const rank = (weights: { vector: number; keyword: number }) => [...fuseScores({ vector, keyword, weights })].sort((left, right) => right[1] - left[1]).map(([key]) => key);
    expect(rank({ vector: 1, keyword: 0 })[0]).toBe("semantic");
    expect(rank({ vector: 0, keyword: 1 })[0]).toBe("lexical");
    expect(DEFAULT_FUSION_WEIGHTS.vector + DEFAULT_FUSION_WEIGHTS.keyword).toBeCloseTo(1, 10);
  });

  it("handles an empty retriever and non-positive scores", () => {
    expect(fuseScores({ vector: new Map(), keyword: new Map() }).size).toBe(0);
    const fused = fuseScores({ vector: new Map([["a", 0.5]]), keyword: new Map([["a", 0]]), weights: { vector: 0.5, keyword: 0.5 } });
    expect(fused.get("a")).toBeCloseTo(0.5, 10);
  });
});

describe("reciprocalRankFusion", () => {
  it("sums weight / (k + rank) over rankings", () => {
    const fused = reciprocalRankFusion({
      rankings: [
        { keys: ["a", "b"], weight: 1 },
        { keys: ["b", "c"], weight: 1 },
      ],
      k: 60,
    });
    expect(fused.get("a")).toBeCloseTo(1 / 61, 12);
    expect(fused.get("b")).toBeCloseTo(1 / 62 + 1 / 61, 12);
    expect(fused.get("c")).toBeCloseTo(1 / 62, 12);
  });
});
