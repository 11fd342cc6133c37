import { describe, expect, it } from "vitest";
import { contentWords, keywordMatchExpression, phraseMatchExpression } from "@/lib/retrieval/keyword-query";

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

  it("leaves out words found in most passages while another word remains", () => {
    const isCommon = (word: string) => word === "northwind" || word === "plan";
    expect(keywordMatchExpression("Does the Northwind plan cover hospice care?", { isCommon })).toBe('"cover" OR "hospice" OR "care"');
    // Only common words: all of them, or the question would find nothing.
    expect(keywordMatchExpression("Northwind plan?", { isCommon })).toBe('"northwind" OR "plan"');
  });

  it("pairs adjacent content words into quoted phrases", () => {
    expect(phraseMatchExpression("What are the limits on clinical trials?")).toBe('"limits clinical" OR "clinical trials"');
    expect(phraseMatchExpression('copay NEAR(x) "y"')).toBe('"copay near"');
    expect(phraseMatchExpression("What is TMJ?")).toBeUndefined();
  });
});
