/**
 * Turns a free-text question into the terms of a BM25 keyword query (the registry scores a
 * passage by the sum of each term's BM25, as an FTS5 query of the terms joined with OR would):
 * the question's content words (lower-cased, stop words and one-character tokens dropped). The
 * registry quotes each term, so FTS5 syntax in user input (AND, NEAR, *, quotes, column filters)
 * is never interpreted. Tokens are cut the way FTS5's unicode61 tokenizer cuts them (letters and
 * digits), so "in-network" and "Contoso's" behave alike on both sides.
 */

export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    "a an the and or but nor of to in on at for with by from into onto about over under as than then so if " +
    "is are was were be been being am do does did done doing has have had having can could should would will shall may might must " +
    "i me my mine you your yours he him his she her it its we us our they them their this that these those there here " +
    "what which who whom whose how when where why whether any all some each every no not yes also just only very more most " +
    "s t d ll re ve get gets got please tell explain describe according regarding"
  ).split(" "),
);

/** The distinct content words of `text`, in order of first appearance. */
export function contentWords(text: string): string[] {
  const words =
    text
      .toLowerCase()
      .normalize("NFKD")
      .replace(/\p{M}/gu, "")
      .match(/[\p{L}\p{N}]+/gu) ?? [];
  const seen = new Set<string>();
  const result: string[] = [];
  for (const word of words) {
    if (word.length < 2 || STOP_WORDS.has(word) || seen.has(word)) continue;
    seen.add(word);
    result.push(word);
  }
  return result;
}

/**
 * The keyword-query terms of a question (its content words), or undefined when it has none. Words
 * `isCommon` names are left out while another word remains: a word in most passages adds nothing
 * to BM25 (FTS5 gives it an IDF of about zero), yet its scores fill memory and time for every
 * passage it matches (docs/performance.md).
 */
export function keywordTerms(query: string, options: { isCommon?: (word: string) => boolean } = {}): string[] | undefined {
  const words = contentWords(query);
  if (words.length === 0) return undefined;
  const isCommon = options.isCommon;
  const distinctive = isCommon ? words.filter((word) => !isCommon(word)) : words;
  return distinctive.length > 0 ? distinctive : words;
}

/**
 * The joined forms of the question's hyphenated words ("pre-authorization" → "preauthorization")
 * that `isIndexed` knows. FTS5 cuts "pre-authorization" into "pre" and "authorization", so a
 * passage writing the word closed up ("preauthorization"), as these documents often do, shares
 * only the common "authorization" with the question.
 */
export function joinedCompoundTerms(query: string, isIndexed: (word: string) => boolean): string[] {
  const compounds =
    query
      .toLowerCase()
      .normalize("NFKD")
      .replace(/\p{M}/gu, "")
      .match(/[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)+/gu) ?? [];
  const joined = new Set(compounds.map((compound) => compound.replaceAll("-", "")));
  return [...joined].filter((word) => isIndexed(word));
}
