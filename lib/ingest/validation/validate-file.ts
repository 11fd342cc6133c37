import { open, readFile, stat } from "node:fs/promises";
import { AppError } from "@/lib/errors";
import { type DocumentKind } from "@/lib/contracts/documents";
import { ALLOWED_EXTENSIONS_TEXT } from "./accepted-files";
import { kindFromExtension } from "./detect-kind";
import { checkDocxPackage } from "./docx-package";
import { fileExtension, sanitizeFileName } from "./file-name";
import { formatMegabytes, type UploadLimits } from "./upload-limits";
import { ZIP_EMPTY_ARCHIVE, ZIP_LOCAL_FILE_HEADER } from "./zip-reader";

export interface ValidateUploadedFileOptions {
  /** The file name as the client sent it; it is sanitised here. */
  name: string;
  /** Where the upload handler streamed the file to. */
  filePath: string;
  /** The number of bytes the upload handler counted. */
  size: number;
  limits: UploadLimits;
}

export interface ValidatedFile {
  kind: DocumentKind;
  /** The sanitised file name, safe to store and display. */
  name: string;
}

/** Readers such as Acrobat accept up to this many bytes of junk before the `%PDF-` header. */
const PDF_HEADER_SEARCH_BYTES = 1024;
const PDF_HEADER = Buffer.from("%PDF-", "latin1");

/**
 * Checks that an uploaded file is what its extension claims and is safe to hand to a parser: the
 * extension, the size, then by kind the PDF header, the ZIP signature and the Word package
 * (docx-package.ts), or UTF-8 text.
 */
export async function validateUploadedFile(options: ValidateUploadedFileOptions): Promise<ValidatedFile> {
  const { filePath, limits } = options;
  const name = sanitizeFileName(options.name);

  const kind = kindFromExtension(name);
  if (kind === undefined) {
    const extension = fileExtension(name);
    const what = extension === "" ? "has no file extension" : `is a .${extension} file`;
    throw new AppError("upload.unsupported_type", `"${name}" ${what}, which is not supported. Upload ${ALLOWED_EXTENSIONS_TEXT} files.`);
  }

  // The on-disk size is what the parsers will read; the counted size is checked too in case they differ.
  const { size: sizeOnDisk } = await stat(filePath);
  if (sizeOnDisk === 0) {
    throw new AppError("upload.empty_file", `"${name}" is empty (0 bytes). Check the file and upload it again.`);
  }
  if (Math.max(sizeOnDisk, options.size) > limits.maxBytes) {
    throw new AppError("upload.too_large", `"${name}" is larger than the upload limit of ${formatMegabytes(limits.maxBytes)}.`, { details: { maxBytes: limits.maxBytes } });
  }

  switch (kind) {
    case "pdf":
      await checkPdfHeader({ name, filePath });
      break;
    case "docx":
      await checkDocxSignature({ name, filePath });
      await checkDocxPackage({ name, filePath, limits });
      break;
    case "markdown":
    case "text":
      await checkPlainText({ name, filePath });
      break;
  }
  return { kind, name };
}

/** Reads up to `length` bytes from the start of a file. */
async function readHead(filePath: string, length: number): Promise<Buffer> {
  const handle = await open(filePath, "r");
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function startsWith(bytes: Buffer, signature: readonly number[] | Buffer): boolean {
  if (bytes.length < signature.length) return false;
  return signature.every((byte, index) => bytes[index] === byte);
}

/** Names the format a file's first bytes reveal, for messages about misnamed files. */
function describeForeignContent(head: Buffer): string | undefined {
  if (startsWith(head, ZIP_LOCAL_FILE_HEADER) || startsWith(head, ZIP_EMPTY_ARCHIVE)) return "a ZIP archive";
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    return "an old-format (Word 97–2003) or password-protected Office file";
  }
  if (startsWith(head, [0x7f, 0x45, 0x4c, 0x46])) return "a program (ELF executable)";
  if (startsWith(head, [0x4d, 0x5a])) return "a program (Windows executable)";
  if (
    startsWith(head, [0xfe, 0xed, 0xfa, 0xce]) ||
    startsWith(head, [0xfe, 0xed, 0xfa, 0xcf]) ||
    startsWith(head, [0xcf, 0xfa, 0xed, 0xfe]) ||
    startsWith(head, [0xce, 0xfa, 0xed, 0xfe]) ||
    startsWith(head, [0xca, 0xfe, 0xba, 0xbe])
  ) {
    return "a program (macOS executable)";
  }
  if (startsWith(head, [0x1f, 0x8b])) return "a gzip archive";
  if (startsWith(head, [0x23, 0x21])) return "a script";
  if (startsWith(head, Buffer.from("{\\rtf", "latin1"))) return "an RTF document";
  if (startsWith(head, PDF_HEADER)) return "a PDF file";
  // Markup may follow a BOM or blank lines.
  const text = head
    .subarray(0, 64)
    .toString("latin1")
    .replace(/^(\xEF\xBB\xBF|\s)+/, "")
    .toLowerCase();
  if (text.startsWith("<!doctype html") || text.startsWith("<html")) return "a web page (HTML)";
  if (text.startsWith("<")) return "an XML or HTML file";
  return undefined;
}

async function checkPdfHeader(options: { name: string; filePath: string }): Promise<void> {
  const head = await readHead(options.filePath, PDF_HEADER_SEARCH_BYTES + PDF_HEADER.length);
  const headerOffset = head.indexOf(PDF_HEADER);
  // Leading junk is tolerated only when it is not itself another format: an executable or web page
  // with "%PDF-" somewhere near its start is a polyglot, not a PDF with a stray prefix.
  const foreign = headerOffset === 0 ? undefined : describeForeignContent(head);
  if (headerOffset >= 0 && headerOffset <= PDF_HEADER_SEARCH_BYTES && foreign === undefined) return;
  throw new AppError("upload.content_mismatch", `"${options.name}" is named .pdf but is ${foreign ?? "not a PDF file"}. Upload the original PDF.`);
}

async function checkPlainText(options: { name: string; filePath: string }): Promise<void> {
  const { name, filePath } = options;
  const bytes = await readFile(filePath);
  if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff])) {
    throw new AppError("text.invalid_encoding", `"${name}" is saved as UTF-16. Save it as UTF-8 and upload it again.`);
  }
  if (bytes.includes(0)) {
    throw new AppError("text.invalid_encoding", `"${name}" contains binary data (NUL bytes), so it is not a text file. Upload a UTF-8 text file.`);
  }
  let text: string;
  try {
    // The decoder drops a leading UTF-8 BOM, which editors on Windows often write.
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (error) {
    throw new AppError("text.invalid_encoding", `"${name}" is not valid UTF-8 text. Save it with UTF-8 encoding and upload it again.`, { cause: error });
  }
  if (text.trim() === "") {
    throw new AppError("text.no_text", `"${name}" contains only whitespace, so there is nothing to index.`);
  }
}

async function checkDocxSignature(options: { name: string; filePath: string }): Promise<void> {
  const head = await readHead(options.filePath, 64);
  if (startsWith(head, ZIP_LOCAL_FILE_HEADER)) return;
  const foreign = describeForeignContent(head);
  throw new AppError("upload.content_mismatch", `"${options.name}" is named .docx but is ${foreign ?? "not a Word document"}. Upload a Word document saved as .docx.`);
}
