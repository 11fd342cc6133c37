/**
 * Validates inline citations while text streams: `[n]` markers whose number matches no source
 * are dropped. A marker may arrive split across deltas ("[", "1", "]"), so text from an opening
 * bracket is held back until it is known to be (or not to be) a citation.
 */
// Longest text held back while it may still become a citation ("[12, 13, 14" is 11).
const MAXIMUM_PENDING = 24;
// "[", "[1", "[1 ,", "[1, 2": numbers each followed by a comma, then at most one unfinished number.
const PARTIAL_CITATION = /^\[(?:\s*\d{1,3}\s*,)*\s*\d{0,3}\s*$/;

export class CitationFilter {
  private pending = "";

  constructor(private readonly sourceCount: number) {}

  /** Feeds a delta; returns the text that can be emitted now. */
  push(delta: string): string {
    this.pending += delta;
    let output = "";
    for (;;) {
      const open = this.pending.indexOf("[");
      if (open < 0) {
        output += this.pending;
        this.pending = "";
        return output;
      }
      output += this.pending.slice(0, open);
      this.pending = this.pending.slice(open);
      const match = /^\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]/.exec(this.pending);
      if (match) {
        output += this.renderCitation(match[1] ?? "");
        this.pending = this.pending.slice(match[0].length);
        continue;
      }
      // Could still become a citation: wait for more text. The length goes first, and the pattern
      // has one way to match: each comma ends a number, so spaces cannot be shared out between
      // neighbouring repetitions (the old `\d{0,3}` beside `\s*` backtracked exponentially).
      if (this.pending.length < MAXIMUM_PENDING && PARTIAL_CITATION.test(this.pending)) return output;
      output += "[";
      this.pending = this.pending.slice(1);
    }
  }

  /** Flushes whatever is held back at the end of the stream. */
  flush(): string {
    const rest = this.pending;
    this.pending = "";
    return rest;
  }

  private renderCitation(list: string): string {
    const valid = list
      .split(",")
      .map((item) => Number(item.trim()))
      .filter((number) => Number.isInteger(number) && number >= 1 && number <= this.sourceCount);
    return [...new Set(valid)].map((number) => `[${number}]`).join("");
  }
}

/** Removes invalid citations from a complete text. */
export function filterCitations(text: string, sourceCount: number): string {
  const filter = new CitationFilter(sourceCount);
  return filter.push(text) + filter.flush();
}

/** The distinct citation numbers used in a text, in order of first use. */
export function citedNumbers(text: string): number[] {
  const numbers: number[] = [];
  for (const match of text.matchAll(/\[(\d{1,3})\]/g)) {
    const number = Number(match[1]);
    if (!numbers.includes(number)) numbers.push(number);
  }
  return numbers;
}
