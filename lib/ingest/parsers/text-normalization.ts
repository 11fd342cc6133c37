/** Small text helpers shared by the parsers. */

const BYTE_ORDER_MARK = "\uFEFF";

/** Removes a leading UTF-8 byte order mark, which TextDecoder keeps when `ignoreBOM` is set and editors sometimes leave in strings. */
export function stripByteOrderMark(text: string): string {
  return text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text;
}

/** Turns CRLF and lone CR line endings into LF. */
export function normalizeLineEndings(text: string): string {
  return text.replace(/\r\n?/g, "\n");
}

// C0/C1 controls other than tab and line breaks never carry meaning in extracted text; zero-width space
// and the byte order mark are invisible and only break word matching.
const INVISIBLE_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B\uFEFF]/g;

/** Collapses every run of whitespace (including no-break and other Unicode spaces) to one space and trims. */
export function collapseWhitespace(text: string): string {
  return text.replace(INVISIBLE_CHARACTERS, "").replace(/\s+/g, " ").trim();
}

/** True when the text contains at least one letter or digit in any script. */
export function hasWordCharacters(text: string): boolean {
  return /[\p{L}\p{N}]/u.test(text);
}

// A data URI: scheme, media type, parameters, then its payload up to the first character a URI
// cannot hold unescaped (a Markdown image's closing parenthesis, a quote, a space).
const DATA_URI = /\bdata:[a-z]+\/[a-z0-9.+-]+(?:;[a-z0-9.+-]+(?:=[^;,\s]*)?)*,[^\s)"'<>\]]*/gi;
// Runs of the base64 alphabet and of hex digits long enough that no word, code or identifier a
// reader would search for is one (a SHA-256 is 64 hex digits; these start at twice that). Base64
// is often wrapped at 64 or 76 columns (PEM, MIME): lines of 40 or more continue a run.
const MINIMUM_RUN = 128;
const BASE64_RUN = /[A-Za-z0-9+/]{40,}(?:\r?\n[A-Za-z0-9+/]{40,})*={0,2}/g;
const HEX_RUN = /\b[0-9A-Fa-f]{128,}\b/g;

/**
 * True for a run that reads as encoded bytes: base64 mixes digits and both cases, or uses `+`
 * and `/`; a long run of letters alone (a compound word, a hostile file) is left for the chunker.
 */
function looksEncoded(run: string): boolean {
  if (/^[0-9A-Fa-f]+$/.test(run)) return /\d/.test(run) && /[A-Fa-f]/.test(run);
  return (/\d/.test(run) && /[a-z]/.test(run) && /[A-Z]/.test(run)) || /[+/]/.test(run);
}

/**
 * Removes payloads that are not text (data URIs such as an embedded image, long base64 and hex
 * runs) and keeps everything around them: indexed as words they cost minutes of embedding and
 * match nothing a person would ask. Each is cut to nothing, so an image's alt text stays.
 */
export function stripNonTextPayloads(text: string): string {
  if (text.length < MINIMUM_RUN) return text;
  return text
    .replace(DATA_URI, "")
    .replace(BASE64_RUN, (run) => (run.length >= MINIMUM_RUN && looksEncoded(run.replace(/[\r\n=]/g, "")) ? "" : run))
    .replace(HEX_RUN, (run) => (looksEncoded(run) ? "" : run));
}
