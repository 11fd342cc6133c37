import "server-only";
import { AppError } from "@/lib/errors";
import type { Embedder } from "@/lib/embeddings/types";
import { absentNames } from "@/lib/retrieval/absent-names";
import { retrieveCandidates } from "@/lib/retrieval/candidates";
import { liftByDocument } from "@/lib/retrieval/document-lift";
import { DEFAULT_FUSION_WEIGHTS, fuseScores, type FusionWeights } from "@/lib/retrieval/fusion";
import { NAMED_WEIGHT } from "@/lib/retrieval/named-documents";
import { PERIOD_WEIGHT } from "@/lib/retrieval/period-prior";
import { WHOLE_QUESTION_LEAD, mergePartResults, questionParts, uncoveredWords } from "@/lib/retrieval/question-parts";
import { correctSpelling, documentNaming, documentTitleWords, documentsNamedIn, searchableDocuments } from "@/lib/retrieval/search-library";
import { resultPlaces, searchResults } from "@/lib/retrieval/search-results";
import { MAXIMUM_QUERY_CHARACTERS, type DocumentReference, type ScopedSearch, type SearchOptions, type SearchResult } from "@/lib/retrieval/search-types";
import { closestWord } from "@/lib/retrieval/spelling";
import type { SearchLibrary } from "@/lib/storage/registry-types";
import type { VectorStore } from "@/lib/vector-store/types";

export { MAXIMUM_QUERY_CHARACTERS, SEARCH_MODES } from "@/lib/retrieval/search-types";
export type { DocumentReference, Highlight, ScopedSearch, SearchLocation, SearchMode, SearchOptions, SearchResult } from "@/lib/retrieval/search-types";

/**
 * Hybrid search (docs/retrieval.md). Chunks are cut into small one-page passages at indexing
 * time; each passage is embedded and BM25-indexed with its document title and section path.
 * A query:
 * 0. has words that occur nowhere in the library corrected to the closest indexed word
 *    (lib/retrieval/spelling.ts: "gendr" → "gender");
 * 1. embeds the question and takes the nearest passage windows from the vector store, and runs
 *    BM25 over the passages' keyword index (candidates.ts);
 * 2. fuses both per passage (fusion.ts) and lifts the documents the question names ("Amazon's",
 *    "Northwind Standard") or whose date it asks for ("Q1 2023", "the latest"; document-lift.ts);
 * 3. keeps the best passage per page (per chunk for page-less formats): the result is the chunk
 *    holding that passage, attributed to the passage's page, with the passage as highlight;
 *    scores it by calibrated relevance, scaled down when the question names something the library
 *    never mentions (absent-names.ts), drops it under the threshold, and folds near-identical
 *    passages into one result with all their `locations` (search-results.ts).
 * Each step earned its place on the test splits of more than one corpus; what did not was
 * removed (docs/retrieval.md, *What each component is worth*).
 */

/**
 * What a result's relevance is multiplied by when the question names something the library never
 * mentions: the passages found are about something else, however close they score, so they fall
 * under any sensible threshold while the closest still rank first for callers asking for
 * threshold 0 (docs/retrieval.md, *Score and threshold*).
 */
export const ABSENT_NAME_FACTOR = 0.5;
// Candidates fetched from each retriever per requested result, and at least this many (so the
// ranking of the first results does not depend on how many are asked for, up to 10).
const CANDIDATES_PER_RESULT = 20;
const MINIMUM_CANDIDATES = 200;

export type SearchChunksOptions = SearchOptions & {
  registry: SearchLibrary;
  embedder: Embedder;
  vectorStore: VectorStore;
  /** Tuning and ablation only: fusion weights and document-prior weights other than the defaults. */
  weights?: FusionWeights;
  periodWeight?: number;
  namedWeight?: number;
};

/** The results of one text's search and the documents its names made it prefer. */
interface OneTextSearch {
  results: SearchResult[];
  preferredDocuments: DocumentReference[];
}

/**
 * Searches the indexed chunks of ready documents, best first, above the relevance threshold, and
 * says which documents the question's names made it prefer (the scope the API and the chat
 * report). With `coverEveryPart` (chat), a question asking two things is also searched part by
 * part, each part's best page joining the whole question's best two (question-parts.ts).
 */
