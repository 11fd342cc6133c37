import "server-only";
import { AppError } from "@/lib/errors";
import type { Embedder } from "@/lib/embeddings/types";
import { groupNearDuplicates } from "@/lib/retrieval/dedup";
import { DEFAULT_FUSION_WEIGHTS, fuseScores, type FusionWeights } from "@/lib/retrieval/fusion";
import { NAMED_WEIGHT, namedDocuments, namingWords } from "@/lib/retrieval/named-documents";
import { contentWords, joinedCompoundTerms, keywordTerms } from "@/lib/retrieval/keyword-query";
import { relevanceEvidence, relevanceScore } from "@/lib/retrieval/relevance";
import { closestWord, correctQuery, unknownWords } from "@/lib/retrieval/spelling";
import { absentNames } from "@/lib/retrieval/absent-names";
import { documentNameWords } from "@/lib/retrieval/document-names";
import { PERIOD_WEIGHT, periodPriors } from "@/lib/retrieval/period-prior";
import { WHOLE_QUESTION_LEAD, mergePartResults, questionParts, uncoveredWords } from "@/lib/retrieval/question-parts";
import { titleFromFileName } from "@/lib/ingest/document-title";
import { wholeChunkPassage, type ChunkRecord, type DocumentReader, type DocumentRecord, type KeywordIndex, type PageSpan, type PassageRecord, type SearchLibrary } from "@/lib/storage/registry-types";
import type { VectorStore } from "@/lib/vector-store/types";

/**
 * Hybrid search (docs/retrieval.md). Chunks are cut into small one-page passages at indexing
 * time; each passage is embedded and BM25-indexed with its document title and section path.
 * A query:
 * 0. has words that occur nowhere in the library corrected to the closest indexed word
 *    (lib/retrieval/spelling.ts: "gendr" → "gender");
 * 1. embeds the question and takes the nearest passage windows from the vector store, and runs
 *    BM25 over the passages' keyword index (SQLite FTS5);
 * 2. fuses both per passage (score fusion, lib/retrieval/fusion.ts) and lifts the documents the
 *    question names (named-documents.ts: "Amazon's", "Northwind Standard") or whose date it asks
 *    for (period-prior.ts: "Q1 2023", "the latest");
 * 3. keeps the best passage per page (per chunk for page-less formats): the result is the chunk
 *    holding that passage, attributed to the passage's page, with the passage as highlight;
 * 4. folds near-identical passages (same text in two documents or on two pages) into one result
 *    with all their `locations`;
 * 5. scores each result by the calibrated similarity and keyword coverage of its passage, its
 *    document's name words counting as covered (lib/retrieval/relevance.ts), scaled down when the
 *    question names something the library never mentions (absent-names.ts: "Costco" over other
 *    companies' filings), and drops results under the threshold.
 * Each step earned its place on the test splits of more than one corpus; what did not was
 * removed (docs/retrieval.md, *What each component is worth*).
 */

export type SearchMode = "hybrid" | "vector" | "keyword";

export const SEARCH_MODES: readonly SearchMode[] = ["hybrid", "vector", "keyword"];

/** Where a result's matched text is: the character range in the chunk's `text`. */
export interface Highlight {
  start: number;
  end: number;
}

/** One place a (near-identical) result's text appears. */
export interface SearchLocation {
  chunkId: string;
  documentId: string;
  documentName: string;
  page: number | null;
  highlight: Highlight;
}

/** One search hit: a chunk, where it is, and its calibrated relevance. */
export interface SearchResult {
  chunkId: string;
  documentId: string;
  documentName: string;
  /** The single page the result is attributed to (the page holding the matched passage), else null. */
  page: number | null;
  pageStart: number | null;
  pageEnd: number | null;
  section: string | null;
  chunkIndex: number;
  text: string;
  /** Calibrated relevance, 0–1 (see lib/retrieval/relevance.ts). */
  score: number;
  /** The matched passage within `text` (for the viewer's highlight). */
  highlight: Highlight;
  /**
   * The part of `text` on `page` (it holds the highlight), or null for page-less formats. A chunk
   * spans pages; what a citation quotes must come from the one page it names.
   */
  pageRange: Highlight | null;
  /** Every place this text appears, this result's own first; more than one for near-duplicates. */
  locations: SearchLocation[];
}

