import { describe, expect, it } from "vitest";
import { contentWords, keywordMatchExpression } from "@/lib/retrieval/keyword-query";

describe("keyword queries", () => {
  it("keeps content words, lower-cased and de-duplicated, cut like FTS5's unicode61", () => {
    expect(contentWords("What is in-network mean for Northwind Health? Northwind's plan")).toEqual(["network", "mean", "northwind", "health", "plan"]);
    expect(contentWords("Café résumé")).toEqual(["cafe", "resume"]);
    expect(contentWords("What is it?")).toEqual([]);
  });

  it("quotes every word so FTS5 syntax in a question is inert", () => {
    expect(keywordMatchExpression('copay NEAR(deductible) OR "x" col:y*')).toBe('"copay" OR "near" OR "deductible" OR "col"');
    expect(keywordMatchExpression("is it?")).toBeUndefined();
  });
});
