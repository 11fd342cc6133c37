import { contentWords } from "@/lib/retrieval/keyword-query";

/**
 * What a document calls itself. Passages are indexed with their document's title, so a
 * question's words that are in the title count towards a passage's keyword coverage (the
 * relevance score, lib/retrieval/relevance.ts). Titles are often file names, though ("2023 Q3
 * AAPL"), and the name a question uses ("Apple") is on the cover: the first page says "Apple
 * Inc.". A document's name words are the words of its title, file name and first page that
 * name few documents: those in fewer than half of the library's names, so a company name
 * shared by every document ("Contoso Electronics" on each booklet's cover) names none. A
 * question's words among a document's name words count as covered by each of its passages, and
 * tell which documents a question names (`nameMatches`, lib/retrieval/named-documents.ts).
 */

// Words of each name text, kept across queries: covers change only when documents are indexed.
const wordCache = new Map<string, ReadonlySet<string>>();
const WORD_CACHE_ENTRIES = 10_000;

function wordsOfName(name: string): ReadonlySet<string> {
  let words = wordCache.get(name);
  if (!words) {
    words = new Set(contentWords(name));
    if (wordCache.size >= WORD_CACHE_ENTRIES) wordCache.clear();
    wordCache.set(name, words);
  }
  return words;
}

/** The distinctive name words of every document, keyed by document id. */
export function documentNameWords(names: Map<string, string>): Map<string, ReadonlySet<string>> {
  const wordsOf = new Map([...names].map(([id, name]) => [id, wordsOfName(name)]));
  const frequency = new Map<string, number>();
  for (const words of wordsOf.values()) for (const word of words) frequency.set(word, (frequency.get(word) ?? 0) + 1);
  const result = new Map<string, ReadonlySet<string>>();
  for (const [id, words] of wordsOf) {
    result.set(id, new Set([...words].filter((word) => (frequency.get(word) ?? 0) * 2 < wordsOf.size)));
  }
  return result;
}

// Search passes the same name-word map query after query until the documents change (it is
// cached by their covers): count its words once per map, not once per query (counting every
// document's covers each time grew with the library).
const frequencyByNameWords = new WeakMap<Map<string, ReadonlySet<string>>, Map<string, number>>();

/** In how many documents' name words each word is; treat as read-only. */
function nameWordFrequency(nameWords: Map<string, ReadonlySet<string>>): Map<string, number> {
  let frequency = frequencyByNameWords.get(nameWords);
  if (!frequency) {
    frequency = new Map<string, number>();
    for (const words of nameWords.values()) for (const word of words) frequency.set(word, (frequency.get(word) ?? 0) + 1);
    frequencyByNameWords.set(nameWords, frequency);
  }
  return frequency;
}

/**
 * How strongly a question names each document (0–1, relative to the best document): the
 * IDF-weighted sum, over the library's names, of the question's words among the document's
 * name words. "Amazon's Q1 2023 10-Q" names the Amazon filing of that quarter most, Amazon's
 * other filings and other companies' Q1 2023 filings half as much.
 */
export function nameMatches(options: { query: string; nameWords: Map<string, ReadonlySet<string>> }): Map<string, number> {
  const documents = options.nameWords.size;
  const frequency = nameWordFrequency(options.nameWords);
  const queryWords = contentWords(options.query);
  const scores = new Map<string, number>();
  for (const [id, words] of options.nameWords) {
    let score = 0;
    for (const word of queryWords) if (words.has(word)) score += Math.log(documents / (frequency.get(word) ?? documents));
    if (score > 0) scores.set(id, score);
  }
  const best = Math.max(0, ...scores.values());
  for (const [id, score] of scores) scores.set(id, score / best);
  return scores;
}
