import { splitSentences } from "@/lib/text/sentences";

/**
 * Which parts of a cited passage the answer relied on. Extractive answers quote sentences
 * verbatim, so those are found exactly; a language model paraphrases, so each citing answer
 * sentence is matched to the passage sentence sharing the most words with it.
 */

export interface TextRange {
  start: number;
  end: number;
}

const CITATION = /\[(\d+(?:\s*,\s*\d+)*)\]/g;
const STOP_WORDS = new Set(
  "the and for with from that this these those are was were been being have has had not but you your our their its can could should would will may might must what which who whom how when where why than then there here into onto about also only just over under such each other more most some any all per via".split(
    " ",
  ),
);

function citedIndices(marker: string): number[] {
  return marker.split(",").map((value) => Number.parseInt(value.trim(), 10));
}

/** Strips Markdown list markers and emphasis so the claim compares with plain passage text. */
function cleanClaim(text: string): string {
  return text
    .replace(CITATION, "")
    .replace(/^\s*(?:[-*+•]|\d+[.)])\s+/, "")
    .replace(/^#+\s+/, "")
    .replace(/[*_`]+/g, "")
    .replace(/\s+/g, " ")
    .replace(/\s+([.,;:!?])/g, "$1")
    .trim();
}

/** The answer sentences that cite source `index`, without their markers. */
export function citingSentences(answer: string, index: number): string[] {
  const sentences: string[] = [];
  for (const line of answer.split("\n")) {
    const pieces = splitSentences(line).map((span) => span.text);
    // "… vacation. [1] Carry-over …": a marker opening a sentence belongs to the previous one.
    for (let position = 1; position < pieces.length; position += 1) {
      const leading = /^(\s*\[\d+(?:\s*,\s*\d+)*\]\s*)+/.exec(pieces[position] ?? "");
      if (leading) {
        pieces[position - 1] = `${pieces[position - 1] ?? ""} ${leading[0].trim()}`;
        pieces[position] = (pieces[position] ?? "").slice(leading[0].length);
      }
    }
    for (const piece of pieces) {
      const cites = [...piece.matchAll(CITATION)].some((match) => citedIndices(match[1] ?? "").includes(index));
      if (!cites) continue;
      const claim = cleanClaim(piece);
      if (claim.length > 0) sentences.push(claim);
    }
  }
  return sentences;
}

function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0 && (/\d/.test(word) || (word.length > 2 && !STOP_WORDS.has(word))));
}

/** Finds `needle` in `haystack` ignoring differences in whitespace; returns the range in `haystack`. */
export function findIgnoringWhitespace(haystack: string, needle: string): TextRange | null {
  const target = needle.replace(/\s+/g, " ").trim();
  if (!target) return null;
  let normalized = "";
  const offsets: number[] = [];
  let previousSpace = false;
  for (let index = 0; index < haystack.length; index += 1) {
    const character = haystack[index] ?? "";
    if (/\s/.test(character)) {
      if (previousSpace) continue;
      previousSpace = true;
      normalized += " ";
    } else {
      previousSpace = false;
      normalized += character;
    }
    offsets.push(index);
  }
  const found = normalized.indexOf(target);
  if (found === -1) return null;
  const start = offsets[found] ?? 0;
  const last = offsets[found + target.length - 1] ?? start;
  return { start, end: last + 1 };
}

function mergeRanges(ranges: TextRange[]): TextRange[] {
  const sorted = [...ranges].sort((left, right) => left.start - right.start);
  const merged: TextRange[] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (last && range.start <= last.end) last.end = Math.max(last.end, range.end);
    else merged.push({ ...range });
  }
  return merged;
}

/** Ranges of `passage` to highlight for the answer's claims citing it. */
export function highlightRanges(passage: string, claims: string[]): TextRange[] {
  const ranges: TextRange[] = [];
  const sentences = splitSentences(passage);
  const sentenceWords = sentences.map((sentence) => new Set(words(sentence.text)));
  for (const claim of claims) {
    const exact = findIgnoringWhitespace(passage, claim);
    if (exact) {
      ranges.push(exact);
      continue;
    }
    const claimWords = new Set(words(claim));
    if (claimWords.size === 0) continue;
    const scores = sentenceWords.map((set) => {
      let shared = 0;
      for (const word of claimWords) if (set.has(word)) shared += 1;
      // Recall of the claim's words, lightly penalising long sentences that match by sheer size.
      return shared / claimWords.size - 0.002 * Math.max(0, set.size - claimWords.size);
    });
    const best = Math.max(...scores);
    // Below a third of the words shared, no sentence is a convincing match: highlight nothing.
    if (best < 0.34) continue;
    scores.forEach((score, position) => {
      const sentence = sentences[position];
      if (sentence && score >= best * 0.85) ranges.push({ start: sentence.start, end: sentence.end });
    });
  }
  return mergeRanges(ranges);
}

/** The passage split into plain and highlighted segments, for rendering. */
export function segmentText(text: string, ranges: TextRange[]): { text: string; highlighted: boolean }[] {
  const segments: { text: string; highlighted: boolean }[] = [];
  let cursor = 0;
  for (const range of ranges) {
    if (range.start > cursor) segments.push({ text: text.slice(cursor, range.start), highlighted: false });
    segments.push({ text: text.slice(range.start, range.end), highlighted: true });
    cursor = range.end;
  }
  if (cursor < text.length) segments.push({ text: text.slice(cursor), highlighted: false });
  return segments;
}
