/**
 * Document prior from dates. Documents issued again and again (reports, minutes, policies by
 * year) are near-copies of each other, so the text alone cannot tell this year's from last
 * year's, and nothing in a document says it is the "latest". A document's date is read from its
 * title or file name by general date notations: a quarter of a year ("2023 Q1", "Q1 2023", "first
 * quarter of 2023") or, without one, the single year it names ("Travel Policy 2024"). A question
 * that names a date lifts the documents of that date; a question asking for the latest or most
 * recent one lifts the latest-dated documents among those it is about. Undated documents, and
 * questions that name no date, are left alone.
 */

/** A date as documents carry it: a year, and the quarter when one is named. */
export interface Period {
  year: number;
  quarter: number | null;
}

/** Measured on sec-10q and northwind (docs/retrieval.md). */
export const PERIOD_WEIGHT = 0.5;

const ORDINAL_QUARTERS: Record<string, number> = { first: 1, second: 2, third: 3, fourth: 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4 };
const YEAR = String.raw`(?:fy|fiscal\s+(?:year\s+)?)?'?((?:19|20)\d{2})`;
const PERIOD_PATTERNS: { pattern: RegExp; read: (match: RegExpMatchArray) => Period }[] = [
  // "Q3 2023", "Q3 FY2023", "Q3 of fiscal 2023"
  { pattern: new RegExp(String.raw`\bq([1-4])\s*(?:of\s+)?${YEAR}\b`, "giu"), read: (match) => ({ year: Number(match[2]), quarter: Number(match[1]) }) },
  // "2023 Q3", "FY2023 Q3"
  { pattern: new RegExp(String.raw`\b${YEAR}\s*q([1-4])\b`, "giu"), read: (match) => ({ year: Number(match[1]), quarter: Number(match[2]) }) },
  // "third quarter of 2023", "3rd quarter of fiscal 2023", "third quarter 2023"
  {
    pattern: new RegExp(String.raw`\b(first|second|third|fourth|1st|2nd|3rd|4th)\s+(?:fiscal\s+)?quarter\s+(?:of\s+)?(?:the\s+)?${YEAR}\b`, "giu"),
    read: (match) => ({ year: Number(match[2]), quarter: ORDINAL_QUARTERS[(match[1] ?? "").toLowerCase()] ?? null }),
  },
];
// A year alone counts only in a question ("in fiscal 2022"), and only when no quarter is named.
const YEAR_ONLY = /\b(?:fy|fiscal\s+(?:year\s+)?|in\s+|for\s+|during\s+)'?((?:19|20)\d{2})\b/giu;
const LATEST = /\b(?:latest|most\s+recent|newest)\b/iu;
// A year in a title: the document's date when the title names one year and no quarter.
const TITLE_YEAR = /(?<![\p{L}\p{N}])(?:fy)?((?:19|20)\d{2})(?![\p{N}])/giu;

/** The periods `text` names ("2023 Q3", "Q1 2023", "third quarter of 2022"), in order, without repeats. */
export function periodsIn(text: string): Period[] {
  const found: { index: number; period: Period }[] = [];
  for (const { pattern, read } of PERIOD_PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      const period = read(match);
      if (period.quarter !== null) found.push({ index: match.index ?? 0, period });
    }
  }
  const seen = new Set<string>();
  return found
    .sort((left, right) => left.index - right.index)
    .map((item) => item.period)
    .filter((period) => {
      const key = `${period.year}Q${period.quarter}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

/** The date a title gives its document: its first quarter, else its only year; undefined without one. */
export function documentDate(title: string): Period | undefined {
  const quarter = periodsIn(title)[0];
  if (quarter) return quarter;
  const years = new Set([...title.matchAll(TITLE_YEAR)].map((match) => Number(match[1])));
  return years.size === 1 ? { year: [...years][0] as number, quarter: null } : undefined;
}

/** What a question asks for: named periods, named years (without a quarter), or the latest document. */
export function requestedPeriod(query: string): { periods: Period[]; latest: boolean } {
  const periods = periodsIn(query);
  if (periods.length === 0) {
    for (const match of query.matchAll(YEAR_ONLY)) periods.push({ year: Number(match[1]), quarter: null });
  }
  return { periods, latest: periods.length === 0 && LATEST.test(query) };
}

function order(period: Period): number {
  // A year without a quarter (an annual report) sorts after its last quarter.
  return period.year * 5 + (period.quarter ?? 4.5);
}

/**
 * The prior (0 or 1) of every dated document among `titles`, keyed by document id: 1 when its date
 * is one the question names (a named year matches all its quarters), or, for a question asking
 * for the latest, when its date is the latest among `titles` (the caller passes the documents the
 * question is about: "Acme's latest report" is Acme's latest, not the library's).
 */
export function periodPriors(options: { query: string; titles: Map<string, string> }): Map<string, number> {
  const priors = new Map<string, number>();
  const request = requestedPeriod(options.query);
  if (request.periods.length === 0 && !request.latest) return priors;
  const documentPeriods = new Map<string, Period>();
  for (const [id, title] of options.titles) {
    const period = documentDate(title);
    if (period) documentPeriods.set(id, period);
  }
  if (documentPeriods.size < 2) return priors;
  const latest = Math.max(...[...documentPeriods.values()].map(order));
  for (const [id, period] of documentPeriods) {
    const named = request.periods.some((wanted) => wanted.year === period.year && (wanted.quarter === null || wanted.quarter === period.quarter));
    const matches = request.latest ? order(period) === latest : named;
    priors.set(id, matches ? 1 : 0);
  }
  return priors;
}
