import { describe, expect, it } from "vitest";
import { COVERAGE_WEIGHT, relevanceEvidence, relevanceScore } from "@/lib/retrieval/relevance";

const KNOWN_MODELS = ["all-MiniLM-L6-v2", "text-embedding-3-small", "text-embedding-3-large"];

/** Similarities from 0 to 1 in steps of 0.001 (exact thousandths). */
const GRID = Array.from({ length: 1001 }, (_, index) => index / 1000);

describe("relevanceScore", () => {
  it.each(KNOWN_MODELS)("is monotone non-decreasing over [0, 1] for %s", (model) => {
    let previous = -Infinity;
    for (const similarity of GRID) {
      const score = relevanceScore({ similarity, model });
      expect(score).toBeGreaterThanOrEqual(previous);
      expect(score).toBeGreaterThanOrEqual(0);
      expect(score).toBeLessThanOrEqual(1);
      previous = score;
    }
  });

  it.each(KNOWN_MODELS)("maps 0 to 0 and 1 to 1 for %s", (model) => {
    expect(relevanceScore({ similarity: 0, model })).toBe(0);
    expect(relevanceScore({ similarity: 1, model })).toBe(1);
  });

  it.each(KNOWN_MODELS)("is continuous for %s (no jump between neighbouring similarities)", (model) => {
    for (let index = 1; index < GRID.length; index += 1) {
      const step = relevanceScore({ similarity: GRID[index] ?? 0, model }) - relevanceScore({ similarity: GRID[index - 1] ?? 0, model });
      // The steepest segment rises 0.45 over 0.21, i.e. < 0.003 per 0.001.
      expect(step).toBeLessThan(0.003);
    }
  });

  it("lifts raw similarities to the calibrated scale where 0.7 means citable", () => {
    // MiniLM passage evidence: calibrated so that no corpus's dev split loses more than 5 % of its hits.
    expect(relevanceScore({ similarity: 0.41, model: "all-MiniLM-L6-v2" })).toBeCloseTo(0.7, 10);
    expect(relevanceScore({ similarity: 0.2, model: "all-MiniLM-L6-v2" })).toBeCloseTo(0.25, 10);
    expect(relevanceScore({ similarity: 0.9, model: "all-MiniLM-L6-v2" })).toBeCloseTo(0.9, 10);
    expect(relevanceScore({ similarity: 0.4, model: "all-MiniLM-L6-v2" })).toBeLessThan(0.7);
    expect(relevanceScore({ similarity: 0.42, model: "all-MiniLM-L6-v2" })).toBeGreaterThan(0.7);
    expect(relevanceScore({ similarity: 0.3, model: "text-embedding-3-small" })).toBeCloseTo(0.7, 10);
    expect(relevanceScore({ similarity: 0.3, model: "text-embedding-3-large" })).toBeCloseTo(0.7, 10);
    // Between anchors the map is linear.
    expect(relevanceScore({ similarity: 0.1, model: "all-MiniLM-L6-v2" })).toBeCloseTo(0.125, 10);
    expect(relevanceScore({ similarity: 0.8, model: "text-embedding-3-small" })).toBeCloseTo(0.95, 10);
    // A calibrated model never scores below its raw similarity on this range.
    for (const model of KNOWN_MODELS) {
      for (const similarity of GRID) expect(relevanceScore({ similarity, model })).toBeGreaterThanOrEqual(similarity - 1e-12);
    }
  });

  it("is the identity for an unknown model", () => {
    for (const similarity of GRID) expect(relevanceScore({ similarity, model: "some-future-model" })).toBeCloseTo(similarity, 12);
  });

  it.each([...KNOWN_MODELS, "unknown-model"])("clamps similarities outside [0, 1] for %s", (model) => {
    expect(relevanceScore({ similarity: -0.4, model })).toBe(0);
    expect(relevanceScore({ similarity: -1, model })).toBe(0);
    expect(relevanceScore({ similarity: 1.0000001, model })).toBe(1);
    expect(relevanceScore({ similarity: 3, model })).toBe(1);
  });

  it("adds weighted keyword coverage to the similarity, clamped to 0–1 coverage", () => {
    expect(relevanceEvidence({ similarity: 0.5, coverage: 0 })).toBe(0.5);
    expect(relevanceEvidence({ similarity: 0.5, coverage: 1 })).toBeCloseTo(0.5 + COVERAGE_WEIGHT, 12);
    expect(relevanceEvidence({ similarity: 0.5, coverage: 3 })).toBeCloseTo(0.5 + COVERAGE_WEIGHT, 12);
    expect(relevanceEvidence({ similarity: 0.5, coverage: -1 })).toBe(0.5);
    // A passage just under the cut on meaning alone passes when it holds the question's words.
    const model = "all-MiniLM-L6-v2";
    expect(relevanceScore({ similarity: relevanceEvidence({ similarity: 0.36, coverage: 0 }), model })).toBeLessThan(0.7);
    expect(relevanceScore({ similarity: relevanceEvidence({ similarity: 0.36, coverage: 0.9 }), model })).toBeGreaterThan(0.7);
  });
});
