import { open, readFile, stat } from "node:fs/promises";
import path from "node:path";
import yauzl, { type Entry, type ZipFile } from "yauzl";
import { AppError } from "@/lib/errors";
import { type DocumentKind } from "@/lib/contracts/documents";
import { ALLOWED_EXTENSIONS_TEXT, kindFromExtension } from "./detect-kind";
import { fileExtension, sanitizeFileName } from "./file-name";

/** Size limits an upload is checked against (from `AppConfig.upload`). */
export interface UploadLimits {
  maxBytes: number;
  docxMaxUncompressedBytes: number;
  docxMaxEntries: number;
}

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

const MEBIBYTE = 1024 * 1024;

/** Readers such as Acrobat accept up to this many bytes of junk before the `%PDF-` header. */
const PDF_HEADER_SEARCH_BYTES = 1024;
const PDF_HEADER = Buffer.from("%PDF-", "latin1");

const ZIP_LOCAL_FILE_HEADER = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/** An entry is a bomb when it inflates more than this ratio... */
const MAX_COMPRESSION_RATIO = 200;
/** ...and is also larger than this, so small, highly repetitive XML parts are not flagged. */
const RATIO_CHECK_MIN_UNCOMPRESSED_BYTES = 10 * MEBIBYTE;

/** Package metadata parts are tiny in real files; a big one is not worth inflating. */
const MAX_PACKAGE_METADATA_BYTES = MEBIBYTE;

const MAIN_DOCUMENT_PART = "word/document.xml";
const RELATIONSHIPS_PART = "_rels/.rels";
const CONTENT_TYPES_PART = "[content_types].xml";

// Transitional and Strict OOXML name the main-part relationship differently.
const OFFICE_DOCUMENT_RELATIONSHIP_TYPES = new Set([
  "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
  "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument",
]);

const WORD_MAIN_CONTENT_TYPES = new Set([
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
  "application/vnd.ms-word.document.macroenabled.main+xml",
  "application/vnd.ms-word.template.macroenabledtemplate.main+xml",
]);

/**
 * Checks that an uploaded file is what its extension claims and is safe to hand to a parser.
 *
 * The DOCX parser (mammoth) decompresses whole parts in memory, so it must only ever run on a file
 * that passed this check. The check first reads the ZIP central directory and enforces the limits on
 * the declared sizes; only then does it inflate each part into nothing, where yauzl's
 * `validateEntrySizes` catches a part that unpacks to more than it declared (a lying bomb).
 */
export async function validateUploadedFile(options: ValidateUploadedFileOptions): Promise<ValidatedFile> {
  const { filePath, limits } = options;
  const name = sanitizeFileName(options.name);

  const kind = kindFromExtension(name);
  if (kind === undefined) {
    const extension = fileExtension(name);
    const what = extension === "" ? "has no file extension" : `is a .${extension} file`;
    throw new AppError(
      "upload.unsupported_type",
      `"${name}" ${what}, which is not supported. Upload ${ALLOWED_EXTENSIONS_TEXT} files.`,
    );
  }

  // The on-disk size is what the parsers will read; the counted size is checked too in case they differ.
  const { size: sizeOnDisk } = await stat(filePath);
  if (sizeOnDisk === 0) {
    throw new AppError("upload.empty_file", `"${name}" is empty (0 bytes). Check the file and upload it again.`);
  }
  if (Math.max(sizeOnDisk, options.size) > limits.maxBytes) {
    throw new AppError(
      "upload.too_large",
      `"${name}" is larger than the upload limit of ${formatMegabytes(limits.maxBytes)}.`,
      { details: { maxBytes: limits.maxBytes } },
    );
  }

  switch (kind) {
    case "pdf":
      await checkPdfHeader({ name, filePath });
      break;
    case "docx":
      await checkDocxArchive({ name, filePath, limits });
      break;
    case "markdown":
    case "text":
      await checkPlainText({ name, filePath });
      break;
  }
  return { kind, name };
}

