/**
 * Rebuilds lines and paragraphs from the positioned text items pdf.js returns for one page.
 *
 * Items are kept in content-stream order: for TeX and most word-processor output that order is
 * column by column, while sorting by position would interleave the lines of neighbouring columns.
 */

import { LINE_END_HYPHEN } from "./line-end-hyphens";
import { collapseWhitespace } from "./text-normalization";

/** The part of a pdf.js `TextItem` the layout needs. */
export interface PdfTextItem {
  str: string;
  /** "ltr", "rtl" or "ttb" (vertical writing). */
  dir: string;
  /** Text matrix [a, b, c, d, e, f] in page space; pdf.js types it as `any[]`. */
  transform: readonly unknown[];
  width: number;
  height: number;
  hasEOL: boolean;
}

type Direction = "ltr" | "rtl" | "neutral";

interface Fragment {
  text: string;
  direction: Direction;
  /** Start and end of the fragment along the writing direction. */
  start: number;
  end: number;
  /** Position across the writing direction (the baseline for horizontal text). */
  across: number;
  size: number;
}

interface Line {
  text: string;
  across: number;
  start: number;
  size: number;
}

// A line change needs a baseline shift of half the font size: super- and subscripts move less than that.
const NEW_LINE_SHIFT = 0.5;
// Word gaps are about a quarter of the font size; kerning and font switches inside a word stay well below this.
const WORD_GAP = 0.15;
// A paragraph gap is noticeably taller than the usual line pitch of the page.
const PARAGRAPH_GAP_FACTOR = 1.35;
// Without enough lines to learn the pitch, assume single spacing (about 1.2 times the size) plus a margin.
const FALLBACK_PARAGRAPH_GAP = 1.6;
// A first-line paragraph indent is one to a few ems; larger shifts are centred text or another column.
const PARAGRAPH_INDENT_MIN = 0.8;
const PARAGRAPH_INDENT_MAX = 4;
// Headings and footnotes differ from body text in size by clearly more than rounding noise.
const SIZE_CHANGE = 0.15;

// pdf.js leaves most Arabic presentation forms (positional glyph variants) as they are; folding them
// to the base letters is what makes the text searchable with ordinary Arabic input.
const ARABIC_PRESENTATION_FORMS = /[\uFB50-\uFDFF\uFE70-\uFEFC]+/g;
const STRONG_RIGHT_TO_LEFT = /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}]/gu;
const LETTER = /\p{L}/gu;
const IDEOGRAPHIC = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

function numberAt(values: readonly unknown[], index: number, fallback: number): number {
  const value = values[index];
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}

function cleanItemText(text: string): string {
  // A font's private-use glyph must not pass for the parser's own line-end mark.
  return text.replaceAll(LINE_END_HYPHEN, "").replace(ARABIC_PRESENTATION_FORMS, (forms) => forms.normalize("NFKC"));
}

function directionOf(item: PdfTextItem, text: string): Direction {
  if (text.trim() === "") return "neutral";
  if (item.dir === "rtl") return "rtl";
  const rightToLeft = text.match(STRONG_RIGHT_TO_LEFT)?.length ?? 0;
  const leftToRight = (text.match(LETTER)?.length ?? 0) - rightToLeft;
  // Digits and punctuation without letters read left to right, also inside right-to-left lines.
  return rightToLeft > leftToRight ? "rtl" : "ltr";
}

function toFragment(item: PdfTextItem, text: string): Fragment {
  const a = numberAt(item.transform, 0, 1);
  const b = numberAt(item.transform, 1, 0);
  const c = numberAt(item.transform, 2, 0);
  const d = numberAt(item.transform, 3, 1);
  const e = numberAt(item.transform, 4, 0);
  const f = numberAt(item.transform, 5, 0);
  const direction = directionOf(item, text);
  if (item.dir === "ttb") {
    // Vertical writing: characters run down the page and lines (columns) follow each other across it.
    const size = Math.hypot(a, b) || item.width || 1;
    return { text, direction, start: -f, end: -f + item.height, across: e, size };
  }
  // Project onto the writing direction so rotated text (b, c non-zero) is measured along its own baseline.
  const scale = Math.hypot(a, b) || 1;
  const unitX = a / scale;
  const unitY = b / scale;
  const start = unitX * e + unitY * f;
  const size = Math.hypot(c, d) || item.height || scale;
  return { text, direction, start, end: start + item.width, across: -unitY * e + unitX * f, size };
}

