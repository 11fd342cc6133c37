import type { ChatSourceData } from "@/lib/contracts/chat-message";
import { isQuotable, quotableUnits } from "@/lib/chat/quotable-units";

/**
 * The answerer used when no language model is configured. It quotes the sentences of the
 * retrieved passages that best answer the question: ranked by embedding similarity to the
 * question (plus a little keyword overlap, a bonus for stating a number when the question asks
 * for an amount, and the rarity of the words it adds to the question's), made diverse with
 * maximal marginal relevance so near-repeats are skipped, in reading order (sources in retrieval
 * order, each source's sentences by position), each followed by its citation, and streamed source
 * by source.
 */

export const EXTRACTIVE_NOTE = "_Extractive answer: no language model is configured, so these are the most relevant sentences quoted from your documents._";

/**
 * The extractive answer when its sources passed the threshold but none of their sentences is
 * close enough to quote ("What does the travel policy say?" finds the policy, whose sentences
 * each answer something narrower): the sources are shown, so "not in the documents" would be wrong.
 */
export const NOTHING_QUOTED_TEXT = "No single sentence of the sources below answers this closely enough to quote; open them to read the passages.";

export interface ExtractedSentence {
  text: string;
  sourceIndex: number;
  /** Character offset of the sentence in its source passage. */
  start: number;
  score: number;
  /** How closely the sentence itself answers the question (cosine plus keyword overlap), without the ranking bonuses. */
  relevance: number;
}

export interface ExtractiveOptions {
  question: string;
  sources: ChatSourceData[];
  embed: (texts: string[]) => Promise<number[][]>;
  maximumSentences?: number;
  /**
   * How rare a word is in the library, 0 (in every passage) to 1 (nowhere): a sentence whose own
   * words are rare says something specific; filler ("If you have any questions, please contact
   * us") is made of common ones. Without it, sentences are not scored on specificity.
   */
  wordRarity?: (word: string) => number;
}

const DIVERSITY_WEIGHT = 0.3;
/**
 * The least score (cosine similarity to the question plus keyword overlap) a sentence needs to be
 * quoted at all, whatever the others score. A source can clear the search threshold on its
 * passage's title and section context while none of its sentences is about the question; a
 * sentence under this says nothing the question asked, and with none above it the answer is "no
 * relevant sources" (how the floor was chosen: docs/retrieval.md, *Citations round*).
 */
export const MINIMUM_SENTENCE_SCORE = 0.4;
const STOP_WORDS = new Set(
  "a an the and or but of to in on at for with by from is are was were be been being do does did what which who whom whose how when where why can could should would will shall may might must i you he she it we they my your our their this that these those there here as if than then so not no yes any all some".split(
    " ",
  ),
);

/**
 * A question asking for an amount, a count, a rate, a time or a date. Its answer is a sentence
 * stating one, but the model scores restatements higher: for "what is copay for Northwind Health
 * Plus?", "When using Northwind Health Plus, you may be responsible for a copayment (or copay)
 * for certain services." beats "The copayment for primary care visits is typically around $20,
 * while specialist visits have a copayment of around $50." A "when" asks for a time only as the
 * question's first word: inside one it joins clauses ("… coordinated correctly when using an
 * in-network provider").
 */
const QUANTITY_QUESTION =
  /\b(how (much|many|long|often|old|soon|far|large|big)|amounts?|costs?|co-?pays?|co-?payments?|co-?insurance|deductibles?|maximums?|minimums?|limits?|fees?|prices?|rates?|percent(age)?s?|premiums?|salar(y|ies)|wages?|numbers? of|totals?|revenues?|sales|income|margins?|earnings|expenses|dates?|deadlines?|what (year|time|day|month)|by when|until when)\b|^\s*when\b/i;
/**
 * What a sentence stating a number adds to its score when the question asks for one. Measured
 * over 0–0.3 (docs/retrieval.md, *Answer content*): 0.2 raised the answers' share of the
 * reference numbers with the citations unchanged; more cost a cited page.
 */
export const STATED_NUMBER_BONUS = 0.2;
/**
 * Weight of a sentence's specificity (the mean rarity of its words the question lacks, 0–1).
 * Measured over 0.1–0.8 (docs/retrieval.md, *Answer content*): 0.4 raised the answers' share of
 * the reference numbers with everything else unchanged; "What types of hearing care services are covered?" then quotes the list of hearing
 * services instead of "If you have any questions about … hearing care, please contact us."
 */
export const SPECIFICITY_WEIGHT = 0.4;

/**
 * Weight of the share of the question's distinguishing (rare) words a sentence holds
 * (`distinguishingShare`), a ranking bonus like the others: measured on the dev splits
 * (docs/retrieval.md, *Answer content*).
 */
export const DISTINGUISHING_WEIGHT = 0.2;

/** True when `question` asks for a quantity, a time or a date. */
export function asksForQuantity(question: string): boolean {
  return QUANTITY_QUESTION.test(question);
}

