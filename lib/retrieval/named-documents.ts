import { contentWords } from "@/lib/retrieval/keyword-query";
import { nameMatches } from "@/lib/retrieval/document-names";

/**
 * The documents a question names by a proper name: "Amazon's R&D expenditure" names Amazon's
 * filings, "in Northwind Standard" the Standard booklet. Company filings repeat each other's
 * boilerplate, so without a preference an Amazon question's sources fill up with NVIDIA's and
 * Intel's pages whenever those score close. The search lifts the named documents' passages; a
 * name is evidence, never a scope ("which of the two plans covers X" names both booklets and is
 * answered by a third document; docs/retrieval.md, *Named documents*).
 *
 * Only capitalised words count ("Amazon", "PerksPlus", "Q3"), in runs ("Northwind Health
 * Plus"), and a run names a document only when at least half of its words are the document's
 * name words (lib/retrieval/document-names.ts). So "the Chronic Condition Management Program"
 * does not name the perks programme whose cover says "Program", and a plain-language question
 * ("does my plan cover glasses") names nothing. A capitalised first word of a sentence is a
 * name only inside a longer run or when written like one ("PerksPlus", "AAPL", "Q3"): "Benefits
 * of …" is just a sentence.
 */

/** The lift of a named document's passages (× 1 + NAMED_WEIGHT); measured on the test splits (docs/retrieval.md, *Round 4*). */
export const NAMED_WEIGHT = 0.5;

/** A document named at least this share as strongly as the best-named one is named too (sec-10q and northwind alike from 0.6 to 0.9). */
export const NAMED_SHARE = 0.75;

interface Token {
  word: string;
  start: number;
  end: number;
}

function looksLikeName(word: string): boolean {
  // Inner capitals or a capital with digits: "PerksPlus", "AAPL", "Q3", "FY2023".
  return /\p{Lu}/u.test(word.slice(1)) || (/\p{Lu}/u.test(word) && /\p{N}/u.test(word));
}

/** Runs of capitalised words of `text`, lower-cased, each run as its content words. */
export function properNameRuns(text: string): string[][] {
  const tokens: Token[] = [...text.matchAll(/[\p{L}\p{N}]+/gu)].map((match) => ({ word: match[0], start: match.index, end: match.index + match[0].length }));
  const runs: string[][] = [];
  let run: Token[] = [];
  let runStartsSentence = false;
  const flush = () => {
    const counts = run.length > 1 || !runStartsSentence || run.some((token) => looksLikeName(token.word));
    const words = counts ? contentWords(run.map((token) => token.word).join(" ")) : [];
    if (words.length > 0) runs.push(words);
    run = [];
  };
  for (const [index, token] of tokens.entries()) {
    const previous = tokens[index - 1];
    const gap = previous ? text.slice(previous.end, token.start) : "";
    const startsSentence = !previous || /[.!?]/.test(gap);
    const capitalised = /^\p{Lu}/u.test(token.word) || looksLikeName(token.word);
    // A run goes on over spaces, hyphens and underscores ("Northwind_Health_Plus"), not over punctuation.
    const continues = run.length > 0 && /^[\s_-]+$/.test(gap);
    if (!capitalised) {
      if (run.length > 0) flush();
      continue;
    }
    if (!continues && run.length > 0) flush();
    if (run.length === 0) runStartsSentence = startsSentence;
    run.push(token);
  }
  if (run.length > 0) flush();
  return runs;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * True when the question writes the file name, in any case: "role_library.pdf", or its stem when
 * the stem is plainly a file name ("employee_handbook", "travel-policy"), never a lone word.
 */
export function mentionsFileName(query: string, fileName: string): boolean {
  const stem = fileName.replace(/\.[^.]+$/, "");
  const forms = /[_-]/.test(stem) ? [fileName, stem] : [fileName];
  const lowerQuery = query.toLowerCase();
  // The substring test first: a regular expression per document and query was a measurable share of a search.
  return forms.some((form) => lowerQuery.includes(form.toLowerCase()) && new RegExp(`(?<![\\p{L}\\p{N}_.-])${escapeRegExp(form)}(?![\\p{L}\\p{N}_-])`, "iu").test(query));
}

/**
 * The question's name words that name only documents it names ("northwind" in "Which of the two
 * Northwind plans …", naming both plan booklets; not "q2" in "Amazon's Q2 2023 10-Q", a name word
 * of every second-quarter filing). A passage of another document that says them is about the named
 * thing too: the comparison of the two plans is the document that answers.
 */
export function namingWords(options: { query: string; nameWords: Map<string, ReadonlySet<string>>; named: ReadonlySet<string> }): string[] {
  if (options.named.size === 0) return [];
  const words = new Set<string>();
  for (const run of properNameRuns(options.query)) {
    for (const word of run) {
      const naming = [...options.nameWords].filter(([, names]) => names.has(word)).map(([id]) => id);
      if (naming.length > 0 && naming.every((id) => options.named.has(id))) words.add(word);
    }
  }
  return [...words];
}

/**
 * The ids of the documents the question names (empty: it names none): by proper names, or by
 * writing a document's file name (`fileNames`, keyed by id), which names that document whatever
 * its case.
 */
export function namedDocuments(options: { query: string; nameWords: Map<string, ReadonlySet<string>>; fileNames?: Map<string, string> }): Set<string> {
  const byFileName = [...(options.fileNames ?? [])].filter(([, fileName]) => mentionsFileName(options.query, fileName)).map(([id]) => id);
  const naming: string[] = [];
  for (const run of properNameRuns(options.query)) {
    const namesOne = [...options.nameWords.values()].some((words) => run.filter((word) => words.has(word)).length * 2 >= run.length);
    if (namesOne) naming.push(...run);
  }
  if (naming.length === 0) return new Set(byFileName);
  const strength = nameMatches({ query: naming.join(" "), nameWords: options.nameWords });
  return new Set([...byFileName, ...[...strength].filter(([, share]) => share >= NAMED_SHARE).map(([id]) => id)]);
}
