import type { PageSpan } from "@/lib/storage/registry-types";
import { splitSentences } from "@/lib/text/sentences";
import { countTokens } from "@/lib/text/tokens";

/**
 * Retrieval passages: the small units that are embedded and keyword-indexed, while the chunk
 * stays the unit that is shown and cited. A passage is a run of whole sentences of one chunk,
 * on one page, of at most `maxTokens` cl100k tokens, overlapping the previous passage by up to
 * `overlapSentences` sentences. Because a passage never crosses a page boundary, the passage that
 * matched a query names the page to cite. Passages cover only the chunk's own text (from
 * `from`, where the overlap with the previous chunk ends), so no text is indexed twice.
 */

export interface Passage {
  /** Character range of the passage in the chunk's text. */
  start: number;
  end: number;
  /** The page holding the passage (PDF), else null. */
  page: number | null;
}

export const DEFAULT_PASSAGE_TOKENS = 128;
export const DEFAULT_PASSAGE_OVERLAP_SENTENCES = 1;

/** The page of the character at `offset`, from a chunk's page spans (null without pages). */
export function pageAt(pageSpans: PageSpan[], offset: number): number | null {
  if (pageSpans.length === 0) return null;
  for (const span of pageSpans) if (offset >= span.start && offset < span.end) return span.page;
  // Separators between spans belong to the following page; past the end, to the last.
  const next = pageSpans.find((span) => span.start > offset);
  return (next ?? pageSpans[pageSpans.length - 1])?.page ?? null;
}

/** Splits a chunk's text into retrieval passages (see the module comment). */
export function buildPassages(options: { text: string; pageSpans: PageSpan[]; from?: number; maxTokens?: number; overlapSentences?: number }): Passage[] {
  const maxTokens = options.maxTokens ?? DEFAULT_PASSAGE_TOKENS;
  const overlapSentences = options.overlapSentences ?? DEFAULT_PASSAGE_OVERLAP_SENTENCES;
  const from = options.from ?? 0;
  const sentences = splitSentences(options.text)
    .filter((sentence) => sentence.end > from)
    .map((sentence) => ({
      start: Math.max(sentence.start, from),
      end: sentence.end,
      page: pageAt(options.pageSpans, Math.max(sentence.start, from)),
      tokens: countTokens(sentence.text),
    }));
  const passages: Passage[] = [];
  let current: typeof sentences = [];
  let tokens = 0;
  let index = 0;
  while (index < sentences.length) {
    const sentence = sentences[index] as (typeof sentences)[number];
    const samePage = current.length === 0 || current[0]?.page === sentence.page;
    if (current.length > 0 && (!samePage || tokens + sentence.tokens > maxTokens)) {
      const first = current[0] as (typeof sentences)[number];
      passages.push({ start: first.start, end: (current[current.length - 1] as (typeof sentences)[number]).end, page: first.page });
      // Carry the last sentences over as context when they are on the same page and small.
      const carried: typeof sentences = [];
      let carriedTokens = 0;
      if (samePage) {
        for (let back = current.length - 1; back > 0 && carried.length < overlapSentences; back -= 1) {
          const previous = current[back] as (typeof sentences)[number];
          // At most half the budget, and always leaving room for the next sentence.
          if (carriedTokens + previous.tokens > maxTokens / 2 || carriedTokens + previous.tokens + sentence.tokens > maxTokens) break;
          carried.unshift(previous);
          carriedTokens += previous.tokens;
        }
      }
      current = carried;
      tokens = carriedTokens;
      continue;
    }
    current.push(sentence);
    tokens += sentence.tokens;
    index += 1;
  }
  const first = current[0];
  const last = current[current.length - 1];
  if (first && last) passages.push({ start: first.start, end: last.end, page: first.page });
  return passages;
}

/**
 * A line that reads like a heading: at most 12 words, starting with a capital letter or digit,
 * not ending like a sentence (".", "!" or "?"). PDFs carry no heading structure, so the section
 * of a passage is inferred from the last such line before it.
 */
export function isHeadingLike(text: string): boolean {
  const words = text.trim().split(/\s+/).length;
  return words <= 12 && /^[\p{Lu}\p{N}]/u.test(text.trim()) && !/[.!?]["'”’)\]]*$/.test(text.trim());
}

/**
 * The inferred heading of each passage: the last heading-like sentence of the chunk's own text
 * before the passage starts, else `previousHeading` (carried over from the previous chunk).
 * Returns the headings and the heading in force at the end of the chunk.
 */
export function inferPassageHeadings(options: { text: string; from?: number; passages: Passage[]; previousHeading: string | null }): {
  headings: (string | null)[];
  lastHeading: string | null;
} {
  const headingSentences = splitSentences(options.text).filter((sentence) => sentence.start >= (options.from ?? 0) && isHeadingLike(sentence.text));
  const headings = options.passages.map((passage) => {
    let heading = options.previousHeading;
    for (const sentence of headingSentences) {
      if (sentence.start >= passage.start) break;
      heading = sentence.text;
    }
    return heading;
  });
  const last = headingSentences[headingSentences.length - 1];
  return { headings, lastHeading: last ? last.text : options.previousHeading };
}
