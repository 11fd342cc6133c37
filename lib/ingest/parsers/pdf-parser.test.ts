import { describe, expect, it } from "vitest";
import { inspectPdf, parsePdf } from "@/lib/ingest/parsers/pdf-parser";
import { buildPdf, paragraphsPage } from "@/tests/support/fixtures/pdf-fixtures";

describe("parsePdf", () => {
  it("puts each page's text on its own 1-based page and counts pages", async () => {
    const bytes = await buildPdf([
      [{ text: "Alpha is on the first page.", y: 700 }],
      [{ text: "Bravo is on the second page.", y: 700 }],
      [{ text: "Charlie is on the third page.", y: 700 }],
    ]);
    const parsed = await parsePdf(bytes);
    expect(parsed.kind).toBe("pdf");
    expect(parsed.pageCount).toBe(3);
    expect(parsed.blocks).toEqual([
      { text: "Alpha is on the first page.", kind: "paragraph", page: 1 },
      { text: "Bravo is on the second page.", kind: "paragraph", page: 2 },
      { text: "Charlie is on the third page.", kind: "paragraph", page: 3 },
    ]);
  });

  it("keeps page numbers right when a page in between has no text", async () => {
    const bytes = await buildPdf([[{ text: "Before the blank page.", y: 700 }], [], [{ text: "After the blank page.", y: 700 }]]);
    const parsed = await parsePdf(bytes);
    expect(parsed.pageCount).toBe(3);
    expect(parsed.blocks.map((block) => [block.page, block.text])).toEqual([
      [1, "Before the blank page."],
      [3, "After the blank page."],
    ]);
  });

  it("rejects a PDF without any text as pdf.no_text", async () => {
    const bytes = await buildPdf([[], []]);
    await expect(parsePdf(bytes)).rejects.toMatchObject({ name: "AppError", code: "pdf.no_text" });
    await expect(parsePdf(bytes)).rejects.toThrow(/^No extractable text \(scanned document\?\)/);
  });

  it("joins lines into paragraphs and splits paragraphs at larger vertical gaps", async () => {
    const bytes = await buildPdf([paragraphsPage([["The first paragraph starts here", "and continues on a second line."], ["The second paragraph is short."]])]);
    const parsed = await parsePdf(bytes);
    expect(parsed.blocks.map((block) => block.text)).toEqual(["The first paragraph starts here and continues on a second line.", "The second paragraph is short."]);
  });

  it("joins hyphenated line ends only when the next line starts in lower case", async () => {
    const bytes = await buildPdf([
      paragraphsPage([
        ["This is an exam-", "ple of a hyphenated word."],
        ["The engine is called Trace-", "Monkey in the paper."],
      ]),
    ]);
    const parsed = await parsePdf(bytes);
    expect(parsed.blocks.map((block) => block.text)).toEqual(["This is an example of a hyphenated word.", "The engine is called Trace-Monkey in the paper."]);
  });

  it("keeps a compound's hyphen at a line end when the document writes the compound elsewhere, even on another page", async () => {
    const bytes = await buildPdf([paragraphsPage([["Choose an in-", "network doctor to pay less."]]), paragraphsPage([["In-network care costs less than other care."]])]);
    const parsed = await parsePdf(bytes);
    expect(parsed.blocks.map((block) => block.text)).toEqual(["Choose an in-network doctor to pay less.", "In-network care costs less than other care."]);
  });

  it("keeps content-stream order for two columns instead of interleaving their lines", async () => {
    const left = [
      { text: "Left column first line.", x: 72, y: 700 },
      { text: "Left column second line.", x: 72, y: 686 },
    ];
    const right = [
      { text: "Right column first line.", x: 330, y: 700 },
      { text: "Right column second line.", x: 330, y: 686 },
    ];
    const parsed = await parsePdf(await buildPdf([[...left, ...right]]));
    const text = parsed.blocks.map((block) => block.text).join("\n");
    expect(text).toBe("Left column first line. Left column second line.\nRight column first line. Right column second line.");
  });

  it("splits a heading in a larger font from the body text below it", async () => {
    const parsed = await parsePdf(
      await buildPdf([
        [
          { text: "Introduction", y: 700, size: 20 },
          { text: "Body text follows the heading.", y: 680, size: 11 },
        ],
      ]),
    );
    expect(parsed.blocks.map((block) => block.text)).toEqual(["Introduction", "Body text follows the heading."]);
  });

  it("takes the title from the document metadata and leaves it out when there is none", async () => {
    const withTitle = await parsePdf(await buildPdf([[{ text: "Some text.", y: 700 }]], { title: "  Annual   Report " }));
    expect(withTitle.title).toBe("Annual Report");
    const withoutTitle = await parsePdf(await buildPdf([[{ text: "Some text.", y: 700 }]]));
    expect(withoutTitle).not.toHaveProperty("title");
  });

  it("leaves the caller's bytes intact (pdf.js detaches the buffer it is given)", async () => {
    const bytes = await buildPdf([[{ text: "Still here.", y: 700 }]]);
    const length = bytes.byteLength;
    await parsePdf(bytes);
    expect(bytes.byteLength).toBe(length);
    await expect(parsePdf(bytes)).resolves.toMatchObject({ pageCount: 1 });
  });

  it("rejects bytes that are not a PDF as pdf.invalid", async () => {
    await expect(parsePdf(new TextEncoder().encode("This is not a PDF at all."))).rejects.toMatchObject({ name: "AppError", code: "pdf.invalid" });
    await expect(parsePdf(new Uint8Array())).rejects.toMatchObject({ code: "pdf.invalid" });
  });

  it("either reads a truncated PDF or rejects it as pdf.invalid, never with another error", async () => {
    const bytes = await buildPdf([[{ text: "Text that may survive truncation.", y: 700 }]]);
    for (const length of [20, Math.floor(bytes.length / 2), bytes.length - 40]) {
      const outcome = await parsePdf(bytes.slice(0, length)).then(
        () => "parsed",
        (error: unknown) => (error as { code?: string }).code,
      );
      expect(["parsed", "pdf.invalid", "pdf.no_text"]).toContain(outcome);
    }
  });

  it("reports progress after every page", async () => {
    const bytes = await buildPdf([[{ text: "One.", y: 700 }], [{ text: "Two.", y: 700 }]]);
    const progress: Array<[number, number]> = [];
    await parsePdf(bytes, { onProgress: (done, total) => progress.push([done, total]) });
    expect(progress).toEqual([
      [1, 2],
      [2, 2],
    ]);
  });

  it("stops between pages when the signal is aborted", async () => {
    const bytes = await buildPdf([[{ text: "One.", y: 700 }], [{ text: "Two.", y: 700 }]]);
    const controller = new AbortController();
    controller.abort();
    await expect(parsePdf(bytes, { signal: controller.signal })).rejects.toMatchObject({ name: "AbortError" });
  });

  it("leaves Node's JSON and Array built-ins as they were after loading pdf.js", async () => {
    const { stringify, parse } = JSON;
    const { push } = Array.prototype;
    const hadSelf = "self" in globalThis;
    await parsePdf(await buildPdf([[{ text: "Load pdf.js.", y: 700 }]]));
    expect(JSON.stringify).toBe(stringify);
    expect(JSON.parse).toBe(parse);
    expect(Array.prototype.push).toBe(push);
    expect("self" in globalThis).toBe(hadSelf);
  });
});

describe("inspectPdf", () => {
  it("reports the page count of a readable PDF", async () => {
    const bytes = await buildPdf([[{ text: "One.", y: 700 }], [], []]);
    await expect(inspectPdf(bytes)).resolves.toEqual({ pageCount: 3, encrypted: false });
  });

  it("rejects bytes that are not a PDF as pdf.invalid", async () => {
    await expect(inspectPdf(new TextEncoder().encode("%PDF-1.7 but nothing else"))).rejects.toMatchObject({ code: "pdf.invalid" });
  });
});
