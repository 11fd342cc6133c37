import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { deflateRawSync } from "node:zlib";
import { Document, Packer, Paragraph } from "docx";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type UploadLimits, validateUploadedFile } from "@/lib/ingest/validation";
import { buildZip } from "@/tests/support/fixtures/zip-builder";

const MEBIBYTE = 1024 * 1024;

const LIMITS: UploadLimits = {
  maxBytes: 100 * MEBIBYTE,
  docxMaxUncompressedBytes: 200 * MEBIBYTE,
  docxMaxEntries: 10_000,
};

const MINIMAL_PDF = Buffer.from(
  "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n",
  "latin1",
);

function contentTypesXml(mainPartName: string, contentType: string): Buffer {
  return Buffer.from(
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
  <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
  <Default Extension="xml" ContentType="application/xml"/>
  <Override PartName="/${mainPartName}" ContentType="${contentType}"/>
</Types>`,
  );
}

function rootRelationshipsXml(relationshipType: string, target: string): Buffer {
  return Buffer.from(
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
  <Relationship Id="rId1" Type="${relationshipType}" Target="${target}"/>
</Relationships>`,
  );
}

const WORD_MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml";
const STRICT_OFFICE_DOCUMENT = "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument";
const TRANSITIONAL_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument";

let directory: string;
let fixtureCounter = 0;

/** Writes `content` to a fresh temp file and validates it as an upload called `name`. */
async function validateContent(options: {
  name: string;
  content: Buffer | string;
  limits?: Partial<UploadLimits>;
  size?: number;
}): Promise<Awaited<ReturnType<typeof validateUploadedFile>>> {
  fixtureCounter += 1;
  const filePath = path.join(directory, `upload-${fixtureCounter}.bin`);
  const bytes = typeof options.content === "string" ? Buffer.from(options.content, "utf8") : options.content;
  await writeFile(filePath, bytes);
  return validateUploadedFile({
    name: options.name,
    filePath,
    size: options.size ?? bytes.length,
    limits: { ...LIMITS, ...options.limits },
  });
}

async function realDocx(): Promise<Buffer> {
  const document = new Document({
    sections: [{ children: [new Paragraph("Parental leave is 16 weeks."), new Paragraph("Dental cover starts on day one.")] }],
  });
  return Packer.toBuffer(document);
}

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), "cited-validation-"));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe("validateUploadedFile: names, types and sizes", () => {
  it("returns the sanitised name", async () => {
    await expect(validateContent({ name: "../../etc/passwd.pdf", content: MINIMAL_PDF })).resolves.toEqual({
      kind: "pdf",
      name: "passwd.pdf",
    });
    await expect(validateContent({ name: "a\u0000b.pdf", content: MINIMAL_PDF })).resolves.toMatchObject({ name: "ab.pdf" });
  });

  it("rejects a name with nothing usable left", async () => {
    await expect(validateContent({ name: "..", content: MINIMAL_PDF })).rejects.toMatchObject({ code: "upload.invalid_name" });
    await expect(validateContent({ name: "../", content: MINIMAL_PDF })).rejects.toMatchObject({ code: "upload.invalid_name" });
  });

  it("rejects extensions that are not supported and lists the allowed ones", async () => {
    const promise = validateContent({ name: "setup.exe", content: "MZ" });
    await expect(promise).rejects.toMatchObject({ code: "upload.unsupported_type" });
    await expect(promise).rejects.toThrow(/setup\.exe.*\.pdf, \.docx, \.md, \.markdown, \.txt or \.text/);
    await expect(validateContent({ name: "README", content: "hello" })).rejects.toMatchObject({ code: "upload.unsupported_type" });
    await expect(validateContent({ name: "legacy.doc", content: "x" })).rejects.toMatchObject({ code: "upload.unsupported_type" });
  });

  it("rejects an empty file", async () => {
    const promise = validateContent({ name: "empty.pdf", content: Buffer.alloc(0) });
    await expect(promise).rejects.toMatchObject({ code: "upload.empty_file" });
    await expect(promise).rejects.toThrow(/empty\.pdf/);
  });

  it("rejects a file over the size limit and states the limit in MB", async () => {
    const content = Buffer.concat([MINIMAL_PDF, Buffer.alloc(2 * MEBIBYTE)]);
    const promise = validateContent({ name: "big.pdf", content, limits: { maxBytes: MEBIBYTE } });
    await expect(promise).rejects.toMatchObject({ code: "upload.too_large" });
    await expect(promise).rejects.toThrow(/"big\.pdf" is larger than the upload limit of 1 MB/);
  });

  it("also rejects when the size counted by the upload handler is over the limit", async () => {
    const promise = validateContent({
      name: "big.pdf",
      content: MINIMAL_PDF,
      size: 60 * MEBIBYTE,
      limits: { maxBytes: 50 * MEBIBYTE },
    });
    await expect(promise).rejects.toMatchObject({ code: "upload.too_large" });
    await expect(promise).rejects.toThrow(/50 MB/);
  });
});

