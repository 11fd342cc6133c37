/** Plain-text parsing: paragraphs separated by blank lines. */

import type { ParsedDocument, TextBlock } from "@/lib/contracts/documents";
import { collapseWhitespace, normalizeLineEndings, stripByteOrderMark } from "./text-normalization";

// A "paragraph" without blank lines longer than this is most likely one line per paragraph (or a
// whole file of hard-wrapped text); splitting it at single line breaks keeps blocks a useful size.
const SINGLE_BLOCK_LIMIT = 2_000;

/** Tidies each line but keeps the line breaks, which carry meaning in addresses, lists and verse. */
function cleanParagraph(paragraph: string): string {
  return paragraph
    .split("\n")
    .map((line) => collapseWhitespace(line))
    .filter((line) => line !== "")
    .join("\n");
}

/** Splits plain text into paragraph blocks (no pages, no section paths). */
export function parseText(text: string): ParsedDocument {
  const normalized = normalizeLineEndings(stripByteOrderMark(text));
  const blocks: TextBlock[] = [];
  for (const paragraph of normalized.split(/\n[^\S\n]*\n/)) {
    const cleaned = cleanParagraph(paragraph);
    if (cleaned === "") continue;
    const parts = cleaned.length > SINGLE_BLOCK_LIMIT ? cleaned.split("\n") : [cleaned];
    for (const part of parts) blocks.push({ text: part, kind: "paragraph" });
  }
  return { kind: "text", blocks, pageCount: null };
}
