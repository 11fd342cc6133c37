import { describe, expect, it } from "vitest";
import { percentile } from "@/lib/util/percentile";

describe("percentile", () => {
  it("nearest-rank percentiles", () => {
    expect(percentile([5, 1, 4, 2, 3], 0.5)).toBe(3);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95)).toBe(10);
    expect(percentile([], 0.95)).toBeUndefined();
  });

  it("is always one of the values: the minimum at 0, the maximum at 1, no interpolation", () => {
    expect(percentile([10, 20], 0)).toBe(10);
    expect(percentile([10, 20], 0.5)).toBe(10);
    expect(percentile([10, 20], 0.51)).toBe(20);
    expect(percentile([30, 10, 20], 1)).toBe(30);
  });

  it("leaves its argument unsorted", () => {
    const values = [3, 1, 2];
    percentile(values, 0.5);
    expect(values).toEqual([3, 1, 2]);
  });
});
