import type { ChatSourceData } from "@/lib/chat/types";
import { splitSentences } from "@/lib/text/sentences";

/**
 * The answerer used when no language model is configured. It quotes the sentences of the
 * retrieved passages that best answer the question: ranked by embedding similarity to the
 * question (plus a little keyword overlap), made diverse with maximal marginal relevance so
 * near-repeats are skipped, then put back in reading order (by source, then position), each
 * followed by its citation.
 */

export const EXTRACTIVE_NOTE =
  "_Extractive answer: no language model is configured, so these are the most relevant sentences quoted from your documents._";

export interface ExtractedSentence {
  text: string;
  sourceIndex: number;
  /** Character offset of the sentence in its source passage. */
  start: number;
  score: number;
}

export interface ExtractiveOptions {
  question: string;
  sources: ChatSourceData[];
  embed: (texts: string[]) => Promise<number[][]>;
  maximumSentences?: number;
}

const MINIMUM_WORDS = 4;
const MAXIMUM_CHARACTERS = 600;
const DIVERSITY_WEIGHT = 0.3;
/**
 * The least score (cosine similarity to the question plus keyword overlap) a sentence needs to be
 * quoted at all, whatever the others score. A source can clear the search threshold on its
 * passage's title and section context while none of its sentences is about the question; a
 * sentence under this says nothing the question asked, and with none above it the answer is "no
 * relevant sources" (northwind: every answerable question's best sentence scores 0.70 or more,
 * the one unanswerable question that reached the chat 0.28; 0.35–0.45 measured alike).
 */
export const MINIMUM_SENTENCE_SCORE = 0.4;
const STOP_WORDS = new Set(
  "a an the and or but of to in on at for with by from is are was were be been being do does did what which who whom whose how when where why can could should would will shall may might must i you he she it we they my your our their this that these those there here as if than then so not no yes any all some".split(" "),
);

/** A sentence worth quoting as part of an answer: not a heading, a question or a fragment. */
export function isQuotable(text: string): boolean {
  const words = text.split(" ").length;
  if (words < MINIMUM_WORDS || text.length > MAXIMUM_CHARACTERS) return false;
  // Questions in the documents (FAQ headings) restate the question rather than answer it.
  if (/\?["'”’)]*$/.test(text)) return false;
  // Headings and table fragments lack terminal punctuation; long unpunctuated runs may still be prose.
  if (!/[.!;:)"”’]$/.test(text) && words < 12) return false;
  // A first word in lower case ("objectives for Contoso Electronics.") is the tail of a sentence
  // cut at a chunk or page boundary: quoted alone it says nothing. "iPhone" or "eBay" stay.
  if (/^\p{Ll}+(?![\p{L}\p{N}])/u.test(text)) return false;
  return true;
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

/** Picks the sentences to quote, in reading order. */
export async function selectAnswerSentences(options: ExtractiveOptions): Promise<ExtractedSentence[]> {
  const maximum = options.maximumSentences ?? 5;
  const candidates: { text: string; sourceIndex: number; start: number; rank: number }[] = [];
  for (const [rank, source] of options.sources.entries()) {
    for (const sentence of splitSentences(source.text)) {
      const text = sentence.text.replace(/\s+/g, " ").trim();
      if (!isQuotable(text)) continue;
      candidates.push({ text, sourceIndex: source.index, start: sentence.start, rank });
    }
  }
  if (candidates.length === 0) return [];
  const questionWords = keywords(options.question);
  const shortlisted = shortlistCandidates({ candidates, questionWords });

  const [questionVector, ...sentenceVectors] = await options.embed([options.question, ...shortlisted.map((candidate) => candidate.text)]);
  if (!questionVector) return [];
  const scored = shortlisted.map((candidate, index) => {
    const vector = sentenceVectors[index] ?? [];
    const words = keywords(candidate.text);
    const overlap = questionWords.size === 0 ? 0 : [...questionWords].filter((word) => words.has(word)).length / questionWords.size;
    // Retrieval rank is a prior: the search already judged the passage as a whole.
    const score = dot(questionVector, vector) + 0.15 * overlap - 0.01 * candidate.rank;
    return { ...candidate, vector, score };
  });

  const best = Math.max(...scored.map((candidate) => candidate.score));
  // Sentences far weaker than the best are noise, not part of the answer.
  const floor = Math.max(MINIMUM_SENTENCE_SCORE, best * 0.6);
  const pool = scored.filter((candidate) => candidate.score >= floor);
  const selected: typeof pool = [];
  // Every source the search kept gets its best sentence first, in retrieval order: each source is
  // one page, and the page holding the answer is often not the top-ranked one, so an answer that
  // quotes several sentences of one page misses it.
  for (const source of options.sources) {
    if (selected.length >= maximum) break;
    let bestIndex = -1;
    for (const [index, candidate] of pool.entries()) {
      if (candidate.sourceIndex !== source.index) continue;
      if (bestIndex < 0 || candidate.score > (pool[bestIndex]?.score ?? -Infinity)) bestIndex = index;
    }
    const [chosen] = bestIndex >= 0 ? pool.splice(bestIndex, 1) : [];
    if (chosen && !selected.some((item) => dot(item.vector, chosen.vector) > 0.95)) selected.push(chosen);
  }
  while (selected.length < maximum && pool.length > 0) {
    let bestIndex = 0;
    let bestValue = -Infinity;
    for (const [index, candidate] of pool.entries()) {
      const redundancy = selected.length === 0 ? 0 : Math.max(...selected.map((chosen) => dot(chosen.vector, candidate.vector)));
      const value = (1 - DIVERSITY_WEIGHT) * candidate.score - DIVERSITY_WEIGHT * redundancy;
      if (value > bestValue) {
        bestValue = value;
        bestIndex = index;
      }
    }
    const [chosen] = pool.splice(bestIndex, 1);
    if (!chosen) break;
    // Near-duplicates (the same sentence on two pages or in two documents) are skipped.
    if (selected.some((item) => dot(item.vector, chosen.vector) > 0.95)) continue;
    selected.push(chosen);
  }

  const sourceOrder = new Map(options.sources.map((source, position) => [source.index, position]));
  return selected
    .sort((left, right) => (sourceOrder.get(left.sourceIndex) ?? 0) - (sourceOrder.get(right.sourceIndex) ?? 0) || left.start - right.start)
    .map(({ text, sourceIndex, start, score }) => ({ text, sourceIndex, start, score }));
}

// A document's own reference markers ("[12]", "[3, 4]", "[1–3]") read as citations of the answer's
// sources once quoted, and would point at the wrong source: they are dropped from the quote.
const REFERENCE_MARKER = /\s*\[\d+(?:\s*[,–-]\s*\d+)*\]/g;

/** Renders selected sentences as Markdown lines, each with its citation. */
export function renderExtractiveAnswer(sentences: ExtractedSentence[]): string[] {
  return sentences.map((sentence) => `${sentence.text.replace(REFERENCE_MARKER, "")} [${sentence.sourceIndex}]`);
}
