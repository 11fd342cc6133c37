import { splitSentences } from "@/lib/text/sentences";

/**
 * What the extractive answerer may quote: whole sentences that stand on their own, and a lead-in
 * ending with a colon only together with the list it introduces.
 */

const MINIMUM_WORDS = 4;
const MAXIMUM_CHARACTERS = 600;

/** A sentence worth quoting as part of an answer: not a heading, a question or a fragment. */
export function isQuotable(text: string): boolean {
  const words = text.split(" ").length;
  if (words < MINIMUM_WORDS || text.length > MAXIMUM_CHARACTERS) return false;
  // Questions in the documents (FAQ headings) restate the question rather than answer it.
  if (/\?["'”’)]*$/.test(text)) return false;
  // Headings and table fragments lack terminal punctuation; long unpunctuated runs may still be prose.
  if (!/[.!;:)"”’]$/.test(text) && words < 12) return false;
  // A first word in lower case ("objectives for Contoso Electronics.") is the tail of a sentence
  // cut at a chunk or page boundary: quoted alone it says nothing. "iPhone" or "eBay" stay.
  if (/^\p{Ll}+(?![\p{L}\p{N}])/u.test(text)) return false;
  // A lead-in without its list ("The plan covers services such as:") promises what it does not say.
  if (/:["'”’]*$/.test(text)) return false;
  return true;
}

/** A list item's marker at the start of a line: "- ", "• ", "1. ", "a) ". */
const LIST_MARKER = /^\s*(?:[-*•▪●◦‣–]|\d{1,2}[.)]|[a-z][.)])\s+/u;
/** Items a lead-in takes at most; the quote stays within MAXIMUM_CHARACTERS too. */
const MAXIMUM_LIST_ITEMS = 10;

/**
 * The source's sentences as quotable units: a lead-in ending with a colon ("The Northwind
 * Standard plan covers services such as:") carries the list items that follow it ("Preventive
 * care services; Diagnostic tests and treatments; …"), so the quote says what the lead-in
 * promises. Items that do not fit are left out whole, never cut.
 */
export function quotableUnits(text: string): { text: string; start: number }[] {
  const spans = splitSentences(text);
  const units: { text: string; start: number }[] = [];
  for (let index = 0; index < spans.length; index += 1) {
    const span = spans[index] as (typeof spans)[number];
    const lead = span.text.replace(/\s+/g, " ").trim();
    if (!/:$/.test(lead)) {
      units.push({ text: lead, start: span.start });
      continue;
    }
    const items: string[] = [];
    let length = lead.length;
    let next = index + 1;
    while (next < spans.length && items.length < MAXIMUM_LIST_ITEMS) {
      const raw = (spans[next] as (typeof spans)[number]).text;
      if (!LIST_MARKER.test(raw)) break;
      const item = raw
        .replace(LIST_MARKER, "")
        .replace(/\s+/g, " ")
        .replace(/[;,.]$/, "")
        .trim();
      if (length + item.length + 2 > MAXIMUM_CHARACTERS) break;
      items.push(item);
      length += item.length + 2;
      next += 1;
    }
    // The items stay candidates of their own as well (one may answer alone).
    units.push({ text: items.length > 0 ? `${lead} ${items.join("; ")}.` : lead, start: span.start });
  }
  return units;
}