/** "50 MB", "1.5 MB", or enough significant digits for tiny limits. */
function formatMegabytes(bytes: number): string {
  const megabytes = bytes / MEBIBYTE;
  const formatted =
    megabytes >= 1
      ? megabytes.toLocaleString("en-US", { maximumFractionDigits: 1 })
      : megabytes.toLocaleString("en-US", { maximumSignificantDigits: 2 });
  return `${formatted} MB`;
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
  if (startsWith(head, ZIP_LOCAL_FILE_HEADER) || startsWith(head, [0x50, 0x4b, 0x05, 0x06])) return "a ZIP archive";
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
  const text = head.subarray(0, 64).toString("latin1").replace(/^(\xEF\xBB\xBF|\s)+/, "").toLowerCase();
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
  throw new AppError(
    "upload.content_mismatch",
    `"${options.name}" is named .pdf but is ${foreign ?? "not a PDF file"}. Upload the original PDF.`,
  );
}

async function checkPlainText(options: { name: string; filePath: string }): Promise<void> {
  const { name, filePath } = options;
  const bytes = await readFile(filePath);
  if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff])) {
    throw new AppError("text.invalid_encoding", `"${name}" is saved as UTF-16. Save it as UTF-8 and upload it again.`);
  }
  if (bytes.includes(0)) {
    throw new AppError(
      "text.invalid_encoding",
      `"${name}" contains binary data (NUL bytes), so it is not a text file. Upload a UTF-8 text file.`,
    );
  }
  let text: string;
  try {
    // The decoder drops a leading UTF-8 BOM, which editors on Windows often write.
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (error) {
    throw new AppError(
      "text.invalid_encoding",
      `"${name}" is not valid UTF-8 text. Save it with UTF-8 encoding and upload it again.`,
      { cause: error },
    );
  }
  if (text.trim() === "") {
    throw new AppError("text.no_text", `"${name}" contains only whitespace, so there is nothing to index.`);
  }
}

interface ArchiveContents {
  /** File entries keyed by lower-case name, since OPC part names are case-insensitive. */
  entries: Map<string, Entry>;
  relationships: string | undefined;
  contentTypes: string | undefined;
}

async function checkDocxArchive(options: { name: string; filePath: string; limits: UploadLimits }): Promise<void> {
  const { name, filePath, limits } = options;
  const head = await readHead(filePath, 64);
  if (!startsWith(head, ZIP_LOCAL_FILE_HEADER)) {
    const foreign = describeForeignContent(head);
    throw new AppError(
      "upload.content_mismatch",
      `"${name}" is named .docx but is ${foreign ?? "not a Word document"}. Upload a Word document saved as .docx.`,
    );
  }

  let zipFile: ZipFile;
  try {
    zipFile = await openZip(filePath);
  } catch (error) {
    throw invalidDocx(name, error);
  }
  // yauzl emits late errors (e.g. closing the file) on the ZipFile; without a listener they would crash the process.
  zipFile.on("error", () => undefined);

  try {
    // The entry count comes from the end-of-central-directory record, so a bomb with millions of
    // entries is refused before any of them is read.
    if (zipFile.entryCount > limits.docxMaxEntries) {
      throw zipBomb({
        name,
        reason: "entry_count",
        problem: `has ${zipFile.entryCount} parts, more than the ${limits.docxMaxEntries} a Word document may have`,
      });
    }
    const contents = await readCentralDirectory({ zipFile, name, limits });
    const mainPart = findMainDocumentPart(contents);
    if (mainPart === undefined) {
      throw new AppError(
        "upload.content_mismatch",
        `"${name}" is a ZIP archive but not a Word document. Upload a Word document saved as .docx.`,
      );
    }
    if (mainPart.uncompressedSize > limits.docxMaxUncompressedBytes) {
      throw zipBomb({
        name,
        reason: "total_size",
        problem: `has a main text part larger than the limit of ${formatMegabytes(limits.docxMaxUncompressedBytes)}`,
      });
    }
    if (mainPart.isEncrypted()) {
      throw new AppError("docx.invalid", `"${name}" is password-protected. Remove the password in Word and upload it again.`);
    }
    // Only now, with every declared size within the limits, inflate each part to check it.
    for (const entry of contents.entries.values()) await checkEntryInflatesAsDeclared({ zipFile, entry, name });
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw invalidDocx(name, error);
  } finally {
    zipFile.close();
  }
}

function invalidDocx(name: string, cause: unknown): AppError {
  return new AppError("docx.invalid", `"${name}" is damaged or not a valid Word document and cannot be opened.`, { cause });
}

