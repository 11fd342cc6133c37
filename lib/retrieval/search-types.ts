/** What a search is asked and what it returns (lib/retrieval/search.ts), shared by its steps and callers. */

export type SearchMode = "hybrid" | "vector" | "keyword";

export const SEARCH_MODES: readonly SearchMode[] = ["hybrid", "vector", "keyword"];

export const MAXIMUM_QUERY_CHARACTERS = 4_000;

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

/** A document as a search reports it to callers. */
export interface DocumentReference {
  documentId: string;
  documentName: string;
}

/** A search's results and the scope it used: the documents the question's names made it prefer (decision 0010). */
export interface ScopedSearch {
  results: SearchResult[];
  preferredDocuments: DocumentReference[];
}

export interface SearchOptions {
  query: string;
  topK: number;
  threshold: number;
  documentIds?: string[];
  /** hybrid (default): vectors and BM25 fused; vector or keyword: one retriever ranks alone. */
  mode?: SearchMode;
  /**
   * The text the document priors read (naming, date) when it is not the query: a part of a
   * two-part question is searched alone, but the documents it is about are named elsewhere in the
   * question ("…under Northwind Health Plus, and what is covered?").
   */
  priorText?: string;
  /**
   * Chat retrieval: also search each part of a two-part question, and the question's words the
   * best pages never mention, so an answer finds evidence for all it was asked. It costs one to
   * three more searches, so the search API does not.
   */
  coverEveryPart?: boolean;
}
