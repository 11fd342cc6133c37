import { describe, expect, it } from "vitest";
import { buildPageParagraphs, type PdfTextItem } from "@/lib/ingest/parsers/pdf-text-layout";

/** A horizontal text item at (x, y) with a width of half the size per character. */
function item(text: string, x: number, y: number, options: { size?: number; dir?: string; hasEOL?: boolean; width?: number } = {}): PdfTextItem {
  const size = options.size ?? 10;
  return {
    str: text,
    dir: options.dir ?? "ltr",
    transform: [size, 0, 0, size, x, y],
    width: options.width ?? text.length * size * 0.5,
    height: size,
    hasEOL: options.hasEOL ?? false,
  };
}

describe("buildPageParagraphs", () => {
  it("ends a line at hasEOL and at a baseline change", () => {
    const paragraphs = buildPageParagraphs([item("First line", 50, 700, { hasEOL: true }), item("second line", 50, 688), item("third line", 50, 676)]);
    expect(paragraphs).toEqual(["First line second line third line"]);
  });

  it("inserts a space between items only where there is a visible gap", () => {
    const paragraphs = buildPageParagraphs([item("Hel", 50, 700, { width: 15 }), item("lo", 65, 700, { width: 10 }), item("world", 80, 700)]);
    expect(paragraphs).toEqual(["Hello world"]);
  });

  it("keeps superscripts on their line", () => {
    const paragraphs = buildPageParagraphs([item("E = mc", 50, 700, { width: 30 }), item("2", 80, 703, { size: 6, width: 3 }), item("holds.", 90, 700)]);
    expect(paragraphs).toEqual(["E = mc2 holds."]);
  });

  it("folds Arabic presentation forms to base letters", () => {
    expect(buildPageParagraphs([item("ﻣﺮﺣﺒﺎ", 50, 700, { dir: "rtl" })])).toEqual(["مرحبا"]);
  });

  it("reverses right-to-left words emitted in visual (left-to-right) order", () => {
    const paragraphs = buildPageParagraphs([
      item("ثلاثة", 100, 700, { dir: "rtl", width: 40 }),
      item(" ", 140, 700, { width: 3 }),
      item("اثنان", 150, 700, { dir: "rtl", width: 40 }),
      item(" ", 190, 700, { width: 3 }),
      item("واحد", 200, 700, { dir: "rtl", width: 40 }),
    ]);
    expect(paragraphs).toEqual(["واحد اثنان ثلاثة"]);
  });

  it("keeps left-to-right runs inside a visually ordered right-to-left line in their own order", () => {
    const paragraphs = buildPageParagraphs([
      item("الأخيرة", 50, 700, { dir: "rtl", width: 40 }),
      item("Hello", 100, 700, { width: 25 }),
      item("World", 130, 700, { width: 25 }),
      item("البداية", 170, 700, { dir: "rtl", width: 40 }),
    ]);
    expect(paragraphs).toEqual(["البداية Hello World الأخيرة"]);
  });

  it("leaves right-to-left lines that are already in reading order alone and spaces script changes", () => {
    // Word exports Arabic in logical order, right to left, without spaces between differently scripted runs.
    const paragraphs = buildPageParagraphs([
      item("البرمجة بلغة", 200, 700, { dir: "rtl", width: 60 }),
      item("Python", 160, 700, { width: 39.9 }),
      item("مفيدة", 100, 700, { dir: "rtl", width: 60 }),
    ]);
    expect(paragraphs).toEqual(["البرمجة بلغة Python مفيدة"]);
  });

  it("continues a sentence that runs on into the next column", () => {
    const paragraphs = buildPageParagraphs([
      item("The sentence starts in the left", 50, 120, { hasEOL: true }),
      item("column and runs on", 50, 108, { hasEOL: true }),
      item("into the right column.", 320, 700, { hasEOL: true }),
      item("A new paragraph starts here.", 320, 660),
    ]);
    expect(paragraphs).toEqual(["The sentence starts in the left column and runs on into the right column.", "A new paragraph starts here."]);
  });

  it("starts a paragraph at a first-line indent after a finished sentence", () => {
    const paragraphs = buildPageParagraphs([
      item("The first paragraph has two", 50, 700),
      item("lines and ends here.", 50, 688),
      item("The second one is indented.", 65, 676),
      item("It goes on without indent.", 50, 664),
    ]);
    expect(paragraphs).toEqual(["The first paragraph has two lines and ends here.", "The second one is indented. It goes on without indent."]);
  });

  it("joins soft-hyphenated and CJK line ends without a space", () => {
    expect(buildPageParagraphs([item("hyphen\u00AD", 50, 700), item("ation works", 50, 688)])).toEqual(["hyphenation works"]);
    expect(buildPageParagraphs([item("日本語の", 50, 700), item("文章です。", 50, 688)])).toEqual(["日本語の文章です。"]);
  });

  it("drops whitespace-only and empty items and control characters", () => {
    expect(buildPageParagraphs([item("", 50, 700, { hasEOL: true }), item("  ", 50, 688), item("Clean\u0000 text", 50, 676)])).toEqual(["Clean text"]);
    expect(buildPageParagraphs([])).toEqual([]);
  });
});