describe("validateUploadedFile: PDF", () => {
  it("accepts a PDF", async () => {
    await expect(validateContent({ name: "Handbook.PDF", content: MINIMAL_PDF })).resolves.toEqual({
      kind: "pdf",
      name: "Handbook.PDF",
    });
  });

  it("accepts a few junk bytes before %PDF-, as PDF readers do", async () => {
    const content = Buffer.concat([Buffer.from("\r\n\u0000\u0000junk from a mail gateway\n", "latin1"), MINIMAL_PDF]);
    await expect(validateContent({ name: "scan.pdf", content })).resolves.toMatchObject({ kind: "pdf" });
  });

  it("rejects %PDF- that starts beyond the first 1024 bytes", async () => {
    const content = Buffer.concat([Buffer.alloc(1025, 0x20), MINIMAL_PDF]);
    await expect(validateContent({ name: "late.pdf", content })).rejects.toMatchObject({ code: "upload.content_mismatch" });
  });

  it("rejects an HTML page named .pdf", async () => {
    const promise = validateContent({ name: "download.pdf", content: "<!DOCTYPE html><html><body>Sign in</body></html>" });
    await expect(promise).rejects.toMatchObject({ code: "upload.content_mismatch" });
    await expect(promise).rejects.toThrow(/"download\.pdf" is named \.pdf but is a web page \(HTML\)/);
  });

  it("rejects an HTML page named .pdf even when it mentions %PDF- near the top", async () => {
    const content = "<html><head><title>%PDF-1.7 viewer</title></head><body></body></html>";
    await expect(validateContent({ name: "viewer.pdf", content })).rejects.toMatchObject({ code: "upload.content_mismatch" });
  });

  it("rejects an ELF executable named .pdf, even one with an embedded %PDF- header", async () => {
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]), Buffer.alloc(56), MINIMAL_PDF]);
    const promise = validateContent({ name: "invoice.pdf", content: elf });
    await expect(promise).rejects.toMatchObject({ code: "upload.content_mismatch" });
    await expect(promise).rejects.toThrow(/ELF executable/);
  });

  it("rejects a Windows executable named .pdf", async () => {
    const exe = Buffer.concat([Buffer.from("MZ\x90\x00\x03\x00\x00\x00", "latin1"), Buffer.alloc(120)]);
    await expect(validateContent({ name: "invoice.pdf", content: exe })).rejects.toMatchObject({ code: "upload.content_mismatch" });
  });

  it("rejects a ZIP archive named .pdf", async () => {
    await expect(validateContent({ name: "report.pdf", content: await realDocx() })).rejects.toMatchObject({
      code: "upload.content_mismatch",
    });
  });
});

