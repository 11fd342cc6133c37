import path from "node:path";
import { AppError } from "@/lib/errors";
import { formatMegabytes, MEBIBYTE, type UploadLimits } from "./upload-limits";
import { inflateToNothing, isBeyondDeclaredSize, openZip, readNextEntry, readSmallEntry, type Entry, type ZipFile } from "./zip-reader";

/**
 * The OOXML checks of an upload named .docx whose bytes are a ZIP archive: that it is a Word
 * package (its main document part found by convention or through the package's relationships
 * and content types) and that unpacking it cannot exhaust the server's memory.
 *
 * The DOCX parser (mammoth) decompresses whole parts in memory, so it must only ever run on a file
 * that passed this check. The check first reads the ZIP central directory and enforces the limits on
 * the declared sizes; only then does it inflate each part into nothing, where yauzl's
 * `validateEntrySizes` catches a part that unpacks to more than it declared (a lying bomb).
 */

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

interface ArchiveContents {
  /** File entries keyed by lower-case name, since OPC part names are case-insensitive. */
  entries: Map<string, Entry>;
  relationships: string | undefined;
  contentTypes: string | undefined;
}

/** Checks a ZIP archive named .docx (its signature already checked) as a Word package within the limits. */
export async function checkDocxPackage(options: { name: string; filePath: string; limits: UploadLimits }): Promise<void> {
  const { name, filePath, limits } = options;
  let zipFile: ZipFile;
  try {
    zipFile = await openZip(filePath);
  } catch (error) {
    throw invalidDocx(name, error);
  }

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
      throw new AppError("upload.content_mismatch", `"${name}" is a ZIP archive but not a Word document. Upload a Word document saved as .docx.`);
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
  return new AppError("docx.zip_bomb", `"${options.name}" ${options.problem}. It was refused because it could exhaust the server's memory when unpacked.`, {
    details: { reason: options.reason },
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
      const text = await readSmallEntry({ zipFile, entry, maxBytes: MAX_PACKAGE_METADATA_BYTES });
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
async function checkEntryInflatesAsDeclared(options: { zipFile: ZipFile; entry: Entry; name: string }): Promise<void> {
  const { zipFile, entry, name } = options;
  try {
    await inflateToNothing({ zipFile, entry });
  } catch (error) {
    if (error instanceof Error && isBeyondDeclaredSize(error)) {
      throw zipBomb({ name, reason: "total_size", problem: "contains a part that unpacks to more than its declared size" });
    }
    throw error;
  }
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