export interface SearchOptions {
  query: string;
  topK: number;
  threshold: number;
  documentIds?: string[];
  /** hybrid (default): vectors and BM25 fused; vector or keyword: one retriever ranks alone. */
  mode?: SearchMode;
  /**
   * The text the document priors read (title, name, period, word concentration) when it is not
   * the query: a part of a two-part question is searched alone, but the documents it is about
   * are named elsewhere in the question ("…under Northwind Health Plus, and what is covered?").
   */
  priorText?: string;
  /**
   * Chat retrieval: also search each part of a two-part question, and the question's words the
   * best pages never mention, so an answer finds evidence for all it was asked. It costs one to
   * three more searches (search p50 17 → 35 ms on northwind), so the search API does not.
   */
  coverEveryPart?: boolean;
}

export const MAXIMUM_QUERY_CHARACTERS = 4_000;
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

// Results considered per requested result before thresholding and grouping, and at least this many.
const SHORTLIST_PER_RESULT = 4;
const MINIMUM_SHORTLIST = 40;
export interface PassagePlace {
  chunkId: string;
  documentId: string;
  passageIndex: number;
  /** undefined until looked up (vector matches). */
  page: number | null | undefined;
}

/** Passages by fused score, best first; ties break on the passage key, so rankings are deterministic. */
export function rankPassages(options: { fused: Map<string, number>; places: Map<string, PassagePlace> }): (PassagePlace & { key: string; score: number })[] {
  const ranked: (PassagePlace & { key: string; score: number })[] = [];
  for (const [key, score] of options.fused) {
    const place = options.places.get(key);
    if (!place) continue;
    // A literal, not `{ ...place, key, score }`: V8 copies a spread plus extra properties through a
    // slow path, and this runs for every candidate.
    ranked.push({ chunkId: place.chunkId, documentId: place.documentId, passageIndex: place.passageIndex, page: place.page, key, score });
  }
  // Ties break on the key, compared by code unit (localeCompare was a measurable share of a search).
  return ranked.sort((left, right) => right.score - left.score || (left.key < right.key ? -1 : left.key > right.key ? 1 : 0));
}

/** The character range of a chunk's text on `page`, widened to hold the passage; null without pages. */
export function pageRangeOf(options: { pageSpans: PageSpan[]; page: number | null; passage: Highlight }): Highlight | null {
  if (options.page === null) return null;
  const spans = options.pageSpans.filter((span) => span.page === options.page);
  if (spans.length === 0) return null;
  return {
    start: Math.min(options.passage.start, ...spans.map((span) => span.start)),
    end: Math.max(options.passage.end, ...spans.map((span) => span.end)),
  };
}

function passageKey(chunkId: string, passageIndex: number): string {
  return `${chunkId}#${passageIndex}`;
}

type SearchChunksOptions = SearchOptions & {
  registry: SearchLibrary;
  embedder: Embedder;
  vectorStore: VectorStore;
  /** Tuning and ablation only: fusion weights and document-prior weights other than the defaults. */
  weights?: FusionWeights;
  periodWeight?: number;
  namedWeight?: number;
};

/** Where a result is: its document's page, or its chunk for documents without pages. */
function placeKey(place: { documentId: string; page: number | null | undefined; chunkId: string }): string {
  return place.page !== null && place.page !== undefined ? `${place.documentId}@${place.page}` : place.chunkId;
}