describe("validateUploadedFile: DOCX", () => {
  it("accepts a real DOCX made with the docx package", async () => {
    await expect(validateContent({ name: "Benefits.docx", content: await realDocx() })).resolves.toEqual({
      kind: "docx",
      name: "Benefits.docx",
    });
  });

  it("accepts a package whose main part is found through _rels/.rels and [Content_Types].xml (Strict OOXML)", async () => {
    const content = buildZip([
      { name: "[Content_Types].xml", data: contentTypesXml("word/body.xml", WORD_MAIN_TYPE) },
      { name: "_rels/.rels", data: rootRelationshipsXml(STRICT_OFFICE_DOCUMENT, "word/body.xml") },
      { name: "word/body.xml", data: Buffer.from("<w:document/>") },
    ]);
    await expect(validateContent({ name: "strict.docx", content })).resolves.toMatchObject({ kind: "docx" });
  });

  it("rejects a spreadsheet package renamed to .docx", async () => {
    const content = buildZip([
      {
        name: "[Content_Types].xml",
        data: contentTypesXml("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
      },
      { name: "_rels/.rels", data: rootRelationshipsXml(TRANSITIONAL_OFFICE_DOCUMENT, "xl/workbook.xml") },
      { name: "xl/workbook.xml", data: Buffer.from("<workbook/>") },
    ]);
    await expect(validateContent({ name: "budget.docx", content })).rejects.toMatchObject({ code: "upload.content_mismatch" });
  });

  it("rejects a ZIP without a Word document part", async () => {
    const content = buildZip([{ name: "hello.txt", data: Buffer.from("hello") }]);
    const promise = validateContent({ name: "photos.docx", content });
    await expect(promise).rejects.toMatchObject({ code: "upload.content_mismatch" });
    await expect(promise).rejects.toThrow(/"photos\.docx" is a ZIP archive but not a Word document/);
  });

  it("rejects a file that is not a ZIP at all", async () => {
    await expect(validateContent({ name: "notes.docx", content: "just some text" })).rejects.toMatchObject({
      code: "upload.content_mismatch",
    });
  });

  it("rejects a legacy or password-protected Office file (OLE compound file) named .docx", async () => {
    const content = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]);
    const promise = validateContent({ name: "locked.docx", content });
    await expect(promise).rejects.toMatchObject({ code: "upload.content_mismatch" });
    await expect(promise).rejects.toThrow(/password-protected/);
  });

  it("rejects a PDF/ZIP polyglot named .docx", async () => {
    const content = Buffer.concat([MINIMAL_PDF, await realDocx()]);
    await expect(validateContent({ name: "polyglot.docx", content })).rejects.toMatchObject({ code: "upload.content_mismatch" });
  });

  it("rejects a corrupt ZIP as docx.invalid", async () => {
    const content = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(200, 0xab)]);
    await expect(validateContent({ name: "broken.docx", content })).rejects.toMatchObject({ code: "docx.invalid" });
  });

  it("rejects a truncated DOCX as docx.invalid", async () => {
    const docx = await realDocx();
    const content = docx.subarray(0, Math.floor(docx.length / 2));
    await expect(validateContent({ name: "truncated.docx", content })).rejects.toMatchObject({ code: "docx.invalid" });
  });

  it("rejects an archive whose headers declare a huge uncompressed size", async () => {
    const content = buildZip([{ name: "word/document.xml", data: Buffer.from("<w:document/>"), declaredUncompressedSize: 0xfffffff0 }]);
    const promise = validateContent({ name: "bomb.docx", content });
    await expect(promise).rejects.toMatchObject({ code: "docx.zip_bomb", details: { reason: "total_size" } });
    await expect(promise).rejects.toThrow(/"bomb\.docx" unpacks to more than the limit of 200 MB/);
  });

  it("rejects an archive whose parts add up to more than the limit, each below the ratio threshold", async () => {
    const content = buildZip(
      Array.from({ length: 30 }, (_, index) => ({
        name: `word/media/image${index}.bin`,
        data: Buffer.from("x"),
        declaredUncompressedSize: 9 * MEBIBYTE,
      })),
    );
    await expect(validateContent({ name: "many.docx", content })).rejects.toMatchObject({
      code: "docx.zip_bomb",
      details: { reason: "total_size" },
    });
  });

  it("rejects an archive with more entries than allowed", async () => {
    const content = buildZip(Array.from({ length: 20_000 }, (_, index) => ({ name: `word/part${index}.xml`, data: Buffer.from("a"), method: 0 as const })));
    const promise = validateContent({ name: "entries.docx", content });
    await expect(promise).rejects.toMatchObject({ code: "docx.zip_bomb", details: { reason: "entry_count" } });
    await expect(promise).rejects.toThrow(/20000 parts, more than the 10000/);
  });

  it("rejects a genuinely high-ratio entry (50 MB of zeros deflated)", async () => {
    const zeros = Buffer.alloc(50 * MEBIBYTE);
    const content = buildZip([{ name: "word/document.xml", data: zeros }]);
    expect(content.length).toBeLessThan(MEBIBYTE);
    const promise = validateContent({ name: "zeros.docx", content });
    await expect(promise).rejects.toMatchObject({ code: "docx.zip_bomb", details: { reason: "compression_ratio" } });
  });

  it("accepts a small highly compressible part, since the ratio rule only applies above 10 MB", async () => {
    const content = buildZip([{ name: "word/document.xml", data: Buffer.alloc(MEBIBYTE, 0x20) }]);
    await expect(validateContent({ name: "spaces.docx", content })).resolves.toMatchObject({ kind: "docx" });
  });

  it("rejects a main document part declared larger than the uncompressed limit", async () => {
    const content = buildZip([{ name: "word/document.xml", data: Buffer.alloc(2 * MEBIBYTE, 0x61), method: 0 }]);
    await expect(validateContent({ name: "long.docx", content, limits: { docxMaxUncompressedBytes: MEBIBYTE } })).rejects.toMatchObject({ code: "docx.zip_bomb" });
  });

  it("stops inflating a metadata part that is larger than its declared size", async () => {
    // _rels/.rels is read to find Strict OOXML main parts; a lying one must fail early, not fill memory.
    const content = buildZip([
      { name: "_rels/.rels", data: Buffer.alloc(50 * MEBIBYTE), declaredUncompressedSize: 100 },
      { name: "[Content_Types].xml", data: contentTypesXml("word/body.xml", WORD_MAIN_TYPE) },
    ]);
    await expect(validateContent({ name: "liar.docx", content })).rejects.toMatchObject({ code: "docx.invalid" });
  });
});

