import type { ChatSourceData } from "@/lib/chat/types";
import type { SearchResult } from "@/lib/retrieval/search";

/** Numbers search results as the chat's sources (1-based, best first): the `data-source` payloads. */
export function toChatSources(results: SearchResult[]): ChatSourceData[] {
  return results.map((result, position) => ({
    index: position + 1,
    documentId: result.documentId,
    documentName: result.documentName,
    chunkId: result.chunkId,
    page: result.page,
    pageStart: result.pageStart,
    pageEnd: result.pageEnd,
    section: result.section,
    text: result.text,
  }));
}
