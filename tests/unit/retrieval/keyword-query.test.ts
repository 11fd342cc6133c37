import { describe, expect, it } from "vitest";
import { contentWords, keywordTerms, phraseTerms } from "@/lib/retrieval/keyword-query";

describe("keyword queries", () => {
  it("keeps content words, lower-cased and de-duplicated, cut like FTS5's unicode61", () => {
    expect(contentWords("What is in-network mean for Northwind Health? Northwind's plan")).toEqual(["network", "mean", "northwind", "health", "plan"]);
    expect(contentWords("Café résumé")).toEqual(["cafe", "resume"]);
    expect(contentWords("What is it?")).toEqual([]);
  });

  it("keeps only words, so FTS5 syntax in a question is inert", () => {
    expect(keywordTerms('copay NEAR(deductible) OR "x" col:y*')).toEqual(["copay", "near", "deductible", "col"]);
    expect(keywordTerms("is it?")).toBeUndefined();
  });

  it("leaves out words found in most passages while another word remains", () => {
    const isCommon = (word: string) => word === "northwind" || word === "plan";
    expect(keywordTerms("Does the Northwind plan cover hospice care?", { isCommon })).toEqual(["cover", "hospice", "care"]);
    // Only common words: all of them, or the question would find nothing.
    expect(keywordTerms("Northwind plan?", { isCommon })).toEqual(["northwind", "plan"]);
  });

  it("pairs adjacent content words into phrases", () => {
    expect(phraseTerms("What are the limits on clinical trials?")).toEqual(["limits clinical", "clinical trials"]);
    expect(phraseTerms('copay NEAR(x) "y"')).toEqual(["copay near"]);
    expect(phraseTerms("What is TMJ?")).toBeUndefined();
  });
});
