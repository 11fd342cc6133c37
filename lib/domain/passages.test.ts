import { describe, expect, it } from "vitest";
import { buildPassages, inferPassageHeadings, isHeadingLike, pageAt } from "@/lib/domain/passages";

const PAGE_ONE = "Balance billing is a bill for the difference. It can be large. Ask your provider first.";
const PAGE_TWO = "Exceptions apply to emergency services. Out-of-network care is not protected.";
const TEXT = `${PAGE_ONE}\n\n${PAGE_TWO}`;
const SPANS = [
  { page: 7, start: 0, end: PAGE_ONE.length },
  { page: 8, start: PAGE_ONE.length + 2, end: TEXT.length },
];

describe("pageAt", () => {
  it("maps an offset to the page of its span, separators to the next page", () => {
    expect(pageAt(SPANS, 0)).toBe(7);
    expect(pageAt(SPANS, PAGE_ONE.length - 1)).toBe(7);
    expect(pageAt(SPANS, PAGE_ONE.length)).toBe(8);
    expect(pageAt(SPANS, TEXT.length + 5)).toBe(8);
    expect(pageAt([], 3)).toBeNull();
  });
});

describe("buildPassages", () => {
  it("never lets a passage cross a page boundary, so each names one page", () => {
    const passages = buildPassages({ text: TEXT, pageSpans: SPANS, maxTokens: 500 });
    expect(passages).toEqual([
      { start: 0, end: PAGE_ONE.length, page: 7 },
      { start: PAGE_ONE.length + 2, end: TEXT.length, page: 8 },
    ]);
  });

  it("packs whole sentences up to the token budget and overlaps by a sentence", () => {
    const passages = buildPassages({ text: PAGE_ONE, pageSpans: [], maxTokens: 14, overlapSentences: 1 });
    const texts = passages.map((passage) => PAGE_ONE.slice(passage.start, passage.end));
    expect(texts[0]).toBe("Balance billing is a bill for the difference. It can be large.");
    expect(texts[1]).toBe("It can be large. Ask your provider first.");
    expect(passages.every((passage) => passage.page === null)).toBe(true);
  });

  it("covers the chunk's own text only, from the end of the overlap", () => {
    const from = PAGE_ONE.length + 2;
    const passages = buildPassages({ text: TEXT, pageSpans: SPANS, from, maxTokens: 500 });
    expect(passages).toEqual([{ start: from, end: TEXT.length, page: 8 }]);
  });

  it("keeps a sentence longer than the budget whole, as its own passage", () => {
    const long = `${"word ".repeat(60).trim()}. Short one.`;
    const passages = buildPassages({ text: long, pageSpans: [], maxTokens: 20 });
    expect(long.slice(passages[0]?.start, passages[0]?.end)).toBe(`${"word ".repeat(60).trim()}.`);
    expect(passages.length).toBe(2);
  });

  it("returns nothing for empty text", () => {
    expect(buildPassages({ text: "", pageSpans: [] })).toEqual([]);
  });
});

describe("inferred headings", () => {
  it("recognises heading-like lines", () => {
    expect(isHeadingLike("Balance Billing Protection")).toBe(true);
    expect(isHeadingLike("Tips to avoid balance billing:")).toBe(true);
    expect(isHeadingLike("2. Eligibility")).toBe(true);
    expect(isHeadingLike("What is balance billing?")).toBe(false);
    expect(isHeadingLike("Balance billing is a bill for the difference.")).toBe(false);
    expect(isHeadingLike("lowercase fragment of a table")).toBe(false);
    expect(isHeadingLike("A very long line that has far too many words to be a heading in any document at all")).toBe(false);
  });

  it("gives each passage the last heading before it, carried across chunks", () => {
    const text = "Balance Billing Protection\n\nBalance billing is a bill for the difference.\n\nExceptions\n\nEmergency care is not protected.";
    const passages = [
      { start: 0, end: 26, page: 1 },
      { start: 28, end: 74, page: 1 },
      { start: 88, end: text.length, page: 1 },
    ];
    const { headings, lastHeading } = inferPassageHeadings({ text, passages, previousHeading: "Overview" });
    expect(headings).toEqual(["Overview", "Balance Billing Protection", "Exceptions"]);
    expect(lastHeading).toBe("Exceptions");
    expect(inferPassageHeadings({ text: "No headings here.", passages: [{ start: 0, end: 17, page: null }], previousHeading: null })).toEqual({
      headings: [null],
      lastHeading: null,
    });
  });
});