export async function searchWithScope(options: SearchChunksOptions): Promise<ScopedSearch> {
  const query = options.query.trim();
  if (query.length === 0) throw new AppError("search.invalid_query", "The query is empty.");
  if (query.length > MAXIMUM_QUERY_CHARACTERS) {
    throw new AppError("search.invalid_query", `The query is longer than ${MAXIMUM_QUERY_CHARACTERS} characters.`);
  }
  // Names are read from the question as written, once: its parts are searched with the same factor.
  const absent = absentNames({
    query,
    passagesContaining: (word) => options.registry.passagesContaining(word),
    correctable: (word) => closestWord(word, options.registry.indexedWords()) !== undefined,
  });
  const relevanceFactor = absent.length > 0 ? ABSENT_NAME_FACTOR : 1;
  const whole = await searchOneText({ ...options, query, priorCorrected: false, relevanceFactor });
  const scoped = (results: SearchResult[]): ScopedSearch => ({ results, preferredDocuments: whole.preferredDocuments });
  // Nothing found for the whole question (nothing relevant) or no room after its lead: no more searches.
  if (!options.coverEveryPart || whole.results.length === 0 || options.topK <= WHOLE_QUESTION_LEAD) return scoped(whole.results);
  // A part names its topic but rarely its document ("…under Northwind Health Plus, and what is
  // covered for hospice care?"): the document priors read the whole question.
  // Corrected once here rather than by each part's search.
  const priorText = correctSpelling(options.registry, options.priorText ?? query);
  const parts = { ...options, coverEveryPart: false, priorText, priorCorrected: true, relevanceFactor };
  const searches = questionParts(query).map((part) => searchOneText({ ...parts, query: part }));
  // The question's words the best pages never mention name a topic they do not answer: one more
  // search for those words alone, in the documents of those pages (the whole question found its
  // documents; the leftover words alone, "financial responsibilities", would match any).
  const lead = whole.results.slice(0, WHOLE_QUESTION_LEAD);
  const leadText = lead.map((result) => (result.pageRange ? result.text.slice(result.pageRange.start, result.pageRange.end) : result.text)).join("\n");
  const uncovered = uncoveredWords({ question: query, text: leadText, ignored: documentTitleWords(options.registry) });
  if (uncovered.length > 0) {
    const documentIds = [...new Set(lead.map((result) => result.documentId))];
    searches.push(searchOneText({ ...parts, query: uncovered.join(" "), documentIds }));
  }
  if (searches.length === 0) return scoped(whole.results);
  // Concurrently: their query vectors share one model run, their Chroma queries overlap.
  const partResults = await Promise.all(searches);
  return scoped(mergePartResults({ whole: whole.results, parts: partResults.map((part) => part.results), keys: resultPlaces, limit: options.topK }));
}

/** `searchWithScope`'s results alone (evaluation and callers that report no scope). */
export async function searchChunks(options: SearchChunksOptions): Promise<SearchResult[]> {
  return (await searchWithScope(options)).results;
}

/**
 * One search of one text (the whole question or one part of it); `priorCorrected`: priorText is
 * spelled right already; `relevanceFactor`: what every result's relevance is multiplied by.
 */
async function searchOneText(options: SearchChunksOptions & { priorCorrected: boolean; relevanceFactor: number }): Promise<OneTextSearch> {
  const mode = options.mode ?? "hybrid";
  const { registry, embedder } = options;
  // Misspelled words match nothing: both retrievers see the question with them corrected.
  const searchText = correctSpelling(registry, options.query);
  const searchable = searchableDocuments(options);
  if (searchable.size === 0) return { results: [], preferredDocuments: [] };
  const { titles, nameWords } = documentNaming(registry, [...searchable.values()]);
  const priorText = options.priorText === undefined ? searchText : options.priorCorrected ? options.priorText : correctSpelling(registry, options.priorText);
  const named = documentsNamedIn({ text: priorText, searchable, nameWords });

  const candidates = await retrieveCandidates({
    searchText,
    mode,
    limit: Math.max(MINIMUM_CANDIDATES, options.topK * CANDIDATES_PER_RESULT),
    searchable,
    documentIds: options.documentIds ? [...searchable.keys()] : undefined,
    registry,
    embedder,
    vectorStore: options.vectorStore,
  });
  const weights = mode === "vector" ? { vector: 1, keyword: 0 } : mode === "keyword" ? { vector: 0, keyword: 1 } : (options.weights ?? DEFAULT_FUSION_WEIGHTS);
  const lifted = liftByDocument({
    fused: fuseScores({ vector: candidates.similarities, keyword: candidates.keywordScores, weights }),
    places: candidates.places,
    priorText,
    searchableCount: searchable.size,
    titles,
    nameWords,
    named,
    namedWeight: options.namedWeight ?? NAMED_WEIGHT,
    periodWeight: options.periodWeight ?? PERIOD_WEIGHT,
    registry,
  });
  const results = searchResults({
    lifted,
    candidates,
    searchText,
    topK: options.topK,
    threshold: options.threshold,
    relevanceFactor: options.relevanceFactor,
    modelId: embedder.modelId,
    searchable,
    nameWords,
    registry,
  });
  // In library order: `searchable` keeps the registry's.
  const preferredDocuments = [...searchable.values()].filter((document) => named.has(document.id)).map((document) => ({ documentId: document.id, documentName: document.name }));
  return { results, preferredDocuments };
}
