import { toChatSources } from "@/lib/chat/sources";
import { libraryWordRarity } from "@/lib/chat/word-rarity";
import { selectAnswerSentences } from "@/lib/chat/extractive-answerer";
import { CHAT_SEARCH_OPTIONS, buildSearchQuery } from "@/lib/chat/search-query";
import type { Embedder } from "@/lib/embeddings/types";
import { MRR_DEPTH, type QuestionOutcome, type RankedLocation } from "@/lib/evaluation/metrics";
import type { EvaluationQuestion } from "@/lib/evaluation/questions";
import type { FusionWeights } from "@/lib/retrieval/fusion";
import { searchChunks, type SearchMode, type SearchResult } from "@/lib/retrieval/search";
import type { SearchLibrary } from "@/lib/storage/registry-types";
import type { VectorStore } from "@/lib/vector-store/types";

/**
 * Runs evaluation questions through the product's own code paths: `searchChunks` (what
 * `/api/search` calls) for the ranking metrics, and the chat's extractive answering (search with
 * the chat's top-k, then `selectAnswerSentences` over those sources) for citations and for
 * "no relevant sources". Nothing here is specific to a corpus.
 */

export interface HarnessDependencies {
  registry: SearchLibrary;
  embedder: Embedder;
  vectorStore: VectorStore;
}

export interface HarnessSettings {
  /** k of hit@k (the table's "hit@5"). */
  topK: number;
  /** Sources the chat retrieves (CHAT_TOP_K). */
  chatTopK: number;
  /** SIMILARITY_THRESHOLD. */
  threshold: number;
  mode?: SearchMode;
  /** Fusion weights to try instead of the defaults (tuning only). */
  weights?: FusionWeights;
  /** Document-prior weights other than the defaults (SearchTuning), tuning and ablation only. */
  tuning?: SearchTuning;
  /** Skip the chat path (citation and "no relevant sources" metrics), for quick ranking runs. */
  skipChat?: boolean;
}

/** Search knobs other than their defaults (tuning and ablation only); 0 turns a document prior off. */
export interface SearchTuning {
  periodWeight?: number;
  namedWeight?: number;
}

export const SEARCH_TUNING_KNOBS: readonly (keyof SearchTuning)[] = ["periodWeight", "namedWeight"];

function toLocation(result: SearchResult): RankedLocation {
  return { documentName: result.documentName, page: result.page, pageStart: result.pageStart, pageEnd: result.pageEnd, score: result.score };
}

/** Evaluates every question; outcomes are in question order. */
export async function evaluateQuestions(options: {
  questions: EvaluationQuestion[];
  dependencies: HarnessDependencies;
  settings: HarnessSettings;
  onProgress?: (done: number, total: number) => void;
}): Promise<QuestionOutcome[]> {
  const { questions, dependencies, settings } = options;
  const search = (query: string, topK: number, threshold: number, chat = false) =>
    searchChunks({ query, topK, threshold, mode: settings.mode, weights: settings.weights, ...settings.tuning, ...dependencies, ...(chat ? CHAT_SEARCH_OPTIONS : {}) });
  // The first query loads the model and warms caches; it is not part of the latency figures.
  if (questions[0]) await search(questions[0].question, settings.topK, settings.threshold);

  const depth = Math.max(settings.topK, MRR_DEPTH);
  // The library does not change during an evaluation: one rarity table serves every question.
  const wordRarity = libraryWordRarity(dependencies.registry);
  const outcomes: QuestionOutcome[] = [];
  for (const [index, question] of questions.entries()) {
    // hit@k from exactly what a caller asking for k results gets; MRR@10 from a 10-deep search.
    const started = performance.now();
    const topResults = await search(question.question, settings.topK, settings.threshold);
    const searchMilliseconds = performance.now() - started;
    const deep = depth > settings.topK ? await search(question.question, depth, settings.threshold) : topResults;
    const ranked = [...topResults, ...deep.slice(topResults.length)];
    const rankedWithoutThreshold = settings.threshold > 0 ? await search(question.question, settings.topK, 0) : topResults;

    // The chat path: one user turn, the chat's top-k, extractive answer.
    const chatResults = settings.skipChat ? [] : await search(buildSearchQuery([question.question]), settings.chatTopK, settings.threshold, true);
    const sources = toChatSources(chatResults);
    let cited: QuestionOutcome["cited"] = [];
    let answered = false;
    let answerText = "";
    let answerRelevance: number | undefined;
    if (sources.length > 0) {
      const sentences = await selectAnswerSentences({
        question: question.question,
        sources,
        embed: (texts) => dependencies.embedder.embedSentences(texts),
        wordRarity,
      });
      answered = sentences.length > 0;
      answerText = sentences.map((sentence) => sentence.text).join(" ");
      if (sentences.length > 0) answerRelevance = Math.max(...sentences.map((sentence) => sentence.relevance));
      const byIndex = new Map(sources.map((source) => [source.index, source]));
      cited = sentences.flatMap((sentence) => {
        const source = byIndex.get(sentence.sourceIndex);
        return source ? [{ documentName: source.documentName, page: source.page }] : [];
      });
    }
    outcomes.push({
      question,
      ranked: ranked.map(toLocation),
      rankedWithoutThreshold: rankedWithoutThreshold.map(toLocation),
      cited,
      answered,
      answerText,
      ...(answerRelevance === undefined ? {} : { answerRelevance }),
      searchMilliseconds,
    });
    options.onProgress?.(index + 1, questions.length);
  }
  return outcomes;
}
