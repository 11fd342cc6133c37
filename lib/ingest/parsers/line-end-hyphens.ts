/**
 * A hyphen at the end of a PDF line is either typographic ("exam-" / "ple": one word split by the
 * typesetter) or part of a compound ("in-" / "network": the hyphen belongs to the text). A page
 * alone cannot tell them apart, so the layout pass marks such joins with `LINE_END_HYPHEN` and the
 * parser settles them once the whole document is read, by the document's own spelling: the
 * joined word as it is written elsewhere in the document ("preauthorization" or "in-network").
 * Without this, every compound split at a line end became a word the reader never wrote
 * ("innetwork", "out-ofnetwork"), which no search for "in-network" finds.
 */

/** Stands for a hyphen at a line end whose role is not settled yet (a private-use character). */
export const LINE_END_HYPHEN = "\uE000";

const WORD = /[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*/gu;
const MARKED_JOIN = new RegExp(`((?:[\\p{L}\\p{N}]+-)*[\\p{L}\\p{N}]+)${LINE_END_HYPHEN}([\\p{L}\\p{N}]+)`, "gu");

function countWords(texts: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (word: string) => counts.set(word, (counts.get(word) ?? 0) + 1);
  for (const text of texts) {
    for (const word of text.toLowerCase().match(WORD) ?? []) {
      add(word);
      if (word.includes("-")) for (const part of word.split("-")) add(part);
    }
  }
  return counts;
}

/** Settles every `LINE_END_HYPHEN` in a document's texts: kept as "-" or dropped, by how the document spells the word elsewhere. */
export function resolveLineEndHyphens(texts: readonly string[]): string[] {
  if (!texts.some((text) => text.includes(LINE_END_HYPHEN))) return [...texts];
  // Words around an unsettled join are not evidence: they are what is being decided.
  const counts = countWords(texts.map((text) => text.replace(MARKED_JOIN, " ")));
  const count = (word: string) => counts.get(word.toLowerCase()) ?? 0;
  return texts.map((text) =>
    text
      .replace(MARKED_JOIN, (_match, left: string, right: string) => {
        const closed = count(left + right);
        const hyphenated = count(`${left}-${right}`);
        if (closed !== hyphenated) return closed > hyphenated ? left + right : `${left}-${right}`;
        const lastPart = left.slice(left.lastIndexOf("-") + 1);
        // Unseen either way: a compound continues ("out-of-" / "network"), and two words the
        // document uses on their own are two words ("bone-" / "anchored"); else it is one word split.
        const twoWords = left.includes("-") || (lastPart.length >= 2 && count(lastPart) > 0 && count(right) > 0);
        return twoWords ? `${left}-${right}` : left + right;
      })
      .replaceAll(LINE_END_HYPHEN, ""),
  );
}