function zipBomb(options: { name: string; reason: "entry_count" | "total_size" | "compression_ratio"; problem: string }): AppError {
  return new AppError(
    "docx.zip_bomb",
    `"${options.name}" ${options.problem}. It was refused because it could exhaust the server's memory when unpacked.`,
    { details: { reason: options.reason } },
  );
}

function openZip(filePath: string): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(
      filePath,
      { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false },
      (error, zipFile) => (error ? reject(error) : resolve(zipFile)),
    );
  });
}

/** The next central-directory entry, or undefined after the last one. */
function readNextEntry(zipFile: ZipFile): Promise<Entry | undefined> {
  return new Promise((resolve, reject) => {
    const onEntry = (entry: Entry): void => {
      removeListeners();
      resolve(entry);
    };
    const onEnd = (): void => {
      removeListeners();
      resolve(undefined);
    };
    const onError = (error: Error): void => {
      removeListeners();
      reject(error);
    };
    function removeListeners(): void {
      zipFile.off("entry", onEntry);
      zipFile.off("end", onEnd);
      zipFile.off("error", onError);
    }
    zipFile.on("entry", onEntry);
    zipFile.on("end", onEnd);
    zipFile.on("error", onError);
    zipFile.readEntry();
  });
}

/** Walks the central directory, enforcing the bomb limits on declared sizes as it goes. */
async function readCentralDirectory(options: { zipFile: ZipFile; name: string; limits: UploadLimits }): Promise<ArchiveContents> {
  const { zipFile, name, limits } = options;
  const contents: ArchiveContents = { entries: new Map(), relationships: undefined, contentTypes: undefined };
  let entryCount = 0;
  let totalUncompressedBytes = 0;

  for (let entry = await readNextEntry(zipFile); entry !== undefined; entry = await readNextEntry(zipFile)) {
    entryCount += 1;
    // The end record already passed the count check; this guards against a directory that disagrees with it.
    if (entryCount > limits.docxMaxEntries) {
      throw zipBomb({
        name,
        reason: "entry_count",
        problem: `has more than the ${limits.docxMaxEntries} parts a Word document may have`,
      });
    }
    totalUncompressedBytes += entry.uncompressedSize;
    if (totalUncompressedBytes > limits.docxMaxUncompressedBytes) {
      throw zipBomb({
        name,
        reason: "total_size",
        problem: `unpacks to more than the limit of ${formatMegabytes(limits.docxMaxUncompressedBytes)}`,
      });
    }
    const ratio = entry.compressedSize === 0 ? Number.POSITIVE_INFINITY : entry.uncompressedSize / entry.compressedSize;
    if (entry.uncompressedSize > RATIO_CHECK_MIN_UNCOMPRESSED_BYTES && ratio > MAX_COMPRESSION_RATIO) {
      throw zipBomb({
        name,
        reason: "compression_ratio",
        problem: `contains a part that is compressed more than ${MAX_COMPRESSION_RATIO} to 1`,
      });
    }

    if (entry.fileName.endsWith("/")) continue;
    const partName = entry.fileName.toLowerCase();
    contents.entries.set(partName, entry);
    if (partName === RELATIONSHIPS_PART || partName === CONTENT_TYPES_PART) {
      const text = await readSmallEntry({ zipFile, entry });
      if (partName === RELATIONSHIPS_PART) contents.relationships = text;
      else contents.contentTypes = text;
    }
  }
  return contents;
}

/**
 * Inflates a part into nothing, so a part that unpacks to more than its header declares (a bomb
 * that lies about its size) is caught here, where inflating is bounded by the declared sizes
 * checked above, instead of in the parser, which would inflate it whole in memory.
 */
function checkEntryInflatesAsDeclared(options: { zipFile: ZipFile; entry: Entry; name: string }): Promise<void> {
  const { zipFile, entry, name } = options;
  if (entry.isEncrypted()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    zipFile.openReadStream(entry, (error, stream) => {
      if (error) {
        reject(error);
        return;
      }
      stream.on("data", () => undefined);
      stream.on("error", (streamError: Error) => {
        // yauzl's validateEntrySizes stops the stream at the first byte beyond the declared size.
        if (/too many bytes/i.test(streamError.message)) {
          reject(zipBomb({ name, reason: "total_size", problem: "contains a part that unpacks to more than its declared size" }));
        } else reject(streamError);
      });
      stream.on("end", () => resolve());
    });
  });
}

