import { matchesAnyGlob, type EvaluationQuestion } from "@/lib/evaluation/questions";
import { answerFactRecall, answerWordRecall } from "@/lib/evaluation/answer-recall";
import { percentile } from "@/lib/util/percentile";

/**
 * Retrieval and answer metrics of the evaluation harness, as pure functions:
 * - hit@k: a gold location is among the first k results. At page level a result hits only
 *   when its attributed `page` is a gold page of the gold file (a chunk spanning the gold page
 *   does not count); at document level when its document matches a gold glob.
 * - MRR@10: mean of 1/rank of the first hit within the first 10 results (0 when none).
 * - Citation match: the share of gold `file#page` (or gold documents) found among the pages the
 *   answer cites; an answer citing more than `MAXIMUM_CITED_PAGES` pages scores 0, so citing
 *   everything cannot game it.
 * - Cited pages in gold documents: the share of an answer's cited pages that lie in a document
 *   the question is about (a gold file or glob): an answer about Amazon quoting NVIDIA's filing
 *   scores less, whatever its citation match.
 * - Unanswerable: the share of unanswerable questions answered with "no relevant sources".
 * - Answer word recall: the share of the reference answer's content words that the answer's quoted
 *   sentences contain (ROUGE-1 recall without stop words). The answer is at most five sentences,
 *   so quoting more cannot game it. Reference answers are paraphrases: the figure compares
 *   answerers on the same questions, it is not an accuracy.
 * - Answer fact recall: over the questions whose reference answer holds numbers (amounts, rates,
 *   counts, dates), the share of those numbers the answer quotes.
 * - hit@1 and hit@k one page off (diagnosis, page level only): as hit@k, but a page next to a gold
 *   page counts too. Sets written by a question generator name the page where its text window
 *   began, often the page before the one that says it (docs/retrieval.md, *Where the misses
 *   are*); the gap between the two figures is that ambiguity, not a wrong part of the library.
 */

export const MAXIMUM_CITED_PAGES = 5;
export const MRR_DEPTH = 10;

export interface RankedLocation {
  documentName: string;
  page: number | null;
  pageStart: number | null;
  pageEnd: number | null;
  /** The result's relevance score (absent where the ranking has none, as in the naive recipe). */
  score?: number;
}

export interface CitedLocation {
  documentName: string;
  page: number | null;
}

export interface QuestionOutcome {
  question: EvaluationQuestion;
  /**
   * Search results at the configured threshold, best first: the first k are a top-k search's
   * results, the rest (to MRR_DEPTH) continue from a deeper search.
   */
  ranked: RankedLocation[];
  /** The top-k search with threshold 0, to measure what the threshold costs. */
  rankedWithoutThreshold: RankedLocation[];
  /** The pages the extractive answer cites (one per cited source). */
  cited: CitedLocation[];
  /** False when the chat would answer "no relevant sources". */
  answered: boolean;
  /** The answer's quoted sentences, joined (empty when not answered or the chat was skipped). */
  answerText: string;
  /** The best relevance of a quoted sentence (absent when nothing was quoted). */
  answerRelevance?: number;
  searchMilliseconds: number;
}

export interface EvaluationSummary {
  level: "page" | "document" | "mixed";
  topK: number;
  answerable: number;
  unanswerable: number;
  hitAt1: number;
  hitAtK: number;
  mrrAt10: number;
  hitAtKWithoutThreshold: number;
  /** hit@1 and hit@k when a page next to a gold page counts too (diagnosis; equal to the strict figures at document level). */
  hitAt1OnePageOff: number;
  hitAtKOnePageOff: number;
  /** Relative share of hit@k lost to the threshold: (without − with) / without. */
  thresholdLoss: number;
  /** Pages a result is attributed to, on average (1 when every result names one page). */
  pagesPerResult: number;
  /** Pages the cited chunks span, on average (context: how wide the citation units are). */
  chunkPagesPerResult: number;
  citationMatch: number;
  /** Mean share of an answer's cited pages in the question's gold documents, over answered answerable questions. */
  citedInGoldDocuments: number;
  answersOverCitationLimit: number;
  /** Share of unanswerable questions answered "no relevant sources" (NaN without any). */
  unanswerableRejected: number;
  /** Share of answerable questions that got an answer. */
  answerableAnswered: number;
  /** Mean answer word recall over answerable questions with a reference answer (NaN without any). */
  answerWordRecall: number;
  /** Mean answer fact recall over answerable questions whose reference answer holds numbers. */
  answerFactRecall: number;
  /** How many questions answerFactRecall is over. */
  answersWithFacts: number;
  latencyP50: number;
  latencyP95: number;
}

