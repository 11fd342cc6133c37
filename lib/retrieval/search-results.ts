import "server-only";
import type { Candidates, PassagePlace } from "@/lib/retrieval/candidates";
import { groupNearDuplicates } from "@/lib/retrieval/dedup";
import { contentWords } from "@/lib/retrieval/keyword-query";
import { relevanceEvidence, relevanceScore } from "@/lib/retrieval/relevance";
import type { Highlight, SearchLocation, SearchResult } from "@/lib/retrieval/search-types";
import { wholeChunkPassage, type ChunkRecord, type ChunkReader, type DocumentRecord, type KeywordIndex, type PageSpan, type PassageRecord } from "@/lib/storage/registry-types";

/**
 * From ranked passages to results (docs/retrieval.md, steps 5–7): the best passage per page
 * becomes a result (the chunk holding it, attributed to the passage's page), scored by calibrated
 * relevance and cut at the threshold, near-identical passages folded into one result.
 */

// Results considered per requested result before thresholding and grouping, and at least this many.
const SHORTLIST_PER_RESULT = 4;
const MINIMUM_SHORTLIST = 40;

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

/** Where a result is: its document's page, or its chunk for documents without pages. */
function placeKey(place: { documentId: string; page: number | null | undefined; chunkId: string }): string {
  return place.page !== null && place.page !== undefined ? `${place.documentId}@${place.page}` : place.chunkId;
}

/** The pages a result stands for (its own and its near-duplicates'), to merge result lists without repeats. */
export function resultPlaces(result: SearchResult): string[] {
  return result.locations.map(placeKey);
}

interface Located {
  chunk: ChunkRecord;
  document: DocumentRecord;
  passage: PassageRecord;
  score: number;
}

/** The results of a ranking: best passage per page, relevance-scored, thresholded and grouped. */
export function searchResults(options: {
  lifted: Map<string, number>;
  candidates: Candidates;
  searchText: string;
  topK: number;
  threshold: number;
  /** What every result's relevance is multiplied by (absent names). */
  relevanceFactor: number;
  modelId: string;
  searchable: Map<string, DocumentRecord>;
  nameWords: Map<string, ReadonlySet<string>>;
  registry: Pick<ChunkReader, "getPassages" | "getChunks"> & Pick<KeywordIndex, "keywordCoverage">;
}): SearchResult[] {
  const { candidates, registry } = options;
  const passageRanking = rankPassages({ fused: options.lifted, places: candidates.places });

  // The best passage per page (per chunk when the document has no pages) becomes a result.
  const shortlist: ((typeof passageRanking)[number] & { similarity: number | undefined })[] = [];
  const seenPlaces = new Set<string>();
  for (const candidate of passageRanking) {
    const place = placeKey(candidate);
    if (seenPlaces.has(place)) continue;
    seenPlaces.add(place);
    // A passage outside the vector candidates is at most as similar as the least similar one fetched.
    shortlist.push(Object.assign(candidate, { similarity: candidates.similarities.get(candidate.key) ?? candidates.lowestSimilarity }));
    if (shortlist.length >= Math.max(MINIMUM_SHORTLIST, options.topK * SHORTLIST_PER_RESULT)) break;
  }
  const chunkIds = [...new Set(shortlist.map((candidate) => candidate.chunkId))];
  const passages = registry.getPassages(chunkIds);
  const chunks = registry.getChunks(chunkIds);
  // A question word that names a passage's document ("Apple" for the filing whose cover says
  // "Apple Inc.") counts as covered, as the title's words do through the indexed context.
  const coverage = registry.keywordCoverage({ words: contentWords(options.searchText), passages: shortlist, documentWords: options.nameWords });

  const located: Located[] = [];
  for (const candidate of shortlist) {
    const chunk = chunks.get(candidate.chunkId);
    const document = chunk ? options.searchable.get(chunk.documentId) : undefined;
    if (!chunk || !document) continue;
    const passage = passages.get(candidate.chunkId)?.find((item) => item.passageIndex === candidate.passageIndex) ?? wholeChunkPassage(chunk);
    const evidence = relevanceEvidence({ similarity: candidate.similarity ?? 0, coverage: coverage.get(candidate.key) ?? 0 });
    const score = candidate.similarity === undefined ? 0 : options.relevanceFactor * relevanceScore({ similarity: evidence, model: options.modelId });
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