/** The pages a result stands for (its own and its near-duplicates'), to merge result lists without repeats. */
function resultPlaces(result: SearchResult): string[] {
  return result.locations.map(placeKey);
}

interface DocumentNaming {
  titles: Map<string, string>;
  nameWords: Map<string, ReadonlySet<string>>;
}

/** The last naming computed per covers map (the registry's, replaced when the index changes). */
const namingByCovers = new WeakMap<ReadonlyMap<string, string>, { key: string; naming: DocumentNaming }>();

/**
 * Each document's title text (title and file name) and name words (document-names.ts: "apple"
 * from the cover's "Apple Inc."), for naming, the date prior and keyword coverage.
 */
function documentNaming(registry: KeywordIndex, documents: DocumentRecord[]): DocumentNaming {
  const titles = new Map(documents.map((document) => [document.id, `${document.title ?? ""} ${titleFromFileName(document.name)}`]));
  // What each document calls itself: title, file name and first page ("Apple Inc." for "2023 Q3 AAPL").
  const covers = documents.length > 1 ? registry.documentCovers() : new Map<string, string>();
  // The same documents and covers name themselves the same way: reused while the registry keeps
  // its covers (until the index changes). Rebuilding joined every cover's text per search: 8 ms
  // with 200 documents.
  const key = [...titles].map(([id, title]) => `${id}\u0001${title}`).join("\u0002");
  const known = namingByCovers.get(covers);
  if (known?.key === key) return known.naming;
  const nameWords = documentNameWords(new Map([...titles].map(([id, title]) => [id, `${title} ${covers.get(id) ?? ""}`])));
  const naming = { titles, nameWords };
  namingByCovers.set(covers, { key, naming });
  return naming;
}

/**
 * Searches the indexed chunks of ready documents, best first, above the relevance threshold. With
 * `coverEveryPart` (chat), a question asking two things is also searched part by part, each
 * part's best page joining the whole question's best two (lib/retrieval/question-parts.ts).
 */
export async function searchChunks(options: SearchChunksOptions): Promise<SearchResult[]> {
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
  // Nothing found for the whole question (nothing relevant) or no room after its lead: no more searches.
  if (!options.coverEveryPart || whole.length === 0 || options.topK <= WHOLE_QUESTION_LEAD) return whole;
  // A part names its topic but rarely its document ("…under Northwind Health Plus, and what is
  // covered for hospice care?"): the document priors read the whole question.
  // Corrected once here rather than by each part's search.
  const priorText = correctSpelling(options.registry, options.priorText ?? query);
  const parts = { ...options, coverEveryPart: false, priorText, priorCorrected: true, relevanceFactor };
  const searches = questionParts(query).map((part) => searchOneText({ ...parts, query: part }));
  // The question's words the best pages never mention name a topic they do not answer: one more
  // search for those words alone, in the documents of those pages (the whole question found its
  // documents; the leftover words alone, "financial responsibilities", would match any).
  const lead = whole.slice(0, WHOLE_QUESTION_LEAD);
  const leadText = lead.map((result) => (result.pageRange ? result.text.slice(result.pageRange.start, result.pageRange.end) : result.text)).join("\n");
  const uncovered = uncoveredWords({ question: query, text: leadText, ignored: documentTitleWords(options.registry) });
  if (uncovered.length > 0) {
    const documentIds = [...new Set(lead.map((result) => result.documentId))];
    searches.push(searchOneText({ ...parts, query: uncovered.join(" "), documentIds }));
  }
  if (searches.length === 0) return whole;
  // Concurrently: their query vectors share one model run, their Chroma queries overlap.
  const partResults = await Promise.all(searches);
  return mergePartResults({ whole, parts: partResults, keys: resultPlaces, limit: options.topK });
}

/** The words of every document's title, file name and name words: a page stands for them without saying them. */
function documentTitleWords(registry: DocumentReader & KeywordIndex): Set<string> {
  const { titles, nameWords } = documentNaming(registry, registry.listDocuments());
  const words = new Set([...titles.values()].flatMap((title) => contentWords(title)));
  for (const names of nameWords.values()) for (const word of names) words.add(word);
  return words;
}

