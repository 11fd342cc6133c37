/**
 * Builds the retrieval query for the latest user turn. A follow-up ("and for dependents?")
 * means little alone, so without a language model to rewrite it, recent user turns are
 * combined: the latest question first (it matters most), then the earlier ones it may refer to.
 */

const FOLLOW_UP_START = /^(and|or|but|also|what about|how about|and what|what if|same for|then|so)\b/i;
const REFERRING_WORDS = /\b(it|its|they|them|their|this|that|these|those|there|he|she|his|her|one|ones|same|above|previous)\b/i;
const SHORT_QUESTION_WORDS = 6;
const MAXIMUM_EARLIER_TURNS = 2;

/** True when a question probably depends on earlier turns. */
export function looksLikeFollowUp(question: string): boolean {
  const words = question.trim().split(/\s+/).filter(Boolean);
  return words.length <= SHORT_QUESTION_WORDS || FOLLOW_UP_START.test(question.trim()) || REFERRING_WORDS.test(question);
}

/** The search query for the last of `userTurns` (oldest first). */
export function buildSearchQuery(userTurns: string[]): string {
  const turns = userTurns.map((turn) => turn.trim()).filter(Boolean);
  const latest = turns[turns.length - 1];
  if (latest === undefined) return "";
  if (turns.length === 1 || !looksLikeFollowUp(latest)) return latest;
  const earlier = turns.slice(-1 - MAXIMUM_EARLIER_TURNS, -1).reverse();
  return [latest, ...earlier].join("\n");
}

/**
 * How the chat searches beyond the search API's defaults: an answer needs evidence for every part
 * of the question, which is worth one to three more searches here (lib/retrieval/search.ts).
 */
export const CHAT_SEARCH_OPTIONS = { coverEveryPart: true } as const;