function dot(left: number[], right: number[]): number {
  let sum = 0;
  for (let index = 0; index < left.length; index += 1) sum += (left[index] ?? 0) * (right[index] ?? 0);
  return sum;
}

function keywords(text: string): Set<string> {
  return new Set(
    text
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter((word) => word.length > 2 && !STOP_WORDS.has(word)),
  );
}

/** Sentences embedded per answer at most; five page-long sources hold about 200. */
const MAXIMUM_CANDIDATES = 60;
/** Each source keeps this many of its sentences in the shortlist, whatever the others score. */
const CANDIDATES_PER_SOURCE = 8;

/**
 * Embedding every sentence of five sources was most of an extractive answer's cost. The
 * shortlist keeps the sentences sharing the most words with the question: each source's best
 * few (the answer quotes every source), then the best of the rest, in their original order.
 */
function shortlistCandidates<Candidate extends { text: string; rank: number }>(options: { candidates: Candidate[]; questionWords: Set<string> }): Candidate[] {
  if (options.candidates.length <= MAXIMUM_CANDIDATES) return options.candidates;
  const overlap = options.candidates.map((candidate) => {
    const words = keywords(candidate.text);
    let shared = 0;
    for (const word of options.questionWords) if (words.has(word)) shared += 1;
    return shared;
  });
  const byOverlap = options.candidates.map((_, index) => index).sort((left, right) => (overlap[right] ?? 0) - (overlap[left] ?? 0) || left - right);
  const kept = new Set<number>();
  const perSource = new Map<number, number>();
  for (const index of byOverlap) {
    const rank = options.candidates[index]?.rank ?? 0;
    if ((perSource.get(rank) ?? 0) >= CANDIDATES_PER_SOURCE) continue;
    perSource.set(rank, (perSource.get(rank) ?? 0) + 1);
    kept.add(index);
  }
  for (const index of byOverlap) {
    if (kept.size >= MAXIMUM_CANDIDATES) break;
    kept.add(index);
  }
  return options.candidates.filter((_, index) => kept.has(index));
}

/** Mean rarity of a sentence's words that the question does not already hold (0 when it has none). */
function specificity(options: { words: Set<string>; questionWords: Set<string>; wordRarity: (word: string) => number }): number {
  let sum = 0;
  let count = 0;
  for (const word of options.words) {
    if (options.questionWords.has(word)) continue;
    sum += options.wordRarity(word);
    count += 1;
  }
  return count === 0 ? 0 : sum / count;
}

/**
 * The share of the question's rarity a sentence holds: each question word weighs its rarity in
 * the library, so "specialty" and "drugs" count far more than "plan" or "Northwind" in "Which of
 * the two Northwind plans covers specialty drugs?", and the sentence naming specialty drugs beats
 * four about the plans in general.
 */
function distinguishingShare(options: { words: Set<string>; questionWords: Set<string>; wordRarity: (word: string) => number }): number {
  let held = 0;
  let total = 0;
  for (const word of options.questionWords) {
    const rarity = options.wordRarity(word);
    total += rarity;
    if (options.words.has(word)) held += rarity;
  }
  return total === 0 ? 0 : held / total;
}

interface ScoredCandidate {
  text: string;
  sourceIndex: number;
  start: number;
  rank: number;
  vector: number[];
  relevance: number;
  score: number;
}

/**
 * Streams the sentences to quote, source by source in retrieval order, each source's sentences in
 * reading order. A source's sentences are embedded only after those of the sources before it,
 * so the first quote is sent as soon as the first source is scored instead of after all of them
 * (docs/performance.md, *The first quote*).
 *
 * Every source may quote up to its share of the slots left (so each source gets a turn, and a
 * source without a good sentence leaves its share to the ones after it); within a source, maximal
 * marginal relevance picks the sentences. The floor rises with the best score seen so far.
 */
