import { describe, expect, it } from "vitest";
import { libraryWordRarity } from "@/lib/chat/word-rarity";

describe("libraryWordRarity", () => {
  it("scales the IDF to 0–1: a word in every passage is 0, a missing word 1, and asks the index once per word", () => {
    const counts = new Map([
      ["plan", 99],
      ["cochlear", 1],
    ]);
    const asked: string[] = [];
    const rarity = libraryWordRarity({
      passageCount: () => 99,
      passagesContaining: (word) => {
        asked.push(word);
        return counts.get(word) ?? 0;
      },
    });
    expect(rarity("plan")).toBe(0);
    expect(rarity("zebrafish")).toBe(1);
    expect(rarity("cochlear")).toBeCloseTo(Math.log(100 / 2) / Math.log(100), 10);
    expect(rarity("plan")).toBe(0);
    expect(asked).toEqual(["plan", "zebrafish", "cochlear"]);
  });

  it("calls every word rare in an empty library", () => {
    const rarity = libraryWordRarity({ passageCount: () => 0, passagesContaining: () => 0 });
    expect(rarity("anything")).toBe(1);
  });
});
