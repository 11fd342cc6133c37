import { AppError } from "@/lib/errors";

/** Longest file name we keep, in characters (code points), extension included. */
export const MAX_FILE_NAME_LENGTH = 200;

/**
 * Extensions longer than this are treated as part of the name when truncating, so a name like
 * "notes.this-is-not-really-an-extension-…" is cut normally instead of keeping a huge "extension".
 */
const MAX_KEPT_EXTENSION_LENGTH = 16;

// Whitespace-like controls become spaces so "Quarterly\nReport.pdf" stays readable as "Quarterly Report.pdf".
const WHITESPACE_CONTROLS = /[\t\n\v\f\r\u0085\u2028\u2029]/g;

// C0, DEL, C1, and the bidi embedding/override/isolate characters that can make "evil\u202Efdp.exe"
// display as "evilexe.pdf"; the bidi marks (LRM, RLM, ALM) are dropped for the same reason.
const CONTROL_AND_BIDI = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

// Unpaired surrogates cannot be encoded as UTF-8, so they would break headers and the database.
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The last non-empty segment of a path written with `/` or `\` separators. */
function lastPathSegment(name: string): string {
  const segments = name.split(/[\\/]/).filter((segment) => segment !== "");
  return segments.at(-1) ?? "";
}

/** A short, inert rendering of a raw name for error messages. */
function displayName(rawName: string): string {
  const visible = rawName.replace(WHITESPACE_CONTROLS, " ").replace(CONTROL_AND_BIDI, "\uFFFD").replace(LONE_SURROGATES, "\uFFFD");
  const characters = Array.from(visible);
  return characters.length > 60 ? `${characters.slice(0, 60).join("")}…` : visible;
}

/** Cuts `name` to `MAX_FILE_NAME_LENGTH` code points, keeping a short extension intact. */
function truncateKeepingExtension(name: string): string {
  const characters = Array.from(name);
  if (characters.length <= MAX_FILE_NAME_LENGTH) return name;

  const dotIndex = name.lastIndexOf(".");
  const extension = dotIndex > 0 ? name.slice(dotIndex) : "";
  const extensionLength = Array.from(extension).length;
  if (extension === "" || extensionLength - 1 > MAX_KEPT_EXTENSION_LENGTH) {
    return characters.slice(0, MAX_FILE_NAME_LENGTH).join("").trimEnd();
  }
  const stem = Array.from(name.slice(0, dotIndex))
    .slice(0, MAX_FILE_NAME_LENGTH - extensionLength)
    .join("")
    .trimEnd();
  return `${stem}${extension}`;
}

/** Turns a client-supplied file name into a safe display name, or throws `upload.invalid_name`. */
export function sanitizeFileName(rawName: string): string {
  // Normalise last: removing a control character can bring a base letter and a combining mark together.
  const cleaned = rawName.replace(LONE_SURROGATES, "").replace(WHITESPACE_CONTROLS, " ").replace(CONTROL_AND_BIDI, "").normalize("NFC");
  const withoutLeadingDots = lastPathSegment(cleaned)
    .replace(/\s+/g, " ")
    .replace(/^[.\s]+/, "")
    .trim();
  const name = truncateKeepingExtension(withoutLeadingDots);

  if (name === "") {
    throw new AppError("upload.invalid_name", `The file name "${displayName(rawName)}" has no usable characters. Rename the file and upload it again.`);
  }
  return name;
}

/** The lower-case extension of a file name without the dot, or "" when it has none. */
export function fileExtension(name: string): string {
  const segment = lastPathSegment(name);
  const dotIndex = segment.lastIndexOf(".");
  // A leading dot marks a hidden file (".env"), not an extension.
  if (dotIndex <= 0) return "";
  return segment.slice(dotIndex + 1).toLowerCase();
}