function startsNewLine(line: Fragment[], fragment: Fragment): boolean {
  const first = line.find((candidate) => candidate.direction !== "neutral");
  if (!first) return false;
  return Math.abs(fragment.across - first.across) > NEW_LINE_SHIFT * Math.max(fragment.size, first.size);
}

function needsSpaceBetween(previous: Fragment, next: Fragment): boolean {
  if (/\s$/.test(previous.text) || /^\s/.test(next.text)) return false;
  // Where right-to-left and left-to-right words meet, the space often sits outside both runs.
  const directionChange = previous.direction !== "neutral" && next.direction !== "neutral" && previous.direction !== next.direction;
  if (directionChange && /[\p{L}\p{N}]$/u.test(previous.text) && /^[\p{L}\p{N}]/u.test(next.text)) return true;
  // The intervals may come in either order (right-to-left runs go leftwards).
  const gap = Math.max(next.start - previous.end, previous.start - next.end);
  return gap > WORD_GAP * Math.max(previous.size, next.size);
}

/** True when right-to-left text dominates and its fragments were emitted left to right, i.e. in visual order. */
function isVisualRightToLeft(fragments: Fragment[]): boolean {
  let rightToLeftCharacters = 0;
  let leftToRightCharacters = 0;
  for (const fragment of fragments) {
    if (fragment.direction === "rtl") rightToLeftCharacters += fragment.text.length;
    else if (fragment.direction === "ltr") leftToRightCharacters += fragment.text.length;
  }
  if (rightToLeftCharacters <= leftToRightCharacters) return false;
  const strong = fragments.filter((fragment) => fragment.direction !== "neutral");
  let rightwards = 0;
  let leftwards = 0;
  for (let index = 1; index < strong.length; index++) {
    const previous = strong[index - 1];
    const current = strong[index];
    if (!previous || !current) continue;
    if (current.start > previous.start) rightwards++;
    else if (current.start < previous.start) leftwards++;
  }
  return rightwards > leftwards;
}

/** Reverses a visually ordered right-to-left line into reading order, keeping embedded left-to-right runs intact. */
function toReadingOrder(fragments: Fragment[]): Fragment[] {
  const reversed = [...fragments].reverse();
  const ordered: Fragment[] = [];
  let index = 0;
  while (index < reversed.length) {
    const fragment = reversed[index];
    if (!fragment) break;
    if (fragment.direction !== "ltr") {
      ordered.push(fragment);
      index++;
      continue;
    }
    let runEnd = index;
    for (let next = index + 1; next < reversed.length; next++) {
      const direction = reversed[next]?.direction;
      if (direction === "rtl") break;
      if (direction === "ltr") runEnd = next;
    }
    ordered.push(...reversed.slice(index, runEnd + 1).reverse());
    index = runEnd + 1;
  }
  return ordered;
}

function toLine(fragments: Fragment[]): Line | undefined {
  const strong = fragments.filter((fragment) => fragment.direction !== "neutral");
  const first = strong[0];
  if (!first) return undefined;
  const ordered = isVisualRightToLeft(fragments) ? toReadingOrder(fragments) : fragments;
  let text = "";
  let previous: Fragment | undefined;
  for (const fragment of ordered) {
    if (previous && needsSpaceBetween(previous, fragment)) text += " ";
    text += fragment.text;
    previous = fragment;
  }
  // Keep a trailing soft hyphen: it marks a hyphenation point the paragraph joiner relies on.
  const softHyphenAtEnd = /\u00AD\s*$/.test(text);
  text = collapseWhitespace(text.replace(/\u00AD/g, "")) + (softHyphenAtEnd ? "\u00AD" : "");
  if (collapseWhitespace(text) === "") return undefined;
  return {
    text,
    across: first.across,
    start: Math.min(...strong.map((fragment) => Math.min(fragment.start, fragment.end))),
    size: Math.max(...strong.map((fragment) => fragment.size)),
  };
}

