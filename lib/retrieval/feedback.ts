import { contentWords } from "@/lib/retrieval/keyword-query";

/**
 * Pseudo-relevance feedback for the keyword retriever. A question names its topic in its own
 * words ("prior-authorization"), the pages that answer it in theirs ("approval", "medically
 * necessary", "request"). The passages ranked best by the first pass mostly are on the topic, so
 * the words they share that are rare in the library describe it; a second BM25 query with those
 * words finds the topic's other passages, and its scores join the question's own keyword scores
 * with FEEDBACK_WEIGHT (lib/retrieval/fusion.ts). Measured on northwind (MRR@10 +0.03) and
 * sec-10q (no change); docs/retrieval.md.
 */

/** Best first-pass passages the expansion words are taken from. */
export const FEEDBACK_PASSAGES = 3;
/** Expansion words added. */
export const FEEDBACK_WORDS = 3;
/** Weight of the expansion query's keyword scores relative to the question's own (1). */
export const FEEDBACK_WEIGHT = 0.5;
/**
 * Most passages an expansion word may occur in. Its keyword scores are read from FTS5 on first
 * use after every index change at ~1.3 µs per passage holding it: a word in 11,000 passages of a
 * 100,000-chunk library cost 15–33 ms of a search (docs/performance.md). Such a word is a weak
 * description of a topic anyway. No feedback word of northwind (1,213 passages) or sec-10q
 * (7,668) reaches the cap, so their rankings are unchanged.
 */
export const FEEDBACK_MAXIMUM_PASSAGES = 2_000;

// The best passages recur from question to question: their word sets are kept (bounded) by text.
const WORD_SET_CACHE_SIZE = 2_000;
const wordSetCache = new Map<string, Set<string>>();

function wordSet(text: string): Set<string> {
  const cached = wordSetCache.get(text);
  if (cached) return cached;
  const words = new Set(contentWords(text));
  if (wordSetCache.size >= WORD_SET_CACHE_SIZE) wordSetCache.clear();
  wordSetCache.set(text, words);
  return words;
}

/**
 * The expansion words: words of the feedback passages that are not the question's, ranked by
 * how many of the passages hold them times their IDF (ln((N + 1) / (passages containing + 0.5))).
 * Numbers and words of one or two letters are skipped; so are words the index does not hold and
 * words in more than `maximumPassages` passages.
 */
export function feedbackWords(options: {
  passages: string[];
  query: string;
  passagesContaining: (word: string) => number;
  totalPassages: number;
  limit?: number;
  maximumPassages?: number;
}): string[] {
  const maximumPassages = options.maximumPassages ?? FEEDBACK_MAXIMUM_PASSAGES;
  const queryWords = new Set(contentWords(options.query));
  const counts = new Map<string, number>();
  for (const text of options.passages) {
    for (const word of wordSet(text)) {
      if (queryWords.has(word) || word.length < 3 || /^\p{N}+$/u.test(word)) continue;
      counts.set(word, (counts.get(word) ?? 0) + 1);
    }
  }
  const scored: { word: string; score: number }[] = [];
  for (const [word, count] of counts) {
    const frequency = options.passagesContaining(word);
    if (frequency === 0 || frequency > maximumPassages) continue;
    scored.push({ word, score: count * Math.log((options.totalPassages + 1) / (frequency + 0.5)) });
  }
  return scored
    .sort((left, right) => right.score - left.score || left.word.localeCompare(right.word))
    .slice(0, options.limit ?? FEEDBACK_WORDS)
    .map((item) => item.word);
}
