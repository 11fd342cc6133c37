/** Shared shapes of the ingestion pipeline: what parsers produce and what the chunker consumes. */

export type DocumentKind = "pdf" | "docx" | "markdown" | "text";

export const DOCUMENT_KINDS: readonly DocumentKind[] = ["pdf", "docx", "markdown", "text"];

/** Content types the file endpoint serves for each kind. */
export const CONTENT_TYPES: Record<DocumentKind, string> = {
  pdf: "application/pdf",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  markdown: "text/markdown; charset=utf-8",
  text: "text/plain; charset=utf-8",
};

/**
 * One structural unit of a parsed document: a paragraph, heading, list item block or table.
 * Blocks are in reading order. `page` is 1-based as a viewer shows it (PDF only);
 * `sectionPath` is the heading path above the block (DOCX and Markdown), e.g. ["Benefits", "Dental"].
 */
export interface TextBlock {
  text: string;
  kind: "paragraph" | "heading" | "table" | "list" | "code";
  page?: number;
  sectionPath?: string[];
}

export interface ParsedDocument {
  kind: DocumentKind;
  blocks: TextBlock[];
  /** Number of pages for PDFs, null for formats without pages. */
  pageCount: number | null;
  /** A title found in the document (first H1, PDF metadata title), if any. */
  title?: string;
}
