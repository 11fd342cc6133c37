/** Entry point of the parsers: turns stored bytes of any supported kind into blocks. */

import { AppError } from "@/lib/errors";
import type { DocumentKind, ParsedDocument } from "@/lib/contracts/documents";
import { parseDocx } from "./docx-parser";
import { parseMarkdown } from "./markdown-parser";
import { parsePdf } from "./pdf-parser";
import { parseText } from "./text-parser";
import { stripNonTextPayloads } from "./text-normalization";

export { parseDocx } from "./docx-parser";
export { parseMarkdown } from "./markdown-parser";
export { inspectPdf, parsePdf, type PdfOpenOptions, type PdfParseOptions } from "./pdf-parser";
export { parseText } from "./text-parser";

/** Options for `parseDocument`. */
export interface ParseDocumentOptions {
  kind: DocumentKind;
  bytes: Uint8Array;
  /** PDF user password, when one was supplied. */
  password?: string;
  /** PDF only: called after each page. */
  onProgress?: (pagesDone: number, pageCount: number) => void;
  /** PDF only: stops extraction between pages. */
  signal?: AbortSignal;
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    // `fatal` turns invalid byte sequences into an error instead of silently inserting U+FFFD.
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (error) {
    throw new AppError("text.invalid_encoding", "The file is not valid UTF-8 text; save it with UTF-8 encoding and upload it again.", {
      cause: error,
    });
  }
}

function requireText(parsed: ParsedDocument): ParsedDocument {
  if (!parsed.blocks.some((block) => block.text.trim() !== "")) throw new AppError("text.no_text", "The file has no text.");
  return parsed;
}

/** Parses a document of any supported kind; failures are `AppError`s with a code the client can show. */
export async function parseDocument(options: ParseDocumentOptions): Promise<ParsedDocument> {
  switch (options.kind) {
    case "pdf":
      return withoutPayloads(await parsePdf(options.bytes, { password: options.password, onProgress: options.onProgress, signal: options.signal }), "pdf.no_text");
    case "docx":
      return withoutPayloads(await parseDocx(options.bytes), "docx.no_text");
    case "markdown":
      return requireText(withoutPayloads(parseMarkdown(decodeUtf8(options.bytes)), "text.no_text"));
    case "text":
      return requireText(withoutPayloads(parseText(decodeUtf8(options.bytes)), "text.no_text"));
  }
}

/**
 * Every parser's blocks without non-text payloads (embedded images as data URIs, base64 and hex
 * dumps), so they are never chunked or embedded; a document with nothing else fails with `noText`.
 */
function withoutPayloads(parsed: ParsedDocument, noText: "pdf.no_text" | "docx.no_text" | "text.no_text"): ParsedDocument {
  const blocks = parsed.blocks.flatMap((block) => {
    const text = stripNonTextPayloads(block.text);
    if (text === block.text) return [block];
    return text.trim() === "" ? [] : [{ ...block, text }];
  });
  if (blocks.length === 0 && parsed.blocks.length > 0) throw new AppError(noText, "The file has no text besides embedded data.");
  return { ...parsed, blocks };
}
