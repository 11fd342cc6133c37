/**
 * How much of a reference answer an answer says: word recall (the reference's content words the
 * answer contains, ROUGE-1 recall without stop words) and fact recall (the numbers it states).
 */

const ANSWER_STOP_WORDS = new Set(
  "a an the and or but of to in on at for with by from is are was were be been being do does did has have had what which who whom whose how when where why can could should would will shall may might must i you he she it we they my your our their this that these those there here as if than then so not no yes any all some also such into its about more most other over only own same very just each both under while after before during through per".split(
    " ",
  ),
);

/** A plural and its singular are one word here ("deductibles", "families"). */
function singular(word: string): string {
  if (word.length <= 4 || word.endsWith("ss")) return word;
  if (word.endsWith("ies")) return `${word.slice(0, -3)}y`;
  return word.endsWith("s") ? word.slice(0, -1) : word;
}

function answerWords(text: string): Set<string> {
  const words = text
    .toLowerCase()
    .replace(/(\d),(?=\d{3})/g, "$1")
    .split(/[^\p{L}\p{N}.]+/u)
    .map((word) => word.replace(/^\.+|\.+$/g, ""))
    .filter((word) => (word.length > 2 || /^\d/.test(word)) && !ANSWER_STOP_WORDS.has(word))
    .map(singular);
  return new Set(words);
}

/** The numbers a text states, normalised ("$2,000" → "2000", "20%" → "20"). */
export function statedNumbers(text: string): Set<string> {
  const numbers = new Set<string>();
  for (const match of text.matchAll(/\d[\d,]*(?:\.\d+)?/g))
    numbers.add(
      match[0]
        .replace(/,(?=\d{3})/g, "")
        .replace(/,$/, "")
        .replace(/\.0+$/, ""),
    );
  return numbers;
}

/** Share of `wanted` found in `found`; NaN when nothing is wanted. */
function recallOf(wanted: Set<string>, found: Set<string>): number {
  if (wanted.size === 0) return Number.NaN;
  let shared = 0;
  for (const item of wanted) if (found.has(item)) shared += 1;
  return shared / wanted.size;
}

/** Share of the reference answer's content words found in `answer`; NaN when it has none. */
export function answerWordRecall(reference: string, answer: string): number {
  return recallOf(answerWords(reference), answerWords(answer));
}

/** Share of the reference answer's numbers stated in `answer`; NaN when the reference has none. */
export function answerFactRecall(reference: string, answer: string): number {
  return recallOf(statedNumbers(reference), statedNumbers(answer));
}
