/** PDF parsing with pdf.js (legacy build, which runs in Node): text per 1-based page, one page at a time. */

import path from "node:path";
import type { DocumentInitParameters, PDFDocumentProxy, PDFPageProxy, TextItem, TextMarkedContent } from "pdfjs-dist/types/src/display/api";
import { AppError } from "@/lib/errors";
import type { ParsedDocument, TextBlock } from "@/lib/contracts/documents";
import { logger } from "@/lib/logger";
import { resolveLineEndHyphens } from "./line-end-hyphens";
import { buildPageParagraphs } from "./pdf-text-layout";
import { loadPdfJs, pdfJsPackageDirectory, type PdfJs } from "./pdfjs-loader";
import { collapseWhitespace, hasWordCharacters } from "./text-normalization";

/** Options for opening a PDF. */
export interface PdfOpenOptions {
  /** The user password, when the person uploading it supplied one. */
  password?: string;
}

/** Options for `parsePdf`. */
export interface PdfParseOptions extends PdfOpenOptions {
  /** Called after each page, so long documents can report progress. */
  onProgress?: (pagesDone: number, pageCount: number) => void;
  /** Stops extraction between pages. */
  signal?: AbortSignal;
}

const ENCRYPTED_MESSAGE = "This PDF is encrypted with a password; remove the password and upload it again.";
const INVALID_MESSAGE = "This file is damaged or is not a valid PDF, so its text cannot be read.";
const NO_TEXT_MESSAGE = "No extractable text (scanned document?). This PDF contains only images of text; run it through OCR (text recognition) and upload the result.";

let diagnostics: "errors" | "infos" = "errors";

/**
 * Makes pdf.js also report what it skipped (a stream it could not decode, metadata it dropped):
 * the parse process watches those lines for allocations its memory limit refused.
 */
export function reportPdfDiagnostics(): void {
  diagnostics = "infos";
}

function documentParameters(bytes: Uint8Array, password: string | undefined, pdfJs: PdfJs): DocumentInitParameters {
  const directory = pdfJsPackageDirectory();
  return {
    // pdf.js transfers (detaches) the buffer it is given; the caller keeps its own bytes.
    data: new Uint8Array(bytes),
    password,
    isEvalSupported: false,
    useSystemFonts: false,
    disableFontFace: true,
    isOffscreenCanvasSupported: false,
    // Standard 14 font metrics and CMaps are needed to map CID fonts (CJK, Arabic) to Unicode.
    standardFontDataUrl: `${path.join(directory, "standard_fonts")}/`,
    cMapUrl: `${path.join(directory, "cmaps")}/`,
    cMapPacked: true,
    verbosity: diagnostics === "infos" ? pdfJs.VerbosityLevel.INFOS : pdfJs.VerbosityLevel.ERRORS,
  };
}

function errorName(error: unknown): string | undefined {
  if (typeof error === "object" && error !== null && "name" in error && typeof error.name === "string") return error.name;
  return undefined;
}

function toOpenError(error: unknown): AppError {
  if (errorName(error) === "PasswordException") {
    const code = typeof error === "object" && error !== null && "code" in error ? error.code : undefined;
    return new AppError("pdf.encrypted", ENCRYPTED_MESSAGE, {
      cause: error,
      // pdf.js PasswordResponses: 1 = a password is needed, 2 = the given password is wrong.
      details: { reason: code === 2 ? "incorrect_password" : "password_required" },
    });
  }
  return new AppError("pdf.invalid", INVALID_MESSAGE, { cause: error });
}

async function openDocument(bytes: Uint8Array, password: string | undefined): Promise<{ document: PDFDocumentProxy; close: () => Promise<void> }> {
  const pdfJs = await loadPdfJs();
  let task: ReturnType<PdfJs["getDocument"]>;
  try {
    task = pdfJs.getDocument(documentParameters(bytes, password, pdfJs));
  } catch (error) {
    throw toOpenError(error);
  }
  const close = (): Promise<void> => task.destroy();
  try {
    return { document: await task.promise, close };
  } catch (error) {
    await close().catch(() => undefined);
    throw toOpenError(error);
  }
}

function isTextItem(item: TextItem | TextMarkedContent): item is TextItem {
  return "str" in item;
}

function stringProperty(record: unknown, key: string): string | undefined {
  if (typeof record !== "object" || record === null) return undefined;
  const value: unknown = (record as Record<string, unknown>)[key];
  return typeof value === "string" ? value : undefined;
}

async function readMetadata(document: PDFDocumentProxy): Promise<{ title: string | undefined; encrypted: boolean }> {
  try {
    const { info, metadata } = await document.getMetadata();
    const infoTitle = collapseWhitespace(stringProperty(info, "Title") ?? "");
    const xmpTitle: unknown = metadata?.get("dc:title");
    const metadataTitle = typeof xmpTitle === "string" ? collapseWhitespace(xmpTitle) : "";
    const encrypted = stringProperty(info, "EncryptFilterName") !== undefined;
    return { title: infoTitle || metadataTitle || undefined, encrypted };
  } catch {
    // Metadata is optional; a broken info dictionary must not fail an otherwise readable file.
    return { title: undefined, encrypted: false };
  }
}

async function extractPage(document: PDFDocumentProxy, pageNumber: number): Promise<string[]> {
  let page: PDFPageProxy | undefined;
  try {
    page = await document.getPage(pageNumber);
    const content = await page.getTextContent();
    return buildPageParagraphs(content.items.filter(isTextItem));
  } finally {
    // Releases the page's parsed resources (fonts, operator lists) so memory stays flat over long documents.
    page?.cleanup();
  }
}

/** Extracts the text of a PDF as paragraphs with 1-based page numbers; throws `AppError` pdf.encrypted, pdf.invalid or pdf.no_text. */
export async function parsePdf(bytes: Uint8Array, options: PdfParseOptions = {}): Promise<ParsedDocument> {
  const { document, close } = await openDocument(bytes, options.password);
  try {
    const pageCount = document.numPages;
    const blocks: TextBlock[] = [];
    let failedPages = 0;
    for (let pageNumber = 1; pageNumber <= pageCount; pageNumber++) {
      options.signal?.throwIfAborted();
      try {
        for (const text of await extractPage(document, pageNumber)) blocks.push({ text, kind: "paragraph", page: pageNumber });
      } catch (error) {
        // One damaged page should not cost the rest of the document.
        failedPages++;
        logger.warn("pdf.page_failed", { page: pageNumber, error });
      }
      options.onProgress?.(pageNumber, pageCount);
    }
    if (pageCount === 0 || failedPages === pageCount) throw new AppError("pdf.invalid", INVALID_MESSAGE);
    if (!blocks.some((block) => hasWordCharacters(block.text))) throw new AppError("pdf.no_text", NO_TEXT_MESSAGE);
    const settled = resolveLineEndHyphens(blocks.map((block) => block.text));
    for (const [index, block] of blocks.entries()) block.text = settled[index] ?? block.text;
    const { title } = await readMetadata(document);
    return title === undefined ? { kind: "pdf", blocks, pageCount } : { kind: "pdf", blocks, pageCount, title };
  } finally {
    await close();
  }
}

/** Opens a PDF without extracting text (upload-time check); throws `AppError` pdf.encrypted or pdf.invalid. */
export async function inspectPdf(bytes: Uint8Array, options: PdfOpenOptions = {}): Promise<{ pageCount: number; encrypted: boolean }> {
  const { document, close } = await openDocument(bytes, options.password);
  try {
    const { encrypted } = await readMetadata(document);
    return { pageCount: document.numPages, encrypted };
  } finally {
    await close();
  }
}
