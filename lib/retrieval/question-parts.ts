import { contentWords } from "@/lib/retrieval/keyword-query";

/**
 * Two-part questions ("How does prior authorization affect out-of-pocket costs, and what are the
 * copayments for in-network services?") ask for two things that are usually on different pages,
 * often in different sections. Searched as one text, the first part's section can fill the
 * whole top k and the second part's page is ranked below it. Each part is also searched alone, and its best page joins the
 * results (docs/retrieval.md, *Two-part questions*).
 */

// ", and what …", "; and how …", " and which …": a second question joined to the first. "and" alone
// ("in-network and out-of-network providers") joins words, not questions, so a question word
// must follow it.
const SECOND_QUESTION = /(?:,\s*|;\s*|\s+)and\s+(?=(?:what|how|which|who|whom|whose|when|where|why|are|is|does|do|can|should)\b)|(?<=\?)\s+(?=\S)/i;
/** A part needs this many content words to be searched alone: "and why?" is no question by itself. */
const MINIMUM_PART_CONTENT_WORDS = 2;
/** The whole question's best results stay first: it ranks the first part better than the part alone. */
export const WHOLE_QUESTION_LEAD = 2;

/** The parts of a question that asks two or more things, or [] when it asks one. */
export function questionParts(question: string): string[] {
  const parts = question
    .split(SECOND_QUESTION)
    .map((part) => part.trim())
    .filter((part) => contentWords(part).length >= MINIMUM_PART_CONTENT_WORDS);
  return parts.length > 1 ? parts : [];
}

/**
 * The results of a two-part question: the whole question's first `lead`, then each part's best
 * result unless it is already there, then the rest of the whole question's. An item whose keys
 * (the pages it stands for) are taken is skipped, so near-duplicates grouped in one list do not
 * come back from another.
 */
export function mergePartResults<Item>(options: { whole: Item[]; parts: Item[][]; keys: (item: Item) => string[]; limit: number; lead?: number }): Item[] {
  const lead = options.lead ?? WHOLE_QUESTION_LEAD;
  const merged: Item[] = [];
  const taken = new Set<string>();
  const add = (item: Item): boolean => {
    const keys = options.keys(item);
    if (merged.length >= options.limit || keys.some((key) => taken.has(key))) return false;
    for (const key of keys) taken.add(key);
    merged.push(item);
    return true;
  };
  for (const item of options.whole.slice(0, lead)) add(item);
  // A part whose best result is already listed is answered there; its runners-up would only
  // crowd out the whole question's own results.
  for (const part of options.parts) {
    const [best] = part;
    if (best !== undefined) add(best);
  }
  for (const item of options.whole.slice(lead)) add(item);
  return merged;
}

/**
 * The question's content words that the given text (the best results' pages) does not mention,
 * leaving out `ignored` words (document titles and names, which every page of a document stands
 * for). "How does the prior authorization process affect the coinsurance responsibilities …?"
 * finds prior-authorization pages that never say "coinsurance": the words left over name the
 * question's other topic, and a search for them finds its page. A word counts as mentioned when
 * the text holds its first letters (all but the last three, at least five), so "responsibilities"
 * is mentioned by "responsibility" and "covered" by "coverage", while "therapy" is not by "other".
 */
export function uncoveredWords(options: { question: string; text: string; ignored: Set<string> }): string[] {
  const text = options.text.toLowerCase();
  return contentWords(options.question).filter(
    (word) => word.length >= MINIMUM_UNCOVERED_LENGTH && !/\d/.test(word) && !options.ignored.has(word) && !text.includes(word.slice(0, Math.max(5, word.length - 3))),
  );
}

/** Shorter words ("pdf", "use") are too general to search alone. */
const MINIMUM_UNCOVERED_LENGTH = 4;
