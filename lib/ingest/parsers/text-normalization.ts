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