/** True when a result location satisfies the question's gold. */
export function isHit(question: EvaluationQuestion, location: { documentName: string; page: number | null }): boolean {
  if (question.level === "document") return matchesAnyGlob(location.documentName, question.goldDocuments);
  return question.goldPages.some((gold) => gold.file === location.documentName && gold.page === location.page);
}

/** True when a result is a gold location or, at page level, on a page next to a gold page. */
export function isHitOnePageOff(question: EvaluationQuestion, location: { documentName: string; page: number | null }): boolean {
  if (isHit(question, location)) return true;
  const page = location.page;
  return question.level === "page" && page !== null && question.goldPages.some((gold) => gold.file === location.documentName && Math.abs(gold.page - page) === 1);
}

/** 1-based rank of the first hit within the first `depth` results, or 0 when none. */
export function firstHitRank(question: EvaluationQuestion, ranked: RankedLocation[], depth: number): number {
  const index = ranked.slice(0, depth).findIndex((location) => isHit(question, location));
  return index + 1;
}

/** The first cited location of each distinct `file#page` (a page-less citation counts as its document). */
function distinctCitedLocations(cited: CitedLocation[]): CitedLocation[] {
  return [...new Map(cited.map((location) => [`${location.documentName}#${location.page ?? ""}`, location])).values()];
}

/** Distinct `file#page` keys among cited locations (a page-less citation counts as its document). */
export function distinctCitedPages(cited: CitedLocation[]): string[] {
  return distinctCitedLocations(cited).map((location) => `${location.documentName}#${location.page ?? ""}`);
}

/** Share of an answer's distinct cited pages that lie in one of the question's gold documents (NaN when it cites nothing). */
export function citedInGoldDocuments(question: EvaluationQuestion, cited: CitedLocation[]): number {
  const pages = distinctCitedLocations(cited);
  if (pages.length === 0) return Number.NaN;
  const goldFiles = new Set(question.goldPages.map((gold) => gold.file));
  const inGold = (name: string) => (question.level === "document" ? matchesAnyGlob(name, question.goldDocuments) : goldFiles.has(name));
  return pages.filter((location) => inGold(location.documentName)).length / pages.length;
}

/** Share of the question's gold found among the cited locations (0 when over the page limit). */
export function citationMatch(question: EvaluationQuestion, cited: CitedLocation[]): number {
  if (distinctCitedPages(cited).length > MAXIMUM_CITED_PAGES) return 0;
  if (question.level === "document") {
    if (question.goldDocuments.length === 0) return 0;
    const found = question.goldDocuments.filter((glob) => cited.some((location) => matchesAnyGlob(location.documentName, [glob])));
    return found.length / question.goldDocuments.length;
  }
  if (question.goldPages.length === 0) return 0;
  const found = question.goldPages.filter((gold) => cited.some((location) => location.documentName === gold.file && location.page === gold.page));
  return found.length / question.goldPages.length;
}