function buildLines(items: readonly PdfTextItem[]): Line[] {
  const lines: Line[] = [];
  let current: Fragment[] = [];
  const flush = (): void => {
    const line = toLine(current);
    if (line) lines.push(line);
    current = [];
  };
  for (const item of items) {
    const text = cleanItemText(item.str);
    if (text !== "") {
      const fragment = toFragment(item, text);
      if (fragment.direction !== "neutral" && startsNewLine(current, fragment)) flush();
      current.push(fragment);
    }
    if (item.hasEOL) flush();
  }
  flush();
  return lines;
}

/** The line pitch within paragraphs: a low quantile of the gaps, because paragraph gaps are the large ones. */
function typicalLinePitch(gaps: number[]): number | undefined {
  if (gaps.length === 0) return undefined;
  const sorted = [...gaps].sort((left, right) => left - right);
  return sorted[Math.floor((sorted.length - 1) / 4)];
}

/** Joins two lines of one paragraph, undoing end-of-line hyphenation where the hyphen was clearly typographic. */
function joinLines(first: string, second: string): string {
  if (first.endsWith("\u00AD")) return first.slice(0, -1) + second;
  if (/\p{L}-$/u.test(first)) {
    // "exam-" + "ple" may be one word or a compound ("in-" + "network"): the parser settles it
    // with the whole document (line-end-hyphens.ts). "Trace-" + "Monkey" keeps its hyphen.
    return /^\p{Ll}/u.test(second) ? first.slice(0, -1) + LINE_END_HYPHEN + second : first + second;
  }
  if (IDEOGRAPHIC.test(first.slice(-1)) && IDEOGRAPHIC.test(second.charAt(0))) return first + second;
  return `${first} ${second}`;
}

function isMidSentence(text: string): boolean {
  return /[\p{L},\-\u00AD]$/u.test(text);
}

/** Rebuilds the paragraphs of one page, in content order, from its pdf.js text items. */
export function buildPageParagraphs(items: readonly PdfTextItem[]): string[] {
  const lines = buildLines(items);
  const pitches: number[] = [];
  for (let index = 1; index < lines.length; index++) {
    const previous = lines[index - 1];
    const current = lines[index];
    if (!previous || !current) continue;
    const gap = previous.across - current.across;
    const size = Math.max(previous.size, current.size);
    if (gap > 0.3 * size && gap < 3 * size) pitches.push(gap);
  }
  const typicalPitch = typicalLinePitch(pitches);

  const paragraphs: string[] = [];
  let paragraph = "";
  let previous: Line | undefined;
  for (const line of lines) {
    if (previous === undefined) {
      paragraph = line.text;
      previous = line;
      continue;
    }
    const size = Math.max(previous.size, line.size);
    const gap = previous.across - line.across;
    const sizeChanged = Math.abs(line.size - previous.size) > SIZE_CHANGE * size;
    const movedBack = gap < -NEW_LINE_SHIFT * size;
    const paragraphGap = typicalPitch === undefined ? FALLBACK_PARAGRAPH_GAP * size : PARAGRAPH_GAP_FACTOR * Math.max(typicalPitch, size);
    const largeGap = gap > paragraphGap;
    // Typeset text often marks paragraphs only by a first-line indent after a finished sentence.
    const indent = line.start - previous.start;
    const indented = indent > PARAGRAPH_INDENT_MIN * size && indent < PARAGRAPH_INDENT_MAX * size && /[.!?:]["'\u201D\u2019)\]]*$/u.test(paragraph);
    // A sentence that runs on into the next column (or past a display formula) is still one paragraph.
    const continues = !sizeChanged && isMidSentence(paragraph) && /^\p{Ll}/u.test(line.text);
    if ((sizeChanged || movedBack || largeGap || indented) && !continues) {
      paragraphs.push(paragraph);
      paragraph = line.text;
    } else {
      paragraph = joinLines(paragraph, line.text);
    }
    previous = line;
  }
  if (previous !== undefined) paragraphs.push(paragraph);
  return paragraphs.map((text) => collapseWhitespace(text.replace(/\u00AD/g, ""))).filter((text) => text !== "");
}
