import { describe, expect, it } from "vitest";
import { documentNameWords, nameMatches } from "@/lib/retrieval/document-names";

const NAMES = new Map([
  ["aapl-q1", "2023 Q1 AAPL Apple Inc. Form 10-Q Cupertino, California"],
  ["aapl-q3", "2023 Q3 AAPL Apple Inc. Form 10-Q Cupertino, California"],
  ["amzn-q1", "2023 Q1 AMZN Amazon.com, Inc. Form 10-Q Seattle, Washington"],
  ["amzn-q3", "2023 Q3 AMZN Amazon.com, Inc. Form 10-Q Seattle, Washington"],
  ["intc-q3", "2023 Q3 INTC Intel Corporation Form 10-Q Santa Clara, California"],
]);

describe("documentNameWords", () => {
  it("keeps the words that name fewer than half of the documents", () => {
    const words = documentNameWords(NAMES);
    expect([...(words.get("aapl-q1") ?? [])].sort()).toEqual(["aapl", "apple", "cupertino", "q1"]);
    // "form", "10", "inc" and "2023" name most documents; "california" and "q3" name too many.
    expect(words.get("amzn-q3")?.has("amazon")).toBe(true);
    expect(words.get("amzn-q3")?.has("form")).toBe(false);
    expect(words.get("intc-q3")?.has("q3")).toBe(false);
  });

  it("finds nothing distinctive in one document or in identical names", () => {
    expect(documentNameWords(new Map([["only", "Employee Handbook"]])).get("only")?.size).toBe(0);
    expect(
      documentNameWords(
        new Map([
          ["a", "Contoso Electronics"],
          ["b", "Contoso Electronics"],
        ]),
      ).get("a")?.size,
    ).toBe(0);
  });
});

describe("nameMatches", () => {
  it("ranks the document the question names by company and quarter first", () => {
    const matches = nameMatches({ query: "What did Amazon report for R&D in Q1 2023?", nameWords: documentNameWords(NAMES) });
    expect(matches.get("amzn-q1")).toBe(1);
    expect(matches.get("amzn-q3")).toBeGreaterThan(0);
    expect(matches.get("amzn-q3")).toBeLessThan(1);
    // Amazon's other quarter and other companies' Q1 each match half.
    expect(matches.get("aapl-q1")).toBeCloseTo(matches.get("amzn-q3") ?? 0, 10);
    expect(matches.has("intc-q3")).toBe(false);
  });

  it("is empty when the question names no document", () => {
    expect(nameMatches({ query: "What is the capital of Australia?", nameWords: documentNameWords(NAMES) }).size).toBe(0);
  });
});
