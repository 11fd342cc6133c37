import { describe, expect, it } from "vitest";
import { contentWords, joinedCompoundTerms, keywordTerms } from "@/lib/retrieval/keyword-query";

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

  it("adds the closed-up form of a hyphenated word when the library writes it so", () => {
    const indexed = new Set(["preauthorization", "outofnetwork"]);
    const isIndexed = (word: string) => indexed.has(word);
    expect(joinedCompoundTerms("What needs pre-authorization or Pre-Authorization for out-of-network care?", isIndexed)).toEqual(["preauthorization", "outofnetwork"]);
    // Unknown closed forms add nothing: "co-pay" stays two words when no passage says "copay".
    expect(joinedCompoundTerms("What is the co-pay?", isIndexed)).toEqual([]);
    expect(joinedCompoundTerms("No compounds here", () => true)).toEqual([]);
  });
});