function mean(values: number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** The figures that get a bootstrap interval and a paired comparison: each a mean of one value per question. */
export const PER_QUESTION_METRICS = [
  "hitAt1",
  "hitAtK",
  "mrrAt10",
  "hitAtKWithoutThreshold",
  "thresholdLoss",
  "citationMatch",
  "answerableAnswered",
  "unanswerableRejected",
  "answerWordRecall",
  "answerFactRecall",
] as const;

export type PerQuestionMetric = (typeof PER_QUESTION_METRICS)[number];

/**
 * Each figure's value per question id, over the questions it applies to: ranking and answer
 * figures over answerable questions, `unanswerableRejected` over unanswerable ones,
 * `thresholdLoss` (1 when the threshold removed every hit, 0 when one stayed) over the answerable
 * questions with a hit in the top k without the threshold, the recalls over questions with a
 * reference answer (with numbers, for fact recall). The table's figures are these values' means.
 */
export function perQuestionValues(outcomes: QuestionOutcome[], topK: number): Record<PerQuestionMetric, Map<string, number>> {
  const values = Object.fromEntries(PER_QUESTION_METRICS.map((metric) => [metric, new Map<string, number>()])) as Record<PerQuestionMetric, Map<string, number>>;
  const hitWithin = (outcome: QuestionOutcome, ranked: RankedLocation[], depth: number) => (ranked.slice(0, depth).some((location) => isHit(outcome.question, location)) ? 1 : 0);
  for (const outcome of outcomes) {
    const id = outcome.question.id;
    if (!outcome.question.answerable) {
      values.unanswerableRejected.set(id, outcome.answered ? 0 : 1);
      continue;
    }
    const hit = hitWithin(outcome, outcome.ranked, topK);
    const hitWithoutThreshold = hitWithin(outcome, outcome.rankedWithoutThreshold, topK);
    values.hitAt1.set(id, hitWithin(outcome, outcome.ranked, 1));
    values.hitAtK.set(id, hit);
    const rank = firstHitRank(outcome.question, outcome.ranked, MRR_DEPTH);
    values.mrrAt10.set(id, rank > 0 ? 1 / rank : 0);
    values.hitAtKWithoutThreshold.set(id, hitWithoutThreshold);
    if (hitWithoutThreshold === 1) values.thresholdLoss.set(id, hit === 1 ? 0 : 1);
    values.citationMatch.set(id, citationMatch(outcome.question, outcome.cited));
    values.answerableAnswered.set(id, outcome.answered ? 1 : 0);
    if (outcome.question.answer) {
      const words = answerWordRecall(outcome.question.answer, outcome.answerText);
      if (!Number.isNaN(words)) values.answerWordRecall.set(id, words);
      const facts = answerFactRecall(outcome.question.answer, outcome.answerText);
      if (!Number.isNaN(facts)) values.answerFactRecall.set(id, facts);
    }
  }
  return values;
}

/** Aggregates per-question outcomes into the evaluation table. */
export function summarize(outcomes: QuestionOutcome[], topK: number): EvaluationSummary {
  const answerable = outcomes.filter((outcome) => outcome.question.answerable);
  const unanswerable = outcomes.filter((outcome) => !outcome.question.answerable);
  const levels = new Set(answerable.map((outcome) => outcome.question.level));
  const hitWithin = (outcome: QuestionOutcome, ranked: RankedLocation[], depth: number, hits = isHit) =>
    ranked.slice(0, depth).some((location) => hits(outcome.question, location)) ? 1 : 0;
  const hitAtK = mean(answerable.map((outcome) => hitWithin(outcome, outcome.ranked, topK)));
  const hitAtKWithoutThreshold = mean(answerable.map((outcome) => hitWithin(outcome, outcome.rankedWithoutThreshold, topK)));
  const results = answerable.flatMap((outcome) => outcome.ranked.slice(0, topK));
  // A recall per answerable question with a reference answer, leaving out those it does not apply to (NaN).
  const referenceRecalls = (measure: (reference: string, answer: string) => number) =>
    answerable.flatMap((outcome) => (outcome.question.answer ? [measure(outcome.question.answer, outcome.answerText)] : [])).filter((value) => !Number.isNaN(value));
  const factRecalls = referenceRecalls(answerFactRecall);
  const latencies = outcomes.map((outcome) => outcome.searchMilliseconds);
  return {
    level: levels.size === 1 ? ([...levels][0] as "page" | "document") : "mixed",
    topK,
    answerable: answerable.length,
    unanswerable: unanswerable.length,
    hitAt1: mean(answerable.map((outcome) => hitWithin(outcome, outcome.ranked, 1))),
    hitAtK,
    mrrAt10: mean(
      answerable.map((outcome) => {
        const rank = firstHitRank(outcome.question, outcome.ranked, MRR_DEPTH);
        return rank > 0 ? 1 / rank : 0;
      }),
    ),
    hitAtKWithoutThreshold,
    hitAt1OnePageOff: mean(answerable.map((outcome) => hitWithin(outcome, outcome.ranked, 1, isHitOnePageOff))),
    hitAtKOnePageOff: mean(answerable.map((outcome) => hitWithin(outcome, outcome.ranked, topK, isHitOnePageOff))),
    thresholdLoss: hitAtKWithoutThreshold > 0 ? Math.max(0, (hitAtKWithoutThreshold - hitAtK) / hitAtKWithoutThreshold) : 0,
    pagesPerResult: mean(results.map((result) => (result.page !== null ? 1 : result.pageStart !== null && result.pageEnd !== null ? result.pageEnd - result.pageStart + 1 : 1))),
    chunkPagesPerResult: mean(results.map((result) => (result.pageStart !== null && result.pageEnd !== null ? result.pageEnd - result.pageStart + 1 : 1))),
    citationMatch: mean(answerable.map((outcome) => citationMatch(outcome.question, outcome.cited))),
    citedInGoldDocuments: mean(answerable.map((outcome) => citedInGoldDocuments(outcome.question, outcome.cited)).filter((value) => !Number.isNaN(value))),
    answersOverCitationLimit: answerable.filter((outcome) => distinctCitedPages(outcome.cited).length > MAXIMUM_CITED_PAGES).length,
    unanswerableRejected: mean(unanswerable.map((outcome) => (outcome.answered ? 0 : 1))),
    answerableAnswered: mean(answerable.map((outcome) => (outcome.answered ? 1 : 0))),
    answerWordRecall: mean(referenceRecalls(answerWordRecall)),
    answerFactRecall: mean(factRecalls),
    answersWithFacts: factRecalls.length,
    // 0 without outcomes: the table shows a figure, not a gap.
    latencyP50: percentile(latencies, 0.5) ?? 0,
    latencyP95: percentile(latencies, 0.95) ?? 0,
  };
}
