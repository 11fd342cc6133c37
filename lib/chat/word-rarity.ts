import type { WordCounts } from "@/lib/storage/registry-types";

/**
 * How rare a word is in the library, from the keyword index: log((N + 1) / (n + 1)) / log(N + 1)
 * for a word in n of the N passages (the IDF, scaled to 0–1), so a word in every passage is 0
 * and a word the index lacks (a number, a new word) is 1. The counts come from the registry's
 * cached per-word counts. Feeds the extractive answerer's specificity (extractive-answerer.ts).
 */
export function libraryWordRarity(registry: WordCounts): (word: string) => number {
  const passages = registry.passageCount();
  const scale = Math.log(passages + 1);
  const rarities = new Map<string, number>();
  return (word) => {
    let rarity = rarities.get(word);
    if (rarity === undefined) {
      rarity = scale > 0 ? Math.max(0, Math.log((passages + 1) / (registry.passagesContaining(word) + 1)) / scale) : 1;
      rarities.set(word, rarity);
    }
    return rarity;
  };
}