export async function* streamAnswerSentences(options: ExtractiveOptions): AsyncGenerator<ExtractedSentence> {
  const maximum = options.maximumSentences ?? 5;
  const candidates: { text: string; sourceIndex: number; start: number; rank: number }[] = [];
  for (const [rank, source] of options.sources.entries()) {
    for (const unit of quotableUnits(source.text)) {
      if (!isQuotable(unit.text)) continue;
      candidates.push({ text: unit.text, sourceIndex: source.index, start: unit.start, rank });
    }
  }
  if (candidates.length === 0) return;
  const questionWords = keywords(options.question);
  const numberBonus = asksForQuantity(options.question) ? STATED_NUMBER_BONUS : 0;
  const shortlisted = shortlistCandidates({ candidates, questionWords });
  const bySource = options.sources.map((_, rank) => shortlisted.filter((candidate) => candidate.rank === rank));
  const ranks = bySource.flatMap((list, rank) => (list.length > 0 ? [rank] : []));

  // The question travels with the first source's sentences; each later source is embedded while
  // the one before it is being quoted.
  const firstRank = ranks[0] ?? 0;
  const embedSource = (rank: number, withQuestion: boolean) => {
    const texts = (bySource[rank] ?? []).map((candidate) => candidate.text);
    const pending = options.embed(withQuestion ? [options.question, ...texts] : texts);
    // Abandoned when the reader stops early: its failure must not surface as unhandled.
    pending.catch(() => undefined);
    return pending;
  };
  let pending: Promise<number[][]> | undefined = embedSource(firstRank, true);
  let questionVector: number[] | undefined;
  let best = -Infinity;
  const selected: ScoredCandidate[] = [];
  for (const [position, rank] of ranks.entries()) {
    const vectors: number[][] = await (pending ?? Promise.resolve([]));
    const nextRank = ranks[position + 1];
    pending = nextRank === undefined || selected.length >= maximum ? undefined : embedSource(nextRank, false);
    if (position === 0) questionVector = vectors.shift();
    if (!questionVector) return;
    const question = questionVector;
    const scored = (bySource[rank] ?? []).map((candidate, index): ScoredCandidate => {
      const vector = vectors[index] ?? [];
      const words = keywords(candidate.text);
      const overlap = questionWords.size === 0 ? 0 : [...questionWords].filter((word) => words.has(word)).length / questionWords.size;
      // Retrieval rank is a prior: the search already judged the passage as a whole.
      const relevance = dot(question, vector) + 0.15 * overlap - 0.01 * candidate.rank;
      const rarityBonus = options.wordRarity
        ? SPECIFICITY_WEIGHT * specificity({ words, questionWords, wordRarity: options.wordRarity }) +
          DISTINGUISHING_WEIGHT * distinguishingShare({ words, questionWords, wordRarity: options.wordRarity })
        : 0;
      const score = relevance + (numberBonus > 0 && /\d/.test(candidate.text) ? numberBonus : 0) + rarityBonus;
      return { text: candidate.text, sourceIndex: candidate.sourceIndex, start: candidate.start, rank: candidate.rank, vector, relevance, score };
    });
    for (const candidate of scored) best = Math.max(best, candidate.score);
    // Sentences far weaker than the best are noise, not part of the answer.
    const floor = Math.max(MINIMUM_SENTENCE_SCORE, best * 0.6);
    // The bonuses rank sentences; only relevance makes one quotable, so that a specific sentence
    // about something else cannot turn a "no relevant sources" into an answer.
    const pool = scored.filter((candidate) => candidate.score >= floor && candidate.relevance >= MINIMUM_SENTENCE_SCORE);
    const share = Math.ceil((maximum - selected.length) / (ranks.length - position));
    const chosen: ScoredCandidate[] = [];
    while (chosen.length < share && pool.length > 0) {
      let bestIndex = 0;
      let bestValue = -Infinity;
      for (const [index, candidate] of pool.entries()) {
        const redundancy = chosen.length === 0 ? 0 : Math.max(...chosen.map((item) => dot(item.vector, candidate.vector)));
        const value = (1 - DIVERSITY_WEIGHT) * candidate.score - DIVERSITY_WEIGHT * redundancy;
        if (value > bestValue) {
          bestValue = value;
          bestIndex = index;
        }
      }
      const [candidate] = pool.splice(bestIndex, 1);
      if (!candidate) break;
      // Near-duplicates (the same sentence on two pages or in two documents) are skipped.
      if ([...selected, ...chosen].some((item) => dot(item.vector, candidate.vector) > 0.95)) continue;
      chosen.push(candidate);
    }
    selected.push(...chosen);
    for (const { text, sourceIndex, start, score, relevance } of chosen.sort((left, right) => left.start - right.start)) yield { text, sourceIndex, start, score, relevance };
    if (selected.length >= maximum) return;
  }
}

/** Picks the sentences to quote, in the order streamAnswerSentences sends them. */
export async function selectAnswerSentences(options: ExtractiveOptions): Promise<ExtractedSentence[]> {
  const sentences: ExtractedSentence[] = [];
  for await (const sentence of streamAnswerSentences(options)) sentences.push(sentence);
  return sentences;
}

// A document's own reference markers ("[12]", "[3, 4]", "[1–3]") read as citations of the answer's
// sources once quoted, and would point at the wrong source: they are dropped from the quote.
const REFERENCE_MARKER = /\s*\[\d+(?:\s*[,–-]\s*\d+)*\]/g;

/** Renders one selected sentence as a Markdown line with its citation. */
export function renderExtractiveLine(sentence: ExtractedSentence): string {
  return `${sentence.text.replace(REFERENCE_MARKER, "")} [${sentence.sourceIndex}]`;
}

/** Renders selected sentences as Markdown lines, each with its citation. */
export function renderExtractiveAnswer(sentences: ExtractedSentence[]): string[] {
  return sentences.map(renderExtractiveLine);
}
