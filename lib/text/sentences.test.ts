import { describe, expect, it } from "vitest";
import { type SentenceSpan, splitSentences } from "@/lib/text/sentences";

function texts(text: string): string[] {
  return splitSentences(text).map((sentence) => sentence.text);
}

/** Offsets point into the source, spans are trimmed, ordered, disjoint and cover all non-space text. */
function expectFaithfulSpans(text: string, spans: SentenceSpan[]): void {
  let previousEnd = 0;
  let outside = "";
  for (const span of spans) {
    expect(text.slice(span.start, span.end)).toBe(span.text);
    expect(span.text).toBe(span.text.trim());
    expect(span.text.length).toBeGreaterThan(0);
    expect(span.start).toBeGreaterThanOrEqual(previousEnd);
    outside += text.slice(previousEnd, span.start);
    previousEnd = span.end;
  }
  outside += text.slice(previousEnd);
  expect(outside.trim()).toBe("");
}

describe("splitSentences", () => {
  it("splits on terminal punctuation followed by whitespace", () => {
    expect(texts("The plan covers dental care. Claims take thirty days! Is vision included? Yes.")).toEqual([
      "The plan covers dental care.",
      "Claims take thirty days!",
      "Is vision included?",
      "Yes.",
    ]);
  });

  it("returns nothing for empty or whitespace-only text", () => {
    expect(splitSentences("")).toEqual([]);
    expect(splitSentences("  \n\t \n ")).toEqual([]);
  });

  it("keeps text without terminal punctuation as one sentence", () => {
    expect(splitSentences("  no full stop here  ")).toEqual([{ text: "no full stop here", start: 2, end: 19 }]);
  });

  it("does not end a sentence at common abbreviations", () => {
    expect(texts("Dr. Smith met Mrs. Jones and Prof. Lee. They talked.")).toEqual(["Dr. Smith met Mrs. Jones and Prof. Lee.", "They talked."]);
    expect(texts("Fruit, i.e. Apples, etc. Are healthy. Everyone agrees.")).toEqual(["Fruit, i.e. Apples, etc. Are healthy.", "Everyone agrees."]);
    expect(texts("See Fig. 3 for the results. It shows growth.")).toEqual(["See Fig. 3 for the results.", "It shows growth."]);
  });

  it("does not end a sentence at dotted initialisms or single initials", () => {
    expect(texts("The U.S. Army has bases. The U.K. Navy too.")).toEqual(["The U.S. Army has bases.", "The U.K. Navy too."]);
    expect(texts("J. R. R. Tolkien wrote books. They sold well.")).toEqual(["J. R. R. Tolkien wrote books.", "They sold well."]);
  });

  it("does not split decimals, thousands separators or version numbers", () => {
    expect(texts("The fee is $1,000.50 per year. Pi is 3.14159 roughly. Use version 2.0.1 now.")).toEqual([
      "The fee is $1,000.50 per year.",
      "Pi is 3.14159 roughly.",
      "Use version 2.0.1 now.",
    ]);
  });

  it("does not split when the next word starts in lowercase", () => {
    expect(texts("The meeting ends at 5 p.m. and then we leave. Good.")).toEqual(["The meeting ends at 5 p.m. and then we leave.", "Good."]);
    expect(texts("It was approx. ten days. Fine.")).toEqual(["It was approx. ten days.", "Fine."]);
  });

  it("keeps closing quotes and brackets with their sentence", () => {
    expect(texts('He said "Stop." Then he left. (It was late.) Everyone slept.')).toEqual(['He said "Stop."', "Then he left.", "(It was late.)", "Everyone slept."]);
  });

  it("splits at ellipses and repeated punctuation", () => {
    expect(texts("Wait... What happened?! Nothing.")).toEqual(["Wait...", "What happened?!", "Nothing."]);
  });

  it("splits at CJK full stops with or without following whitespace", () => {
    expect(texts("東京は大きい。大阪も大きい！京都は古い？ 奈良も古い。")).toEqual(["東京は大きい。", "大阪も大きい！", "京都は古い？", "奈良も古い。"]);
  });

  it("splits at blank lines even without punctuation", () => {
    expect(texts("Benefits overview\n\nAll employees are covered")).toEqual(["Benefits overview", "All employees are covered"]);
  });

  it("does not split at a single line break inside a sentence", () => {
    expect(texts("The plan covers\ndental care for everyone.")).toEqual(["The plan covers\ndental care for everyone."]);
  });

  it("makes each bulleted list item on its own line a sentence", () => {
    expect(texts("You need:\n- a passport\n* a visa\n• two photos")).toEqual(["You need:", "- a passport", "* a visa", "• two photos"]);
  });

  it("keeps a numbered list item's number with its text", () => {
    expect(texts("Steps:\n1. Open the app.\n2. Click save.\n3) Close it.")).toEqual(["Steps:", "1. Open the app.", "2. Click save.", "3) Close it."]);
    expect(texts("1. Install it.\n  2. Run it.")).toEqual(["1. Install it.", "2. Run it."]);
  });

  it("still ends a sentence after a number that is not a list marker", () => {
    expect(texts("We hired in 2023. The team grew.")).toEqual(["We hired in 2023.", "The team grew."]);
  });

  it.each([
    ["plain prose", "First sentence. Second one!  Third?\n\nFourth paragraph starts here. And ends."],
    ["leading and trailing whitespace", "\n\n   Indented start. Middle.   \n\n  Last line without stop   \n"],
    ["abbreviations and decimals", "Dr. Who paid $1,000.50 in the U.S. Army store. It cost 3.5 times more. OK."],
    ["lists", "Items:\n- one\n- two\n1. three\n2) four\n\nDone."],
    ["CJK mixed with Latin", "これはテストです。This is English. また日本語。 End."],
    ["tabs and carriage returns", "Line one.\r\nLine two.\tTabbed.\r\n\r\nNew block."],
  ])("maps offsets back to the source text (%s)", (_name, text) => {
    const spans = splitSentences(text);
    expect(spans.length).toBeGreaterThan(1);
    expectFaithfulSpans(text, spans);
  });

  it("returns the same result on repeated calls (no state leaks between calls)", () => {
    const text = "One. Two. Three.";
    expect(splitSentences(text)).toEqual(splitSentences(text));
    expect(texts("A first call. With two sentences.")).toHaveLength(2);
    expect(texts(text)).toEqual(["One.", "Two.", "Three."]);
  });
});
