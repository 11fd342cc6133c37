import { describe, expect, it } from "vitest";
import { parseText } from "@/lib/ingest/parsers/text-parser";

describe("parseText", () => {
  it("splits paragraphs on blank lines, normalising CRLF and stripping a BOM", () => {
    const parsed = parseText("\uFEFFFirst paragraph\r\nsecond line.\r\n\r\n  \r\nSecond paragraph.\r\n");
    expect(parsed).toEqual({
      kind: "text",
      pageCount: null,
      blocks: [
        { text: "First paragraph\nsecond line.", kind: "paragraph" },
        { text: "Second paragraph.", kind: "paragraph" },
      ],
    });
  });

  it("collapses runs of spaces and tabs inside lines", () => {
    expect(parseText("a \t  b\u00A0\u00A0c").blocks).toEqual([{ text: "a b c", kind: "paragraph" }]);
  });

  it("splits long text without blank lines at single line breaks", () => {
    const lines = Array.from({ length: 60 }, (_, index) => `Line ${index} of a file that has one paragraph per line and no blank lines.`);
    const parsed = parseText(lines.join("\n"));
    expect(parsed.blocks).toHaveLength(60);
    expect(parsed.blocks[59]).toEqual({ text: lines[59], kind: "paragraph" });
  });

  it("keeps short text without blank lines as one paragraph", () => {
    expect(parseText("Dear team,\nthanks.\nBye").blocks).toEqual([{ text: "Dear team,\nthanks.\nBye", kind: "paragraph" }]);
  });

  it("returns no blocks for whitespace", () => {
    expect(parseText(" \n\r\n\t").blocks).toEqual([]);
  });
});
