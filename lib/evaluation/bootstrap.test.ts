import { describe, expect, it } from "vitest";
import { bootstrapMean, formatDifference, formatInterval, pairedDifference } from "@/lib/evaluation/bootstrap";

describe("bootstrapMean", () => {
  it("brackets the mean, widens with fewer questions and is the same every run", () => {
    const many = Array.from({ length: 400 }, (_, index) => (index % 4 === 0 ? 0 : 1));
    const few = many.slice(0, 20);
    const wide = bootstrapMean(few);
    const narrow = bootstrapMean(many);
    expect(narrow.mean).toBeCloseTo(0.75);
    expect(narrow.low).toBeLessThan(0.75);
    expect(narrow.high).toBeGreaterThan(0.75);
    expect(wide.high - wide.low).toBeGreaterThan(narrow.high - narrow.low);
    expect(bootstrapMean(few)).toEqual(wide);
    // A binomial share over 400 questions: about ±1.96·sqrt(0.75·0.25/400) ≈ ±0.042.
    expect(narrow.high - narrow.low).toBeGreaterThan(0.06);
    expect(narrow.high - narrow.low).toBeLessThan(0.11);
  });

  it("leaves NaN out and says n/a without values", () => {
    expect(bootstrapMean([1, Number.NaN, 0]).count).toBe(2);
    expect(formatInterval(bootstrapMean([]))).toBe("n/a");
    expect(formatInterval(bootstrapMean([1, 1, 1]))).toBe("1.00 [1.00, 1.00]");
  });
});

describe("pairedDifference", () => {
  it("pairs by question, so a consistent gain is significant even when both means are noisy", () => {
    const before = new Map(Array.from({ length: 60 }, (_, index) => [`q${index}`, index % 2]));
    const after = new Map([...before].map(([id, value], index) => [id, index < 12 ? 1 : value]));
    const difference = pairedDifference(before, after);
    expect(difference.mean).toBeCloseTo(6 / 60);
    expect(difference.low).toBeGreaterThan(0);
    expect(formatDifference(difference)).toMatch(/^\+0\.10 \[\+0\.0\d, \+0\.1\d\]$/);
  });

  it("uses only questions both runs have", () => {
    const difference = pairedDifference(
      new Map([
        ["a", 0],
        ["b", 1],
      ]),
      new Map([
        ["a", 1],
        ["c", 0],
      ]),
    );
    expect(difference.count).toBe(1);
    expect(difference.mean).toBe(1);
  });
});
