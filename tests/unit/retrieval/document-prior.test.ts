import { describe, expect, it } from "vitest";
import { documentPriors } from "@/lib/retrieval/document-prior";

const PASSAGES = new Map([
  ["apple", 100],
  ["amazon", 100],
  ["intel", 200],
]);

describe("documentPriors", () => {
  it("favours the document a concentrated word belongs to and ignores evenly spread words", () => {
    const priors = documentPriors({
      documentIds: ["apple", "amazon", "intel"],
      passagesPerDocument: PASSAGES,
      byWord: new Map([
        ["apple", new Map([["apple", 40]])],
        ["quarter", new Map([["apple", 20], ["amazon", 20], ["intel", 40]])],
      ]),
    });
    expect(priors.get("apple")).toBe(1);
    expect(priors.has("amazon")).toBe(false);
    expect(priors.has("intel")).toBe(false);
  });

  it("scales by rarity and lift, relative to the best document", () => {
    const priors = documentPriors({
      documentIds: ["apple", "amazon", "intel"],
      passagesPerDocument: PASSAGES,
      byWord: new Map([
        ["apple", new Map([["apple", 40]])],
        ["margin", new Map([["intel", 30], ["apple", 5]])],
      ]),
    });
    expect(priors.get("apple")).toBe(1);
    expect(priors.get("intel")).toBeGreaterThan(0);
    expect(priors.get("intel")).toBeLessThan(1);
  });

  it("does not let a word of one or two passages outweigh a word many passages concentrate on", () => {
    const priors = documentPriors({
      documentIds: ["apple", "amazon", "intel"],
      passagesPerDocument: PASSAGES,
      byWord: new Map([
        ["apple", new Map([["apple", 40]])],
        ["buyback", new Map([["intel", 1]])],
      ]),
    });
    expect(priors.get("apple")).toBe(1);
    expect(priors.get("intel")).toBeLessThan(0.2);
  });

  it("does nothing for one document, unknown words or documents without passages", () => {
    expect(documentPriors({ documentIds: ["apple"], passagesPerDocument: PASSAGES, byWord: new Map([["apple", new Map([["apple", 4]])]]) }).size).toBe(0);
    expect(documentPriors({ documentIds: ["apple", "amazon"], passagesPerDocument: PASSAGES, byWord: new Map([["zebra", new Map<string, number>()]]) }).size).toBe(0);
    expect(documentPriors({ documentIds: ["apple", "ghost"], passagesPerDocument: PASSAGES, byWord: new Map([["apple", new Map([["apple", 4]])]]) }).size).toBe(0);
  });
});