describe("validateUploadedFile: Markdown and plain text", () => {
  it("accepts UTF-8 text and Markdown", async () => {
    await expect(validateContent({ name: "notes.txt", content: "Grüße, 世界" })).resolves.toEqual({
      kind: "text",
      name: "notes.txt",
    });
    await expect(validateContent({ name: "guide.markdown", content: "# Guide\n" })).resolves.toMatchObject({ kind: "markdown" });
  });

  it("accepts Markdown with a UTF-8 byte order mark", async () => {
    const content = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("# Title\n\nBody\n")]);
    await expect(validateContent({ name: "bom.md", content })).resolves.toEqual({ kind: "markdown", name: "bom.md" });
  });

  it("rejects invalid UTF-8", async () => {
    const promise = validateContent({ name: "latin1.txt", content: Buffer.from([0x48, 0x69, 0x20, 0xe9, 0x74, 0xe9]) });
    await expect(promise).rejects.toMatchObject({ code: "text.invalid_encoding" });
    await expect(promise).rejects.toThrow(/"latin1\.txt" is not valid UTF-8/);
  });

  it("rejects NUL bytes in .txt and .md files", async () => {
    await expect(validateContent({ name: "binary.txt", content: Buffer.from("abc\u0000def") })).rejects.toMatchObject({
      code: "text.invalid_encoding",
    });
    await expect(validateContent({ name: "binary.md", content: Buffer.from("# x\u0000") })).rejects.toMatchObject({
      code: "text.invalid_encoding",
    });
  });

  it("rejects UTF-16 text with a hint to save as UTF-8", async () => {
    const content = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("hello", "utf16le")]);
    const promise = validateContent({ name: "wide.txt", content });
    await expect(promise).rejects.toMatchObject({ code: "text.invalid_encoding" });
    await expect(promise).rejects.toThrow(/UTF-16/);
  });

  it("rejects whitespace-only text", async () => {
    await expect(validateContent({ name: "blank.md", content: " \n\t\r\n\u00a0 " })).rejects.toMatchObject({ code: "text.no_text" });
    const bomOnly = Buffer.from([0xef, 0xbb, 0xbf, 0x0a]);
    await expect(validateContent({ name: "bom-only.txt", content: bomOnly })).rejects.toMatchObject({ code: "text.no_text" });
  });
});

describe("fixture sanity", () => {
  it("the high-ratio fixture really is compressed more than 200 to 1", () => {
    const compressed = deflateRawSync(Buffer.alloc(50 * MEBIBYTE));
    expect((50 * MEBIBYTE) / compressed.length).toBeGreaterThan(200);
  });
});
