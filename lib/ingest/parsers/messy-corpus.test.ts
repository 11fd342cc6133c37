import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isAppError } from "@/lib/errors";
import { inspectPdf, parseDocument, parsePdf } from "@/lib/ingest/parsers";
import type { ParsedDocument } from "@/lib/contracts/documents";

// The shared corpus of awkward real-world files (see its MANIFEST.md); it is not part of the repository.
const corpusDirectory = path.resolve(process.cwd(), "../shared/corpus/messy");
const corpusAvailable = existsSync(corpusDirectory);
if (!corpusAvailable) console.log(`Skipping messy corpus tests: ${corpusDirectory} does not exist.`);
const describeCorpus = corpusAvailable ? describe : describe.skip;

const HANGUL = /\p{Script=Hangul}/u;
const ARABIC_LETTER = /[\u0621-\u064A]/;

function read(name: string): Uint8Array {
  return new Uint8Array(readFileSync(path.join(corpusDirectory, name)));
}

function parseFile(name: string): Promise<ParsedDocument> {
  return parseDocument({ kind: name.endsWith(".pdf") ? "pdf" : "docx", bytes: read(name) });
}

function allText(parsed: ParsedDocument): string {
  return parsed.blocks.map((block) => block.text).join("\n");
}

describeCorpus("messy corpus", () => {
  it.each(["encrypted-user-password.pdf", "encrypted-aes256-pw-usersecret.pdf"])("rejects %s as pdf.encrypted, at upload and at parse time", async (name) => {
    await expect(inspectPdf(read(name))).rejects.toMatchObject({ name: "AppError", code: "pdf.encrypted" });
    await expect(parsePdf(read(name))).rejects.toMatchObject({
      code: "pdf.encrypted",
      message: "This PDF is encrypted with a password; remove the password and upload it again.",
    });
  });

  it("opens the AES-256 PDF with its user password and reports a wrong one", async () => {
    const parsed = await parsePdf(read("encrypted-aes256-pw-usersecret.pdf"), { password: "usersecret" });
    expect(parsed.blocks.length).toBeGreaterThan(0);
    await expect(parsePdf(read("encrypted-aes256-pw-usersecret.pdf"), { password: "wrong" })).rejects.toMatchObject({
      code: "pdf.encrypted",
      details: { reason: "incorrect_password" },
    });
  });

  it("parses the owner-password (copy-protected) PDF, which opens without a password", async () => {
    await expect(inspectPdf(read("owner-password-copy-protected.pdf"))).resolves.toEqual({ pageCount: 2, encrypted: true });
    const parsed = await parseFile("owner-password-copy-protected.pdf");
    expect(allText(parsed)).toContain("LayoutParser");
  });

  it("rejects the image-only scan without a text layer as pdf.no_text", async () => {
    await expect(parseFile("scanned-ocr-test.pdf")).rejects.toMatchObject({
      code: "pdf.no_text",
      message: expect.stringMatching(/^No extractable text \(scanned document\?\)/) as unknown,
    });
  });

  it("reads the invisible OCR text of scanned-image-only.pdf (its scan carries a 6-character text layer)", async () => {
    // The manifest calls this file image-only, but its content stream draws "pdf.js" in text render
    // mode 3 (invisible) over the scan, the way OCR tools do; that text is real and is extracted.
    const parsed = await parseFile("scanned-image-only.pdf");
    expect(parsed.blocks).toEqual([{ text: "pdf.js", kind: "paragraph", page: 1 }]);
  });

  it("extracts Korean text from the CID-font PDF", async () => {
    expect(allText(await parseFile("korean-with-tables.pdf"))).toMatch(HANGUL);
  });

  it.each(["arabic-cid.pdf", "arabic-rtl.pdf"])("extracts Arabic letters (not presentation forms) from %s", async (name) => {
    const text = allText(await parseFile(name));
    expect(text).toMatch(ARABIC_LETTER);
    expect(text).not.toMatch(/[\uFE70-\uFEFC]/);
  });

  it("puts the words of the visually ordered Arabic line into reading order", async () => {
    // "انواع الخطوط العربية" (types of Arabic fonts); the font maps the lam-khah ligature in reverse.
    expect(allText(await parseFile("arabic-cid.pdf"))).toContain("انواع اخلطوط العربية");
  });

  it("reads all 14 pages of the two-column paper, column by column", async () => {
    const parsed = await parseFile("two-column-tracemonkey.pdf");
    expect(parsed.pageCount).toBe(14);
    const pagesWithText = new Set(parsed.blocks.map((block) => block.page));
    expect([...pagesWithText].sort((left, right) => (left ?? 0) - (right ?? 0))).toEqual(Array.from({ length: 14 }, (_, index) => index + 1));
    // Left column of page 1 ends its abstract before the right column starts its introduction.
    const pageOne = parsed.blocks
      .filter((block) => block.page === 1)
      .map((block) => block.text)
      .join("\n");
    expect(pageOne.indexOf("Dynamic languages such as JavaScript")).toBeGreaterThan(-1);
    expect(pageOne.indexOf("Dynamic languages such as JavaScript")).toBeLessThan(pageOne.indexOf("1. Introduction"));
  });

  it("parses the 619-page PDF page by page with bounded memory", { timeout: 300_000 }, async () => {
    const bytes = read("huge-619-pages.pdf");
    const startRss = process.memoryUsage().rss;
    let peakRss = startRss;
    const started = performance.now();
    const parsed = await parsePdf(bytes, {
      onProgress: () => {
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
      },
    });
    const seconds = (performance.now() - started) / 1000;
    const characters = parsed.blocks.reduce((sum, block) => sum + block.text.length, 0);
    console.log(
      `huge-619-pages.pdf: ${parsed.pageCount} pages, ${parsed.blocks.length} blocks, ${characters} characters in ${seconds.toFixed(1)} s; ` +
        `RSS ${Math.round(startRss / 2 ** 20)} MiB before, peak ${Math.round(peakRss / 2 ** 20)} MiB`,
    );
    expect(parsed.pageCount).toBe(619);
    expect(new Set(parsed.blocks.map((block) => block.page)).size).toBe(619);
    expect(characters).toBeGreaterThan(1_500_000);
  });

  it("gives docx-heading-hierarchy.docx the full heading path of every paragraph", async () => {
    const parsed = await parseFile("docx-heading-hierarchy.docx");
    const pathOf = (text: string): string[] | undefined => parsed.blocks.find((block) => block.text === text)?.sectionPath;
    // The file uses Title and Heading 1 to 3 only (not 1 to 6 as its manifest line says), so paths are at most 3 deep.
    expect(pathOf("Paragraph 1.2.3.1")).toEqual(["Section 1", "Section 1.2", "Section 1.2.3"]);
    expect(pathOf("Paragraph 2.1.1.1")).toEqual(["Section 2", "Section 2.1.1"]);
    expect(pathOf("Paragraph 2.1.2")).toEqual(["Section 2", "Section 2.1"]);
    expect(Math.max(...parsed.blocks.map((block) => block.sectionPath?.length ?? 0))).toBe(3);
    expect(parsed.title).toBe("Test Document");
  });

  it("keeps the table of docx-headings-table-footnotes.docx as a Markdown table under its heading", async () => {
    const parsed = await parseFile("docx-headings-table-footnotes.docx");
    const table = parsed.blocks.find((block) => block.kind === "table");
    expect(table?.text.startsWith("|")).toBe(true);
    expect(table?.text).toContain("| Berries | Blueberry, Strawberry, Cranberry | 150 |");
    expect(table?.sectionPath).toEqual(["Let’s swim!", "Let’s eat"]);
  });

  it("keeps footnote text (docx-footnotes.docx; docx-headings-table-footnotes.docx has no real footnotes)", async () => {
    const parsed = await parseFile("docx-footnotes.docx");
    expect(parsed.blocks.map((block) => block.text)).toEqual(["Ouch[1].[2]", "[1] A tachyon walks into a bar.", "[2] Fin."]);
  });

  it("rejects docx-empty.docx as docx.no_text", async () => {
    await expect(parseFile("docx-empty.docx")).rejects.toMatchObject({ code: "docx.no_text", message: "The document has no text." });
  });

  it("reads the Strict OOXML document or rejects it as an unsupported variant", async () => {
    const outcome = await parseFile("docx-strict-ooxml.docx").then(
      (parsed) => allText(parsed),
      (error: unknown) => (isAppError(error) ? error.code : error),
    );
    if (outcome !== "docx.unsupported_variant") expect(outcome).toBe("Some text");
  });

  it.each(["corrupted-recoverable.pdf", "corrupted-xref-missing.pdf", "needs-repair-76-pages.pdf"])(
    "reads %s or rejects it as pdf.invalid, never with another error",
    async (name) => {
      const outcome = await parseFile(name).then(
        (parsed) => (parsed.blocks.length > 0 ? "parsed" : "empty"),
        (error: unknown) => (isAppError(error) ? error.code : error),
      );
      expect(["parsed", "pdf.invalid"]).toContain(outcome);
    },
  );

  it("answers every file in the corpus with a document or an AppError", { timeout: 300_000 }, async () => {
    const names = readdirSync(corpusDirectory).filter((name) => /\.(pdf|docx)$/.test(name) && name !== "huge-619-pages.pdf");
    const summary: string[] = [];
    for (const name of names.sort()) {
      const started = performance.now();
      const outcome = await parseFile(name).then(
        (parsed) => {
          const characters = parsed.blocks.reduce((sum, block) => sum + block.text.length, 0);
          return `${parsed.pageCount === null ? "" : `${parsed.pageCount} pages, `}${parsed.blocks.length} blocks, ${characters} chars`;
        },
        (error: unknown) => {
          if (!isAppError(error)) throw error;
          return `AppError ${error.code}`;
        },
      );
      summary.push(`${name}: ${outcome} (${Math.round(performance.now() - started)} ms)`);
    }
    console.log(summary.join("\n"));
    expect(summary).toHaveLength(names.length);
  });
});