/** `text` with the words that occur nowhere in the library corrected to the closest indexed word. */
function correctSpelling(registry: KeywordIndex, text: string): string {
  const misspelled = unknownWords(text, (word) => registry.passagesContaining(word));
  return misspelled.length > 0 ? correctQuery({ query: text, unknown: misspelled, vocabulary: registry.indexedWords() }).query : text;
}

/** The documents a search may read: ready, indexed with the configured model, among `documentIds` when given. */
function searchableDocuments(options: { registry: DocumentReader; embedder: Embedder; documentIds?: string[] }): Map<string, DocumentRecord> {
  return new Map<string, DocumentRecord>(
    options.registry
      .listDocuments()
      .filter((document) => document.status === "ready" && document.embeddingModel === options.embedder.modelId)
      .filter((document) => !options.documentIds || options.documentIds.includes(document.id))
      .map((document) => [document.id, document]),
  );
}

/**
 * The searchable documents `text` names (decision 0010): none in a library of one document, where
 * there is nothing to choose between.
 */
function documentsNamedIn(options: { text: string; searchable: Map<string, DocumentRecord>; nameWords: Map<string, ReadonlySet<string>> }): Set<string> {
  if (options.searchable.size < 2) return new Set();
  const fileNames = new Map([...options.searchable].map(([id, document]) => [id, document.name]));
  return namedDocuments({ query: options.text, nameWords: options.nameWords, fileNames });
}

/** The documents `searchChunks` prefers because the question names them, in library order (empty: none named). */
export function documentsNamedInQuery(options: { query: string; registry: DocumentReader & KeywordIndex; embedder: Embedder; documentIds?: string[] }): DocumentRecord[] {
  const searchable = searchableDocuments(options);
  const { nameWords } = documentNaming(options.registry, [...searchable.values()]);
  const named = documentsNamedIn({ text: correctSpelling(options.registry, options.query.trim()), searchable, nameWords });
  return [...searchable.values()].filter((document) => named.has(document.id));
}

/**
 * One search of one text (the whole question or one part of it); `priorCorrected`: priorText is
 * spelled right already; `relevanceFactor`: what every result's relevance is multiplied by.
 */
