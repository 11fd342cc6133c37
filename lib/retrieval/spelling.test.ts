import { describe, expect, it } from "vitest";
import { closestWord, correctQuery, editDistance, unknownWords } from "@/lib/retrieval/spelling";

const vocabulary = new Map([
  ["gender", 12],
  ["services", 40],
  ["hearing", 9],
  ["types", 3],
  ["tips", 30],
  ["health", 200],
  ["make", 50],
  ["action", 20],
  ["reimbursement", 7],
]);

describe("editDistance", () => {
  it("counts insertions, deletions, substitutions and swaps of neighbours", () => {
    expect(editDistance("gendr", "gender", 2)).toBe(1);
    expect(editDistance("servises", "services", 2)).toBe(1);
    expect(editDistance("shuold", "should", 2)).toBe(1);
    expect(editDistance("health", "health", 2)).toBe(0);
    expect(editDistance("reimbursment", "reimbursement", 2)).toBe(1);
  });

  it("stops early once the limit is passed", () => {
    expect(editDistance("vacation", "action", 1)).toBe(2);
    expect(editDistance("a", "abcdef", 2)).toBe(3);
  });
});

describe("closestWord", () => {
  it("finds the nearest known word with the same first letter", () => {
    expect(closestWord("gendr", vocabulary)).toBe("gender");
    expect(closestWord("helth", vocabulary)).toBe("health");
    expect(closestWord("hearin", vocabulary)).toBe("hearing");
  });

  it("prefers a word that only adds dropped letters over a more frequent substitution", () => {
    expect(closestWord("typs", vocabulary)).toBe("types");
  });

  it("leaves words alone that would need another first letter or too many edits", () => {
    expect(closestWord("bake", vocabulary)).toBeUndefined();
    expect(closestWord("vacation", vocabulary)).toBeUndefined();
    expect(closestWord("sourdough", vocabulary)).toBeUndefined();
  });
});

describe("unknownWords and correctQuery", () => {
  const known = (word: string) => (vocabulary.has(word) ? 1 : 0);

  it("only looks at long alphabetic content words that match no passage", () => {
    expect(unknownWords("Does the plan cover gendr affirming care in 2024?", (word) => (word === "gendr" || word === "affirming" ? 0 : 1))).toEqual(["gendr", "affirming"]);
    expect(unknownWords("What are the health services?", known)).toEqual([]);
  });

  it("replaces whole words whatever their case and reports what it changed", () => {
    const query = "What typs of Hearin care SERVISES are covered, and is gendr care?";
    const unknown = unknownWords(query, known);
    const result = correctQuery({ query, unknown, vocabulary });
    expect(result.query).toBe("What types of hearing care services are covered, and is gender care?");
    expect([...result.corrections]).toEqual([
      ["typs", "types"],
      ["hearin", "hearing"],
      ["servises", "services"],
      ["gendr", "gender"],
    ]);
  });

  it("returns the question unchanged when nothing is close", () => {
    const result = correctQuery({ query: "How do I bake sourdough bread?", unknown: ["bake", "sourdough", "bread"], vocabulary });
    expect(result.query).toBe("How do I bake sourdough bread?");
    expect(result.corrections.size).toBe(0);
  });
});
