import { properNameRuns } from "@/lib/retrieval/named-documents";

/**
 * Names a question uses that the library never mentions: "What was Costco's membership fee
 * revenue?" over filings of other companies, "the Bellagio's occupancy" over a group report that
 * never names its hotels. Retrieval still finds passages about the same kind of thing (other
 * companies' fee revenue) and the embedding model scores them as close, so without this check a
 * question about something absent is answered from something else. Only words written as names
 * count: capitalised inside a sentence ("Costco", "Frito-Lay"), never a sentence's first word
 * alone, and not all-capital acronyms, which documents often spell out ("IVF" for "in vitro
 * fertilization"). A word the spelling correction maps to a library word is a typo, not a name.
 */

/** Shorter capitalised words ("Dr", "Mr", "Inc") are too often abbreviations. */
const MINIMUM_NAME_LENGTH = 4;

/** The question's name words that occur in no passage of the library (lower case), in order. */
export function absentNames(options: { query: string; passagesContaining: (word: string) => number; correctable: (word: string) => boolean }): string[] {
  const acronyms = new Set([...options.query.matchAll(/\b\p{Lu}{2,}\b/gu)].map((match) => match[0].toLowerCase()));
  const absent: string[] = [];
  for (const word of properNameRuns(options.query).flat()) {
    if (word.length < MINIMUM_NAME_LENGTH || !/^\p{L}+$/u.test(word) || acronyms.has(word) || absent.includes(word)) continue;
    if (options.passagesContaining(word) > 0 || options.correctable(word)) continue;
    absent.push(word);
  }
  return absent;
}
