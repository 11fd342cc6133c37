import { contentWords } from "@/lib/retrieval/keyword-query";

/**
 * Document prior from titles. A question that names a document ("under Northwind Standard",
 * "Apple's 2023 Q3 10-Q") prefers that document's passages. Each searchable document gets the
 * IDF-weighted share of its distinctive title words (those not in every title) that the question
 * contains, 0–1, and its passages' fused scores are multiplied by 1 + TITLE_WEIGHT × that share.
 * With one document, or titles that share every word, nothing changes.
 */

/** Measured on northwind (docs/retrieval.md). */
export const TITLE_WEIGHT = 0.2;

/** The title match (0–1) of every document, keyed by document id. */
export function titleMatches(options: { query: string; titles: Map<string, string> }): Map<string, number> {
  const queryWords = new Set(contentWords(options.query));
  const titleWords = new Map([...options.titles].map(([id, title]) => [id, [...new Set(contentWords(title))]]));
  const frequency = new Map<string, number>();
  for (const words of titleWords.values()) for (const word of words) frequency.set(word, (frequency.get(word) ?? 0) + 1);
  const documents = titleWords.size;
  const matches = new Map<string, number>();
  for (const [id, words] of titleWords) {
    let total = 0;
    let found = 0;
    for (const word of words) {
      const weight = Math.log(documents / (frequency.get(word) ?? documents));
      total += weight;
      if (queryWords.has(word)) found += weight;
    }
    matches.set(id, total > 0 ? found / total : 0);
  }
  return matches;
}
