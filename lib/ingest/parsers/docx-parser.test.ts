import { FootnoteReferenceRun, HeadingLevel, Paragraph, Table, TableCell, TableRow, TextRun } from "docx";
import { describe, expect, it } from "vitest";
import { parseDocx } from "@/lib/ingest/parsers/docx-parser";
import { buildDocx } from "@/tests/support/fixtures/docx-fixtures";

function cell(text: string): TableCell {
  return new TableCell({ children: [new Paragraph(text)] });
}

describe("parseDocx", () => {
  it("gives every block the heading path above it (levels 1 to 3)", async () => {
    const bytes = await buildDocx([
      new Paragraph({ text: "Handbook", heading: HeadingLevel.TITLE }),
      new Paragraph("Preface text."),
      new Paragraph({ text: "Benefits", heading: HeadingLevel.HEADING_1 }),
      new Paragraph("Benefits overview."),
      new Paragraph({ text: "Health", heading: HeadingLevel.HEADING_2 }),
      new Paragraph({ text: "Dental", heading: HeadingLevel.HEADING_3 }),
      new Paragraph("Dental details."),
      new Paragraph({ text: "Vision", heading: HeadingLevel.HEADING_3 }),
      new Paragraph("Vision details."),
      new Paragraph({ text: "Leave", heading: HeadingLevel.HEADING_2 }),
      new Paragraph("Leave details."),
      new Paragraph({ text: "Conduct", heading: HeadingLevel.HEADING_1 }),
      new Paragraph("Be kind."),
    ]);
    const parsed = await parseDocx(bytes);
    expect(parsed.kind).toBe("docx");
    expect(parsed.pageCount).toBeNull();
    expect(parsed.title).toBe("Handbook");
    expect(parsed.blocks.map((block) => [block.kind, block.text, block.sectionPath])).toEqual([
      ["heading", "Handbook", ["Handbook"]],
      ["paragraph", "Preface text.", ["Handbook"]],
      ["heading", "Benefits", ["Benefits"]],
      ["paragraph", "Benefits overview.", ["Benefits"]],
      ["heading", "Health", ["Benefits", "Health"]],
      ["heading", "Dental", ["Benefits", "Health", "Dental"]],
      ["paragraph", "Dental details.", ["Benefits", "Health", "Dental"]],
      ["heading", "Vision", ["Benefits", "Health", "Vision"]],
      ["paragraph", "Vision details.", ["Benefits", "Health", "Vision"]],
      ["heading", "Leave", ["Benefits", "Leave"]],
      ["paragraph", "Leave details.", ["Benefits", "Leave"]],
      ["heading", "Conduct", ["Conduct"]],
      ["paragraph", "Be kind.", ["Conduct"]],
    ]);
  });

  it("turns a table with a missing cell into a padded Markdown table with escaped pipes", async () => {
    const bytes = await buildDocx([
      new Paragraph({ text: "Prices", heading: HeadingLevel.HEADING_1 }),
      new Table({
        rows: [
          new TableRow({ children: [cell("Item"), cell("Price"), cell("Note")] }),
          new TableRow({ children: [cell("Tea | hot"), cell("2")] }),
          new TableRow({ children: [cell("Cake"), cell("3"), new TableCell({ children: [new Paragraph("fresh"), new Paragraph("daily")] })] }),
        ],
      }),
    ]);
    const parsed = await parseDocx(bytes);
    const table = parsed.blocks.find((block) => block.kind === "table");
    expect(table).toEqual({
      kind: "table",
      sectionPath: ["Prices"],
      text: ["| Item | Price | Note |", "| --- | --- | --- |", "| Tea \\| hot | 2 |  |", "| Cake | 3 | fresh daily |"].join("\n"),
    });
  });

  it("fills cells covered by column and row spans with empty cells", async () => {
    const bytes = await buildDocx([
      new Table({
        rows: [
          new TableRow({ children: [new TableCell({ children: [new Paragraph("Wide")], columnSpan: 2 }), cell("C")] }),
          new TableRow({ children: [new TableCell({ children: [new Paragraph("Tall")], rowSpan: 2 }), cell("B2"), cell("C2")] }),
          new TableRow({ children: [cell("B3"), cell("C3")] }),
        ],
      }),
    ]);
    const parsed = await parseDocx(bytes);
    expect(parsed.blocks).toEqual([{ kind: "table", text: ["| Wide |  | C |", "| --- | --- | --- |", "| Tall | B2 | C2 |", "|  | B3 | C3 |"].join("\n") }]);
  });

  it("renders lists as Markdown list items", async () => {
    const bytes = await buildDocx([
      new Paragraph({ text: "Apples", bullet: { level: 0 } }),
      new Paragraph({ text: "Green ones", bullet: { level: 1 } }),
      new Paragraph({ text: "Pears", bullet: { level: 0 } }),
      new Paragraph("After the list."),
    ]);
    const parsed = await parseDocx(bytes);
    expect(parsed.blocks).toEqual([
      { kind: "list", text: "- Apples\n  - Green ones\n- Pears" },
      { kind: "paragraph", text: "After the list." },
    ]);
  });

  it("keeps footnotes as paragraphs cited with the section that references them", async () => {
    const bytes = await buildDocx(
      [
        new Paragraph({ text: "Physics", heading: HeadingLevel.HEADING_1 }),
        new Paragraph({ children: [new TextRun("A tachyon walks into a bar"), new FootnoteReferenceRun(1), new TextRun(".")] }),
      ],
      { footnotes: { 1: "Faster than light." } },
    );
    const parsed = await parseDocx(bytes);
    expect(parsed.blocks).toEqual([
      { kind: "heading", text: "Physics", sectionPath: ["Physics"] },
      { kind: "paragraph", text: "A tachyon walks into a bar[1].", sectionPath: ["Physics"] },
      { kind: "paragraph", text: "[1] Faster than light.", sectionPath: ["Physics"] },
    ]);
  });

  it("decodes entities and keeps special characters", async () => {
    const parsed = await parseDocx(await buildDocx([new Paragraph('Fish & chips <cheap> "quoted" — 5 € café')]));
    expect(parsed.blocks).toEqual([{ kind: "paragraph", text: 'Fish & chips <cheap> "quoted" — 5 € café' }]);
  });

  it("rejects a document without text as docx.no_text", async () => {
    const bytes = await buildDocx([new Paragraph(""), new Paragraph("   ")]);
    await expect(parseDocx(bytes)).rejects.toMatchObject({ name: "AppError", code: "docx.no_text", message: "The document has no text." });
  });

  it("rejects bytes that are not a DOCX as docx.invalid", async () => {
    await expect(parseDocx(new TextEncoder().encode("not a zip file"))).rejects.toMatchObject({ name: "AppError", code: "docx.invalid" });
    await expect(parseDocx(new Uint8Array())).rejects.toMatchObject({ code: "docx.invalid" });
  });
});
