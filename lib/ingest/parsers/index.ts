/** Entry point of the parsers: turns stored bytes of any supported kind into blocks. */

import { AppError } from "@/lib/errors";
import type { DocumentKind, ParsedDocument } from "@/lib/ingest/types";
import { parseDocx } from "./docx-parser";
import { parseMarkdown } from "./markdown-parser";
import { parsePdf } from "./pdf-parser";
import { parseText } from "./text-parser";

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
      return parsePdf(options.bytes, { password: options.password, onProgress: options.onProgress, signal: options.signal });
    case "docx":
      return parseDocx(options.bytes);
    case "markdown":
      return requireText(parseMarkdown(decodeUtf8(options.bytes)));
    case "text":
      return requireText(parseText(decodeUtf8(options.bytes)));
  }
}
