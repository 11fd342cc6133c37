import { contentWords } from "@/lib/retrieval/keyword-query";

/**
 * Typo tolerance for questions ("gendr affirming care", "hearin care servises"). A misspelled
 * word matches nothing in the keyword index and embeds as noise, so the passage that answers the
 * question can fall under the relevance threshold. A content word that occurs in no indexed
 * passage is replaced by the library's most frequent word within a small edit distance
 * (optimal string alignment: insertions, deletions, substitutions and swaps of neighbours), and
 * the corrected question is what both retrievers see. Words the library knows are never touched,
 * and numbers, short words and words with no close neighbour stay as they are. A correction keeps
 * the first letter (typing rarely gets it wrong, and without this rule a word the library lacks
 * becomes another word: "bake" → "make", "matching" → "bathing"), and at equal distance a word
 * that only adds the letters the typo dropped ("typs" → "types", not "tips") wins.
 */

/** Words shorter than this are left alone: too many real words lie one edit apart. */
const MINIMUM_LENGTH = 4;

/** Edits allowed for a word of `length` letters. */
function allowedEdits(length: number): number {
  return length >= 10 ? 2 : 1;
}

/** Whether `word` is `candidate` with some letters left out (the commonest typo). */
function isSubsequence(word: string, candidate: string): boolean {
  let position = 0;
  for (const letter of candidate) if (letter === word[position]) position += 1;
  return position === word.length;
}

/** Optimal-string-alignment distance between `left` and `right`, or `limit + 1` once it exceeds `limit`. */
export function editDistance(left: string, right: string, limit: number): number {
  if (Math.abs(left.length - right.length) > limit) return limit + 1;
  let previousPrevious: number[] = [];
  let previous = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let row = 1; row <= left.length; row += 1) {
    const current = [row];
    let rowMinimum = row;
    for (let column = 1; column <= right.length; column += 1) {
      const cost = left[row - 1] === right[column - 1] ? 0 : 1;
      let value = Math.min((previous[column] ?? 0) + 1, (current[column - 1] ?? 0) + 1, (previous[column - 1] ?? 0) + cost);
      if (row > 1 && column > 1 && left[row - 1] === right[column - 2] && left[row - 2] === right[column - 1]) {
        value = Math.min(value, (previousPrevious[column - 2] ?? 0) + 1);
      }
      current.push(value);
      rowMinimum = Math.min(rowMinimum, value);
    }
    if (rowMinimum > limit) return limit + 1;
    previousPrevious = previous;
    previous = current;
  }
  return previous[right.length] ?? limit + 1;
}

/** The closest known word to `word` with its first letter (fewest edits, then letters only added, then most frequent), if any. */
export function closestWord(word: string, vocabulary: ReadonlyMap<string, number>): string | undefined {
  const limit = allowedEdits(word.length);
  let best: { word: string; distance: number; dropped: boolean; count: number } | undefined;
  for (const [candidate, count] of vocabulary) {
    if (candidate.length < MINIMUM_LENGTH || candidate[0] !== word[0]) continue;
    const distance = editDistance(word, candidate, limit);
    if (distance > limit || distance === 0) continue;
    const dropped = isSubsequence(word, candidate);
    const better =
      !best ||
      distance < best.distance ||
      (distance === best.distance && (dropped !== best.dropped ? dropped : count > best.count || (count === best.count && candidate < best.word)));
    if (better) best = { word: candidate, distance, dropped, count };
  }
  return best?.word;
}

/** The question's content words that may be misspelled: alphabetic, long enough, and found in no passage. */
export function unknownWords(query: string, passagesContaining: (word: string) => number): string[] {
  return contentWords(query).filter((word) => word.length >= MINIMUM_LENGTH && /^\p{L}+$/u.test(word) && passagesContaining(word) === 0);
}

/** The question with each unknown word replaced by its closest known word, and the replacements made. */
export function correctQuery(options: { query: string; unknown: string[]; vocabulary: ReadonlyMap<string, number> }): { query: string; corrections: Map<string, string> } {
  const corrections = new Map<string, string>();
  for (const word of options.unknown) {
    const replacement = closestWord(word, options.vocabulary);
    if (replacement) corrections.set(word, replacement);
  }
  if (corrections.size === 0) return { query: options.query, corrections };
  // Replace whole words only, whatever their case in the question.
  const query = options.query.replace(/[\p{L}\p{N}]+/gu, (token) => corrections.get(token.toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "")) ?? token);
  return { query, corrections };
}