/** Inflates a small metadata part; undefined when it claims to be too big to be genuine. */
function readSmallEntry(options: { zipFile: ZipFile; entry: Entry }): Promise<string | undefined> {
  const { zipFile, entry } = options;
  if (entry.uncompressedSize > MAX_PACKAGE_METADATA_BYTES || entry.isEncrypted()) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    zipFile.openReadStream(entry, (error, stream) => {
      if (error) {
        reject(error);
        return;
      }
      const chunks: Buffer[] = [];
      let byteCount = 0;
      stream.on("data", (chunk: Buffer) => {
        byteCount += chunk.length;
        // yauzl already fails on more bytes than declared; this bounds memory even if that changes.
        if (byteCount > MAX_PACKAGE_METADATA_BYTES) {
          stream.destroy(new Error(`${entry.fileName} inflates beyond ${MAX_PACKAGE_METADATA_BYTES} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      stream.on("error", reject);
      stream.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    });
  });
}

/** The attributes of every `<tagName …>` element in an XML document. */
function elementAttributes(options: { xml: string; tagName: string }): Map<string, string>[] {
  const elements: Map<string, string>[] = [];
  // Package metadata is flat and machine-written; a full XML parser is not needed to read it.
  const elementPattern = new RegExp(`<(?:[\\w-]+:)?${options.tagName}\\b([^>]*)>`, "g");
  for (const match of options.xml.matchAll(elementPattern)) {
    const attributes = new Map<string, string>();
    for (const attribute of (match[1] ?? "").matchAll(/([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
      const [, attributeName, doubleQuoted, singleQuoted] = attribute;
      if (attributeName !== undefined) attributes.set(attributeName, decodeXmlEntities(doubleQuoted ?? singleQuoted ?? ""));
    }
    elements.push(attributes);
  }
  return elements;
}

function decodeXmlEntities(value: string): string {
  return value.replace(/&(amp|lt|gt|quot|apos);/g, (_entity, entityName: string) => {
    const replacements: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
    return replacements[entityName] ?? "";
  });
}

/** Resolves a package-root relationship target ("/word/document.xml", "word/x.xml") to a lower-case part name. */
function partNameFromTarget(target: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(target);
  } catch {
    return undefined;
  }
  const normalized = path.posix.normalize(`/${decoded.replace(/^\/+/, "")}`);
  return normalized.slice(1).toLowerCase();
}

/**
 * The entry of the Word main document part. `word/document.xml` is where every Word version puts it;
 * other producers (notably Strict OOXML writers) may name it freely, so `_rels/.rels` and
 * `[Content_Types].xml` are consulted before a ZIP is declared not to be a Word document.
 */
function findMainDocumentPart(contents: ArchiveContents): Entry | undefined {
  const conventional = contents.entries.get(MAIN_DOCUMENT_PART);
  if (conventional !== undefined) return conventional;
  if (contents.relationships === undefined || contents.contentTypes === undefined) return undefined;

  const mainTargets = elementAttributes({ xml: contents.relationships, tagName: "Relationship" })
    .filter((attributes) => OFFICE_DOCUMENT_RELATIONSHIP_TYPES.has(attributes.get("Type") ?? ""))
    .map((attributes) => attributes.get("Target"))
    .filter((target): target is string => target !== undefined);

  const overrides = new Map<string, string>();
  for (const attributes of elementAttributes({ xml: contents.contentTypes, tagName: "Override" })) {
    const partName = attributes.get("PartName");
    const contentType = attributes.get("ContentType");
    if (partName !== undefined && contentType !== undefined) {
      const resolved = partNameFromTarget(partName);
      if (resolved !== undefined) overrides.set(resolved, contentType.toLowerCase());
    }
  }

  for (const target of mainTargets) {
    const partName = partNameFromTarget(target);
    if (partName === undefined) continue;
    const entry = contents.entries.get(partName);
    const contentType = overrides.get(partName);
    // The content type is what tells a Word package from a workbook or a presentation with the same layout.
    if (entry !== undefined && contentType !== undefined && WORD_MAIN_CONTENT_TYPES.has(contentType)) return entry;
  }
  return undefined;
}
