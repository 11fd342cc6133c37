import { describe, expect, it } from "vitest";
import { parseMarkdown } from "@/lib/ingest/parsers/markdown-parser";

describe("parseMarkdown", () => {
  it("builds section paths from ATX headings, popping deeper levels", () => {
    const parsed = parseMarkdown(
      ["# Handbook", "Intro text.", "## Benefits", "Benefit text.", "### Dental", "Dental text.", "## Leave", "Leave text.", "# Appendix", "End."].join("\n"),
    );
    expect(parsed.kind).toBe("markdown");
    expect(parsed.pageCount).toBeNull();
    expect(parsed.title).toBe("Handbook");
    expect(parsed.blocks.map((block) => [block.kind, block.text, block.sectionPath])).toEqual([
      ["heading", "Handbook", ["Handbook"]],
      ["paragraph", "Intro text.", ["Handbook"]],
      ["heading", "Benefits", ["Handbook", "Benefits"]],
      ["paragraph", "Benefit text.", ["Handbook", "Benefits"]],
      ["heading", "Dental", ["Handbook", "Benefits", "Dental"]],
      ["paragraph", "Dental text.", ["Handbook", "Benefits", "Dental"]],
      ["heading", "Leave", ["Handbook", "Leave"]],
      ["paragraph", "Leave text.", ["Handbook", "Leave"]],
      ["heading", "Appendix", ["Appendix"]],
      ["paragraph", "End.", ["Appendix"]],
    ]);
  });

  it("recognises setext headings and strips closing hashes and inline markup from heading text", () => {
    const parsed = parseMarkdown(["Main Title", "==========", "", "Sub *title*", "---", "Text.", "", "### Closed [link](https://example.com) ###", "More."].join("\n"));
    expect(parsed.blocks.map((block) => [block.kind, block.text, block.sectionPath])).toEqual([
      ["heading", "Main Title", ["Main Title"]],
      ["heading", "Sub title", ["Main Title", "Sub title"]],
      ["paragraph", "Text.", ["Main Title", "Sub title"]],
      ["heading", "Closed link", ["Main Title", "Sub title", "Closed link"]],
      ["paragraph", "More.", ["Main Title", "Sub title", "Closed link"]],
    ]);
  });

  it("keeps fenced code whole and ignores heading-like lines inside fences", () => {
    const source = ["# Code", "", "```bash", "# not a heading", "echo hi", "", "echo bye", "```", "", "~~~", "## also not a heading", "~~~", "After."].join("\n");
    const parsed = parseMarkdown(source);
    expect(parsed.blocks.map((block) => [block.kind, block.text, block.sectionPath])).toEqual([
      ["heading", "Code", ["Code"]],
      ["code", "```bash\n# not a heading\necho hi\n\necho bye\n```", ["Code"]],
      ["code", "~~~\n## also not a heading\n~~~", ["Code"]],
      ["paragraph", "After.", ["Code"]],
    ]);
  });

  it("treats an unclosed fence as code up to the end of the file", () => {
    const parsed = parseMarkdown("Text.\n```\n# inside\nstill code");
    expect(parsed.blocks.map((block) => block.kind)).toEqual(["paragraph", "code"]);
    expect(parsed.blocks[1]?.text).toBe("```\n# inside\nstill code");
  });

  it("keeps tables whole, also right after a paragraph line", () => {
    const parsed = parseMarkdown(["Prices:", "| Item | Price |", "| --- | ---: |", "| Tea | 2 |", "| Cake | 3 |", "", "a | b", "--|--", "1 | 2"].join("\n"));
    expect(parsed.blocks.map((block) => [block.kind, block.text])).toEqual([
      ["paragraph", "Prices:"],
      ["table", "| Item | Price |\n| --- | ---: |\n| Tea | 2 |\n| Cake | 3 |"],
      ["table", "a | b\n--|--\n1 | 2"],
    ]);
  });

  it("keeps list runs together, including nested and loose items", () => {
    const parsed = parseMarkdown(["Steps:", "", "1. First", "2. Second", "   - nested", "", "3. Third", "lazy continuation", "", "Done."].join("\n"));
    expect(parsed.blocks.map((block) => [block.kind, block.text])).toEqual([
      ["paragraph", "Steps:"],
      ["list", "1. First\n2. Second\n   - nested\n\n3. Third\nlazy continuation"],
      ["paragraph", "Done."],
    ]);
  });

  it("splits paragraphs on blank lines and joins soft-wrapped lines", () => {
    const parsed = parseMarkdown("One line\nwrapped here.\n\n\nTwo.\n\n***\n\nThree.");
    expect(parsed.blocks.map((block) => block.text)).toEqual(["One line wrapped here.", "Two.", "Three."]);
    expect(parsed.blocks.every((block) => block.sectionPath === undefined)).toBe(true);
  });

  it("skips YAML front matter and takes its title", () => {
    const parsed = parseMarkdown(["---", 'title: "Release Notes"', "tags: [a, b]", "---", "# Version 2", "Changes."].join("\n"));
    expect(parsed.title).toBe("Release Notes");
    expect(parsed.blocks.map((block) => block.text)).toEqual(["Version 2", "Changes."]);
  });

  it("does not mistake a thematic break at the top for front matter when it is never closed", () => {
    const parsed = parseMarkdown("---\nJust text.");
    expect(parsed.blocks.map((block) => block.text)).toEqual(["Just text."]);
    expect(parsed.title).toBeUndefined();
  });

  it("strips a byte order mark and normalises CRLF", () => {
    const parsed = parseMarkdown("\uFEFF# Title\r\nBody\r\ntext.\r\n");
    expect(parsed.blocks).toEqual([
      { text: "Title", kind: "heading", sectionPath: ["Title"] },
      { text: "Body text.", kind: "paragraph", sectionPath: ["Title"] },
    ]);
  });

  it("keeps underscores inside words of heading text", () => {
    const parsed = parseMarkdown("## The my_var_name setting and __bold__ _words_ and **more**");
    expect(parsed.blocks[0]?.text).toBe("The my_var_name setting and bold words and more");
  });

  it("keeps indented code blocks and does not treat #hashtags as headings", () => {
    const parsed = parseMarkdown("#hashtag is text\n\n    const x = 1;\n    # comment\n\nAfter.");
    expect(parsed.blocks.map((block) => [block.kind, block.text])).toEqual([
      ["paragraph", "#hashtag is text"],
      ["code", "    const x = 1;\n    # comment"],
      ["paragraph", "After."],
    ]);
  });
});
