import { describe, expect, it } from "vitest";
import { titleMatches } from "@/lib/retrieval/title-prior";

const TITLES = new Map([
  ["standard", "Northwind Standard Benefits Details"],
  ["plus", "Northwind Health Plus Benefits Details"],
  ["handbook", "employee handbook"],
]);

describe("titleMatches", () => {
  it("prefers the document whose distinctive title words the question names", () => {
    const matches = titleMatches({ query: "What does Northwind Standard cover for hearing?", titles: TITLES });
    expect(matches.get("standard")).toBeGreaterThan(matches.get("plus") ?? 0);
    expect(matches.get("handbook")).toBe(0);
    const plus = titleMatches({ query: "What is the copay under Northwind Health Plus?", titles: TITLES });
    expect(plus.get("plus")).toBeGreaterThan(plus.get("standard") ?? 0);
  });

  it("gives nothing when the question names no title, or every title shares the words", () => {
    expect([...titleMatches({ query: "Who won the world cup?", titles: TITLES }).values()]).toEqual([0, 0, 0]);
    expect(titleMatches({ query: "handbook", titles: new Map([["only", "Employee Handbook"]])}).get("only")).toBe(0);
    const same = titleMatches({ query: "benefits", titles: new Map([["a", "Benefits"], ["b", "Benefits"]]) });
    expect([...same.values()]).toEqual([0, 0]);
  });

  it("is a share between 0 and 1", () => {
    const full = titleMatches({ query: "Northwind Health Plus benefits details", titles: TITLES });
    expect(full.get("plus")).toBeCloseTo(1, 10);
    for (const value of full.values()) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(1);
    }
  });
});
