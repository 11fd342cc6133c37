import type { ChatSourceData } from "@/lib/contracts/chat-message";
import type { SearchResult } from "@/lib/retrieval/search";

/**
 * Numbers search results as the chat's sources (1-based, best first): the `data-source` payloads.
 * A source from a paged document holds only its chunk's text on the attributed page, so every
 * sentence quoted or paraphrased under `[n]` is on the page that `[n]` names.
 */
export function toChatSources(results: SearchResult[]): ChatSourceData[] {
  return results.map((result, position) => {
    const range = result.page !== null ? result.pageRange : null;
    return {
      index: position + 1,
      documentId: result.documentId,
      documentName: result.documentName,
      chunkId: result.chunkId,
      page: result.page,
      pageStart: range ? result.page : result.pageStart,
      pageEnd: range ? result.page : result.pageEnd,
      section: result.section,
      text: range ? result.text.slice(range.start, range.end) : result.text,
    };
  });
}
