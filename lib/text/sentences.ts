/**
 * Sentence segmentation for chunking, embedding windows and extractive answers.
 * Rule-based on purpose: it must be fast, deterministic and language-agnostic enough for
 * English, European languages and CJK full stops.
 */

const ABBREVIATIONS = new Set([
  "e.g",
  "i.e",
  "etc",
  "vs",
  "mr",
  "mrs",
  "ms",
  "dr",
  "prof",
  "inc",
  "ltd",
  "co",
  "corp",
  "no",
  "fig",
  "st",
  "jr",
  "sr",
  "u.s",
  "u.k",
  "approx",
  "dept",
  "est",
  "jan",
  "feb",
  "mar",
  "apr",
  "jun",
  "jul",
  "aug",
  "sep",
  "sept",
  "oct",
  "nov",
  "dec",
  "p",
  "pp",
  "vol",
  "cf",
  "al",
]);

/** A sentence with its character range in the source text. */
export interface SentenceSpan {
  text: string;
  start: number;
  end: number;
}

// Candidate boundary: terminal punctuation (optionally followed by closing quotes/brackets),
// then whitespace; or a CJK full stop with or without whitespace; or a line break run.
const BOUNDARY = /([.!?…]+["'”’)\]]*)(\s+)|([。！？]+)(\s*)|(\n\s*\n|\n(?=\s*(?:[-*•]|\d+[.)])\s))/g;

function isAbbreviation(text: string, punctuationIndex: number): boolean {
  let start = punctuationIndex;
  while (start > 0 && /[\p{L}.]/u.test(text[start - 1] ?? "")) start -= 1;
  const word = text.slice(start, punctuationIndex).toLowerCase();
  if (word.length === 0) return false;
  if (ABBREVIATIONS.has(word)) return true;
  // Single letters ("J. Smith") and dotted initialisms ("U.S.A") are not sentence ends.
  return /^\p{L}$/u.test(word) || /^(\p{L}\.)+\p{L}$/u.test(word);
}

/** True when the period at `punctuationIndex` ends a list number at the start of a line ("2. Click save"). */
function isListNumber(text: string, punctuationIndex: number): boolean {
  let start = punctuationIndex;
  while (start > 0 && /\d/.test(text[start - 1] ?? "")) start -= 1;
  if (start === punctuationIndex) return false;
  while (start > 0 && /[ \t]/.test(text[start - 1] ?? "")) start -= 1;
  return start === 0 || text[start - 1] === "\n";
}

/** Splits text into sentences, keeping character offsets into the original string. */
export function splitSentences(text: string): SentenceSpan[] {
  const spans: SentenceSpan[] = [];
  let sentenceStart = 0;
  BOUNDARY.lastIndex = 0;
  let match: RegExpExecArray | null;
  while ((match = BOUNDARY.exec(text)) !== null) {
    const punctuation = match[1] ?? match[3];
    const boundaryEnd = match.index + (punctuation?.length ?? 0);
    if (match[1] !== undefined) {
      const nextCharacter = text[match.index + match[0].length] ?? "";
      // A following lowercase letter or digit usually means the period was not a sentence end.
      if (/^[\p{Ll}]/u.test(nextCharacter)) continue;
      if (match[1].startsWith(".") && (isAbbreviation(text, match.index) || isListNumber(text, match.index))) continue;
    }
    pushSpan(spans, text, sentenceStart, boundaryEnd);
    sentenceStart = match.index + match[0].length;
  }
  pushSpan(spans, text, sentenceStart, text.length);
  return spans;
}

function pushSpan(spans: SentenceSpan[], text: string, start: number, end: number): void {
  let trimmedStart = start;
  let trimmedEnd = end;
  while (trimmedStart < trimmedEnd && /\s/.test(text[trimmedStart] ?? "")) trimmedStart += 1;
  while (trimmedEnd > trimmedStart && /\s/.test(text[trimmedEnd - 1] ?? "")) trimmedEnd -= 1;
  if (trimmedEnd > trimmedStart) spans.push({ text: text.slice(trimmedStart, trimmedEnd), start: trimmedStart, end: trimmedEnd });
}
