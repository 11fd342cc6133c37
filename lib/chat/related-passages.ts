import type { ChatRelatedPassage } from "@/lib/contracts/chat-message";
import type { SearchResult } from "@/lib/retrieval/search";

/**
 * When nothing reaches SIMILARITY_THRESHOLD the chat answers "not in the documents", but
 * all-MiniLM-L6-v2 scores plain-language questions low: "How do I get reimbursed for my gym
 * membership?" reaches 0.60 on the one page of the perks programme that answers it, "Can I see a
 * chiropractor?" 0.61 on the booklet's chiropractic page, while an unanswerable question about
 * the company's revenue reaches 0.72 (northwind, docs/retrieval.md, *Closest passages*). No
 * threshold separates those, so a "no" is shown with the closest passages under it, marked as
 * not relevant enough to cite, for the reader to check. Off-topic questions stay bare: "the
 * capital of Australia" or "sourdough bread" reach 0.13–0.21, and the floor keeps them out
 * (docs/decisions/0009-closest-passages-under-a-no.md).
 */

/** The answer when closest passages go with it: the library may hold the answer in other words. */
export const CLOSEST_PASSAGES_TEXT = "Nothing in the library answers this clearly enough to cite. The closest passages are below, in case they help.";

/**
 * Lowest calibrated relevance a closest passage may have: evidence ~0.35 for all-MiniLM-L6-v2,
 * above the off-topic questions' best passages (evidence ≤ 0.32) now that the threshold itself sits
 * at evidence 0.41 (decision 0009; docs/retrieval.md, *Score and threshold*); calibration is per model.
 */
export const RELATED_PASSAGE_FLOOR = 0.57;
/** Closest passages shown under a "not in the documents" answer. */
export const MAXIMUM_RELATED_PASSAGES = 3;
/** Longest excerpt of a closest passage, in characters. */
const MAXIMUM_EXCERPT_CHARACTERS = 320;

/** The excerpt of a result: its matched passage, whitespace collapsed, cut at a word boundary. */
function excerptOf(result: SearchResult): string {
  const passage = result.text.slice(result.highlight.start, result.highlight.end).replace(/\s+/g, " ").trim();
  if (passage.length <= MAXIMUM_EXCERPT_CHARACTERS) return passage;
  const cut = passage.slice(0, MAXIMUM_EXCERPT_CHARACTERS);
  const lastSpace = cut.lastIndexOf(" ");
  return `${(lastSpace > MAXIMUM_EXCERPT_CHARACTERS / 2 ? cut.slice(0, lastSpace) : cut).trimEnd()}…`;
}

/** Search results under the threshold as the `data-related` payload, at most MAXIMUM_RELATED_PASSAGES, best first. */
export function toRelatedPassages(results: SearchResult[]): ChatRelatedPassage[] {
  return results
    .filter((result) => result.score >= RELATED_PASSAGE_FLOOR)
    .slice(0, MAXIMUM_RELATED_PASSAGES)
    .map((result) => ({
      documentId: result.documentId,
      documentName: result.documentName,
      chunkId: result.chunkId,
      page: result.page,
      // The place is the matched passage's page, not the whole chunk's range.
      pageStart: result.page ?? result.pageStart,
      pageEnd: result.page ?? result.pageEnd,
      section: result.section,
      excerpt: excerptOf(result),
      score: result.score,
    }));
}