async function searchOneText(options: SearchChunksOptions & { priorCorrected: boolean; relevanceFactor: number }): Promise<SearchResult[]> {
  const query = options.query;
  const mode = options.mode ?? "hybrid";
  const { registry, embedder, vectorStore } = options;
  // Misspelled words match nothing: both retrievers see the question with them corrected.
  const searchText = correctSpelling(registry, query);
  const searchable = searchableDocuments(options);
  if (searchable.size === 0) return [];
  const { titles, nameWords } = documentNaming(registry, [...searchable.values()]);
  const priorText = options.priorText === undefined ? searchText : options.priorCorrected ? options.priorText : correctSpelling(registry, options.priorText);
  // A question that names documents by proper names ("Amazon's Q2 2023 10-Q", "Northwind
  // Standard") prefers them, but a name is evidence, not a scope: "which of the two plans covers
  // X" names both booklets and is answered by a third document (decision 0010).
  const named = documentsNamedIn({ text: priorText, searchable, nameWords });
  const limit = Math.max(MINIMUM_CANDIDATES, options.topK * CANDIDATES_PER_RESULT);
  const documentIds = options.documentIds ? [...searchable.keys()] : undefined;

  // Vector similarities per passage (its best window). Every mode embeds the query: the
  // similarity is what the relevance score and the threshold are calibrated on.
  const vectorMatches = await vectorStore.query({ vector: await embedder.embedQuery(searchText), topK: limit, documentIds });
  const similarities = new Map<string, number>();
  const places = new Map<string, PassagePlace>();
  let lowestSimilarity = 1;
  for (const match of vectorMatches) {
    if (!searchable.has(match.documentId)) continue;
    const similarity = 1 - match.distance;
    lowestSimilarity = Math.min(lowestSimilarity, similarity);
    const key = passageKey(match.chunkId, match.passageIndex);
    if (!places.has(key)) places.set(key, { chunkId: match.chunkId, documentId: match.documentId, passageIndex: match.passageIndex, page: undefined });
    if (similarity > (similarities.get(key) ?? -Infinity)) similarities.set(key, similarity);
  }

  /** BM25 scores of one keyword query (the question, its phrases, feedback words) per passage of a searchable document. */
  const keywordMatches = (terms: string[]): Map<string, number> => {
    const scores = new Map<string, number>();
    for (const match of registry.searchKeywords({ terms, limit, documentIds })) {
      if (!searchable.has(match.documentId)) continue;
      const key = passageKey(match.chunkId, match.passageIndex);
      places.set(key, { chunkId: match.chunkId, documentId: match.documentId, passageIndex: match.passageIndex, page: match.page });
      scores.set(key, match.score);
    }
    return scores;
  };
  // Words in more than half the passages are left out of the BM25 query (see keywordTerms).
  const passageCount = registry.passageCount();
  const questionTerms = mode === "vector" ? undefined : keywordTerms(searchText, { isCommon: (word) => registry.passagesContaining(word) > passageCount / 2 });
  // "pre-authorization" in the question also looks for the documents' "preauthorization".
  const compounds = questionTerms ? joinedCompoundTerms(searchText, (word) => registry.passagesContaining(word) > 0) : [];
  const terms = questionTerms ? [...new Set([...questionTerms, ...compounds])] : undefined;
  const keywordScores = terms ? keywordMatches(terms) : new Map<string, number>();
  // Vector matches carry no page (ids and distances only): look their passages' pages up.
  const unknown = [...new Set([...places.values()].filter((place) => place.page === undefined).map((place) => place.chunkId))];
  if (unknown.length > 0) {
    const known = registry.getPassages(unknown);
    for (const place of places.values()) {
      if (place.page !== undefined) continue;
      place.page = known.get(place.chunkId)?.find((passage) => passage.passageIndex === place.passageIndex)?.page ?? null;
    }
  }

  const weights = mode === "vector" ? { vector: 1, keyword: 0 } : mode === "keyword" ? { vector: 0, keyword: 1 } : (options.weights ?? DEFAULT_FUSION_WEIGHTS);
  // Document priors: each multiplies the fused scores of a document's passages by 1 + weight × prior.
  const lift = new Map<string, number>();
  const applyPrior = (priors: Map<string, number>, weight: number) => {
    for (const [id, prior] of priors) if (prior > 0 && weight > 0) lift.set(id, (lift.get(id) ?? 1) * (1 + weight * prior));
  };
  const namedWeight = options.namedWeight ?? NAMED_WEIGHT;
  if (searchable.size > 1) {
    applyPrior(new Map([...named].map((id) => [id, 1])), namedWeight);
    // "The latest report" is the latest of the documents the question is about: of Amazon's when it names Amazon.
    const aboutTitles = new Map([...titles].filter(([id]) => (named.size > 0 ? named.has(id) : searchable.has(id))));
    applyPrior(periodPriors({ query: priorText, titles: aboutTitles }), options.periodWeight ?? PERIOD_WEIGHT);
  }
  const fused = fuseScores({ vector: similarities, keyword: keywordScores, weights });
  // A passage of another document that says the names is about the named thing too (the
  // comparison of two named plans): it gets the named documents' lift.
  const naming = named.size > 0 && namedWeight > 0 ? namingWords({ query: priorText, nameWords, named }) : [];
  const sayingNames = new Set<string>();
  if (naming.length > 0) {
    const others = [...fused.keys()].flatMap((key) => {
      const place = places.get(key);
      return place && !named.has(place.documentId) ? [place] : [];
    });
    for (const [key, coverage] of registry.keywordCoverage({ words: naming, passages: others })) if (coverage > 0) sayingNames.add(key);
  }
  for (const [key, score] of fused) fused.set(key, score * (lift.get(places.get(key)?.documentId ?? "") ?? 1) * (sayingNames.has(key) ? 1 + namedWeight : 1));
  const passageRanking = rankPassages({ fused, places });

  // The best passage per page (per chunk when the document has no pages) becomes a result.
  const shortlist: ((typeof passageRanking)[number] & { similarity: number | undefined })[] = [];
  const seenPlaces = new Set<string>();
  for (const candidate of passageRanking) {
    const place = placeKey(candidate);
    if (seenPlaces.has(place)) continue;
    seenPlaces.add(place);
    // A passage outside the vector candidates is at most as similar as the least similar one fetched.
    shortlist.push(Object.assign(candidate, { similarity: similarities.get(candidate.key) ?? (vectorMatches.length > 0 ? lowestSimilarity : undefined) }));
    if (shortlist.length >= Math.max(MINIMUM_SHORTLIST, options.topK * SHORTLIST_PER_RESULT)) break;
  }
  const chunkIds = [...new Set(shortlist.map((candidate) => candidate.chunkId))];
  const passages = registry.getPassages(chunkIds);
  const chunks = registry.getChunks(chunkIds);
  // A question word that names a passage's document ("Apple" for the filing whose cover says
  // "Apple Inc.") counts as covered, as the title's words do through the indexed context.
  const coverage = registry.keywordCoverage({ words: contentWords(searchText), passages: shortlist, documentWords: nameWords });

  interface Located {
    chunk: ChunkRecord;
    document: DocumentRecord;
    passage: PassageRecord;
    score: number;
  }
  const located: Located[] = [];
  for (const candidate of shortlist) {
    const chunk = chunks.get(candidate.chunkId);
    const document = chunk ? searchable.get(chunk.documentId) : undefined;
    if (!chunk || !document) continue;
    const passage = passages.get(candidate.chunkId)?.find((item) => item.passageIndex === candidate.passageIndex) ?? wholeChunkPassage(chunk);
    const evidence = relevanceEvidence({ similarity: candidate.similarity ?? 0, coverage: coverage.get(candidate.key) ?? 0 });
    const score = candidate.similarity === undefined ? 0 : options.relevanceFactor * relevanceScore({ similarity: evidence, model: embedder.modelId });
    if (score < options.threshold) continue;
    located.push({ chunk, document, passage, score });
  }

  const groups = groupNearDuplicates({
    items: located,
    text: (item) => item.chunk.text.slice(item.passage.start, item.passage.end),
    limit: options.topK,
  });
  return groups.map(({ leader, duplicates }) => {
    const toLocation = (item: Located): SearchLocation => ({
      chunkId: item.chunk.id,
      documentId: item.document.id,
      documentName: item.document.name,
      page: item.passage.page,
      highlight: { start: item.passage.start, end: item.passage.end },
    });
    return {
      chunkId: leader.chunk.id,
      documentId: leader.chunk.documentId,
      documentName: leader.document.name,
      page: leader.passage.page,
      pageStart: leader.chunk.pageStart,
      pageEnd: leader.chunk.pageEnd,
      section: leader.chunk.section,
      chunkIndex: leader.chunk.chunkIndex,
      text: leader.chunk.text,
      score: Math.round(leader.score * 10_000) / 10_000,
      highlight: { start: leader.passage.start, end: leader.passage.end },
      pageRange: pageRangeOf({ pageSpans: leader.chunk.pageSpans, page: leader.passage.page, passage: leader.passage }),
      locations: [leader, ...duplicates].map(toLocation),
    };
  });
}
