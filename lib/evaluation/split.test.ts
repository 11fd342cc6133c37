import { describe, expect, it } from "vitest";
import { inSplit, questionSplit } from "@/lib/evaluation/split";

describe("questionSplit", () => {
  it("puts a question on the same side whatever else is in the set", () => {
    const ids = Array.from({ length: 400 }, (_, index) => `set:q${index}`);
    const sides = ids.map(questionSplit);
    expect(ids.map(questionSplit)).toEqual(sides);
    expect(
      inSplit(
        ids.slice(100).map((id) => ({ id })),
        "dev",
      ).map((item) => item.id),
    ).toEqual(ids.slice(100).filter((id) => questionSplit(id) === "dev"));
  });

  it("splits about half and half", () => {
    const ids = Array.from({ length: 1_000 }, (_, index) => `nw${index}`);
    const dev = ids.filter((id) => questionSplit(id) === "dev").length;
    expect(dev).toBeGreaterThan(430);
    expect(dev).toBeLessThan(570);
  });

  it("keeps every item without a split, and the two halves partition the set", () => {
    const items = Array.from({ length: 50 }, (_, index) => ({ id: `fb${index}` }));
    expect(inSplit(items, undefined)).toHaveLength(50);
    expect(inSplit(items, "dev").length + inSplit(items, "test").length).toBe(50);
  });
});
