/**
 * Document prior from reporting periods. Periodic reports (10-Qs, quarterly and annual reports)
 * are near-copies of each other: the same risk factors and notes repeat every quarter, so the
 * text alone cannot tell "Intel's Q1 2023 10-Q" from Intel's other filings, and nothing in a
 * filing says it is the "latest". Titles and file names usually carry the period ("2023 Q1
 * INTC"). A question that names a period ("Q1 2023", "the first quarter of 2023", "fiscal 2022")
 * lifts the documents of that period; a question asking for the latest or most recent report
 * lifts the documents with the latest period. Documents without a period, and questions that
 * name none, are left alone, so libraries without periodic reports are unaffected.
 */

/** A reporting period: a year, and the quarter when one is named. */
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
const LATEST = /\b(?:latest|most\s+recent|newest|last)\s+(?:(?:quarterly|annual|financial|fiscal)\s+)?(?:10-?[qk]|quarter|report|filing|period|statement|year)s?\b|\b(?:latest|most\s+recent|newest)\b/iu;

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

/** What a question asks for: named periods, named years (without a quarter), or the latest report. */
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
 * The prior (0 or 1) of every document whose title names a period, keyed by document id: 1 when
 * its period is one the question names (a named year matches all its quarters), or, for a question
 * asking for the latest report, when its period is the latest in the library.
 */
export function periodPriors(options: { query: string; titles: Map<string, string> }): Map<string, number> {
  const priors = new Map<string, number>();
  const request = requestedPeriod(options.query);
  if (request.periods.length === 0 && !request.latest) return priors;
  const documentPeriods = new Map<string, Period>();
  for (const [id, title] of options.titles) {
    const period = periodsIn(title)[0];
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
