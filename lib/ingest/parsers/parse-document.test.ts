import { Paragraph } from "docx";
import { describe, expect, it } from "vitest";
import { parseDocument } from "@/lib/ingest/parsers";
import { buildDocx } from "@/tests/support/fixtures/docx-fixtures";
import { buildPdf } from "@/tests/support/fixtures/pdf-fixtures";

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

describe("parseDocument", () => {
  it("dispatches on the document kind", async () => {
    await expect(parseDocument({ kind: "text", bytes: encode("Plain.") })).resolves.toMatchObject({ kind: "text", blocks: [{ text: "Plain." }] });
    await expect(parseDocument({ kind: "markdown", bytes: encode("# Head\nBody") })).resolves.toMatchObject({ kind: "markdown", title: "Head" });
    await expect(parseDocument({ kind: "docx", bytes: await buildDocx([new Paragraph("Word text.")]) })).resolves.toMatchObject({
      kind: "docx",
      blocks: [{ text: "Word text." }],
    });
    await expect(parseDocument({ kind: "pdf", bytes: await buildPdf([[{ text: "PDF text.", y: 700 }]]) })).resolves.toMatchObject({
      kind: "pdf",
      pageCount: 1,
      blocks: [{ text: "PDF text.", page: 1 }],
    });
  });

  it("decodes UTF-8 and drops the byte order mark", async () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...encode("Grüße, 世界")]);
    await expect(parseDocument({ kind: "text", bytes })).resolves.toMatchObject({ blocks: [{ text: "Grüße, 世界" }] });
  });

  it("rejects bytes that are not UTF-8 as text.invalid_encoding", async () => {
    const latin1 = new Uint8Array([0x47, 0x72, 0xfc, 0xdf, 0x65]);
    await expect(parseDocument({ kind: "text", bytes: latin1 })).rejects.toMatchObject({ name: "AppError", code: "text.invalid_encoding" });
    await expect(parseDocument({ kind: "markdown", bytes: latin1 })).rejects.toMatchObject({ code: "text.invalid_encoding" });
  });

  it("rejects empty and whitespace-only text as text.no_text", async () => {
    for (const kind of ["text", "markdown"] as const) {
      await expect(parseDocument({ kind, bytes: encode(" \n\t\r\n") })).rejects.toMatchObject({ code: "text.no_text", message: "The file has no text." });
      await expect(parseDocument({ kind, bytes: new Uint8Array() })).rejects.toMatchObject({ code: "text.no_text" });
    }
    await expect(parseDocument({ kind: "markdown", bytes: encode("---\ntitle: Only front matter\n---\n") })).rejects.toMatchObject({ code: "text.no_text" });
  });
});
