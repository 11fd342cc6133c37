import { randomBytes } from "node:crypto";
import { Paragraph } from "docx";
import { describe, expect, it } from "vitest";
import { parseDocument } from "@/lib/ingest/parsers";
import { stripNonTextPayloads } from "@/lib/ingest/parsers/text-normalization";
import { buildDocx } from "@/tests/support/fixtures/docx-fixtures";
import { buildPdf } from "@/tests/support/fixtures/pdf-fixtures";

/**
 * Embedded images and other encoded payloads are not indexed as text (issue 16): a Markdown note
 * with a 200 KB `data:` image spent over 30 s embedding base64. Every parser drops them and keeps
 * the text around them.
 */

const encoder = new TextEncoder();
const base64 = (bytes: number) => randomBytes(bytes).toString("base64");
const allText = (blocks: { text: string }[]) => blocks.map((block) => block.text).join("\n");
/** Any run of 100 characters of the base64 alphabet (ordinary words are far shorter). */
const ENCODED_RUN = /[A-Za-z0-9+/]{100,}/;

describe("non-text payloads", () => {
  it("Markdown: drops a 200 KB data-URI image and keeps its alt text and the prose around it", async () => {
    const note = `# Field trip\n\nThe route is shown below. ![map of the route](data:image/png;base64,${base64(150_000)}) Bring water.\n\nMeet at the gate at nine.\n`;
    const parsed = await parseDocument({ kind: "markdown", bytes: encoder.encode(note) });
    const text = allText(parsed.blocks);
    expect(text).toContain("The route is shown below.");
    expect(text).toContain("map of the route");
    expect(text).toContain("Bring water.");
    expect(text).toContain("Meet at the gate at nine.");
    expect(text).not.toMatch(ENCODED_RUN);
    expect(text).not.toContain("data:image");
    expect(text.length).toBeLessThan(500);
  });

  it("plain text: drops base64 wrapped at 76 columns and a hex dump, keeps the sentences", async () => {
    const wrapped = base64(6_000).replace(/(.{76})/g, "$1\n");
    const hex = randomBytes(2_000).toString("hex");
    const file = `Certificate of the build server:\n${wrapped}\n\nChecksum dump: ${hex} ends here.\n\nThe build runs nightly.`;
    const parsed = await parseDocument({ kind: "text", bytes: encoder.encode(file) });
    const text = allText(parsed.blocks);
    expect(text).toContain("Certificate of the build server:");
    expect(text).toContain("Checksum dump:");
    expect(text).toContain("ends here.");
    expect(text).toContain("The build runs nightly.");
    expect(text).not.toMatch(ENCODED_RUN);
    expect(text).not.toMatch(/[0-9a-f]{100,}/);
  });

  it("DOCX and PDF: the same payloads are dropped from extracted text", async () => {
    const docx = await buildDocx([new Paragraph(`Logo: data:image/gif;base64,${base64(3_000)} above the title.`), new Paragraph(`Key ${base64(600)} is rotated yearly.`)]);
    const fromDocx = allText((await parseDocument({ kind: "docx", bytes: docx })).blocks);
    expect(fromDocx).toContain("above the title.");
    expect(fromDocx).toContain("is rotated yearly.");
    expect(fromDocx).not.toMatch(ENCODED_RUN);

    const pdf = await buildPdf([
      [
        { text: "Appendix: signing key", y: 720 },
        { text: randomBytes(150).toString("base64"), y: 700, size: 4 },
        { text: "Keep it offline.", y: 680 },
      ],
    ]);
    const fromPdf = allText((await parseDocument({ kind: "pdf", bytes: pdf })).blocks);
    expect(fromPdf).toContain("Appendix: signing key");
    expect(fromPdf).toContain("Keep it offline.");
    expect(fromPdf).not.toMatch(ENCODED_RUN);
  });

  it("leaves ordinary long words, hashes, code and a run of plain letters alone", () => {
    const text = `Donaudampfschifffahrtsgesellschaftskapitänswitwe. SHA-256 ${"ab12".repeat(16)}. const x = computeTotal(items, taxRate); ${"abcdefghij".repeat(20)}`;
    expect(stripNonTextPayloads(text)).toBe(text);
  });

  it("fails a document that is nothing but a payload with the kind's no-text code", async () => {
    await expect(parseDocument({ kind: "text", bytes: encoder.encode(base64(5_000)) })).rejects.toMatchObject({ code: "text.no_text" });
  });
});
