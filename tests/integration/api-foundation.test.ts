import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Document, HeadingLevel, Packer, Paragraph } from "docx";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { ChromaClient } from "chromadb";
import fs from "node:fs/promises";
import path from "node:path";
import { hasProductionBuild, startApp, waitForDocuments, type RunningApp } from "@/tests/support/app-server";

/**
 * The foundation end to end over HTTP against the production build with the embedded
 * defaults: real Chroma server, real local embedding model, real parsers.
 */

async function makePdf(pages: string[][]): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (const lines of pages) {
    const page = pdf.addPage([612, 792]);
    lines.forEach((line, index) => page.drawText(line, { x: 50, y: 740 - index * 16, size: 11, font }));
  }
  return pdf.save();
}

async function makeDocx(): Promise<Uint8Array> {
  const document = new Document({
    sections: [
      {
        children: [
          new Paragraph({ text: "Travel Policy", heading: HeadingLevel.HEADING_1 }),
          new Paragraph({ text: "Booking", heading: HeadingLevel.HEADING_2 }),
          new Paragraph("Employees book flights through the internal travel desk at least fourteen days ahead."),
          new Paragraph({ text: "Per diem", heading: HeadingLevel.HEADING_2 }),
          new Paragraph("The daily meal allowance abroad is sixty-five euros, paid with the monthly salary."),
        ],
      },
    ],
  });
  return new Uint8Array(await Packer.toBuffer(document));
}

function form(files: { name: string; bytes: Uint8Array | string; type?: string }[]): FormData {
  const body = new FormData();
  for (const file of files)
    body.append("file", new Blob([typeof file.bytes === "string" ? file.bytes : new Uint8Array(file.bytes)], { type: file.type ?? "application/octet-stream" }), file.name);
  return body;
}

interface UploadBody {
  documents?: { id: string; status: string }[];
  results: { name: string; status: string; error?: { code: string; message: string }; document?: { id: string; name: string } }[];
  error?: { code: string; message: string };
}

async function upload(app: RunningApp, files: { name: string; bytes: Uint8Array | string }[]): Promise<{ status: number; body: UploadBody }> {
  const response = await fetch(`${app.baseUrl}/api/documents`, { method: "POST", body: form(files) });
  return { status: response.status, body: (await response.json()) as UploadBody };
}

interface SearchBody {
  results: { chunkId: string; documentId: string; documentName: string; page: number | null; section: string | null; text: string; score: number }[];
}

async function search(app: RunningApp, body: Record<string, unknown>): Promise<{ status: number; body: SearchBody }> {
  const response = await fetch(`${app.baseUrl}/api/search`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as SearchBody };
}

async function chromaVectorCount(app: RunningApp, documentId: string): Promise<number> {
  const recorded = JSON.parse(await fs.readFile(path.join(app.dataDirectory, "chroma", "cited-chroma.pid"), "utf8")) as { port: number };
  const client = new ChromaClient({ host: "127.0.0.1", port: recorded.port });
  const collection = await client.getCollection({ name: "cited_all-minilm-l6-v2_384" });
  const result = await collection.get({ where: { documentId }, include: [] });
  return result.ids.length;
}

const skip = !hasProductionBuild();
if (skip) console.log("api-foundation: skipped — no production build (run `npm run build` first; `npm test` does)");

describe.skipIf(skip)("foundation API (production build, embedded defaults)", () => {
  let app: RunningApp;
  let pdfId = "";
  let docxId = "";

  beforeAll(async () => {
    app = await startApp();
  });

  afterAll(async () => {
    await app?.stop();
  });

  it("reports health with the embedded defaults", async () => {
    const response = await fetch(`${app.baseUrl}/api/health`);
    const body = (await response.json()) as { status: string; embedding: { model: string; dimensions: number }; chat: { mode: string }; vectorStore: { embedded: boolean } };
    expect(response.status).toBe(200);
    expect(body.embedding).toMatchObject({ model: "all-MiniLM-L6-v2", dimensions: 384 });
    expect(body.vectorStore.embedded).toBe(true);
    expect(body.chat.mode).toBe("extractive");
  });

  it("accepts a PDF, a DOCX and a Markdown file at once and indexes them", async () => {
    const pdf = await makePdf([
      ["Company handbook", "Welcome to the company. This handbook explains our policies."],
      ["Vacation policy", "Every employee receives twenty-eight days of paid vacation per year.", "Unused vacation days expire at the end of March."],
      ["Security", "Laptops must be locked whenever you leave your desk."],
    ]);
    const markdown = "# Onboarding\n\n## First day\n\nYour manager gives you a laptop and a badge on the first day.\n";
    const { status, body } = await upload(app, [
      { name: "handbook.pdf", bytes: pdf },
      { name: "travel.docx", bytes: await makeDocx() },
      { name: "onboarding.md", bytes: markdown },
    ]);
    expect(status).toBe(202);
    expect(body.results.map((result) => result.status)).toEqual(["accepted", "accepted", "accepted"]);
    const ids = (body.documents ?? []).map((document) => document.id);
    pdfId = ids[0] ?? "";
    docxId = ids[1] ?? "";
    const final = await waitForDocuments({ baseUrl: app.baseUrl, ids, timeoutMs: 180_000 });
    for (const id of ids) expect(final[id]?.status).toBe("ready");
    expect(final[pdfId]).toMatchObject({ pageCount: 3, embeddingModel: "all-MiniLM-L6-v2" });
    expect((final[pdfId] as unknown as { chunkCount: number }).chunkCount).toBeGreaterThan(0);
  });

  it("finds the right page of a PDF and the right section of a DOCX", async () => {
    const vacation = await search(app, { query: "How many days of paid vacation do employees get?", threshold: 0 });
    expect(vacation.status).toBe(200);
    expect(vacation.body.results[0]).toMatchObject({ documentId: pdfId, documentName: "handbook.pdf" });
    expect(vacation.body.results[0]?.text).toContain("twenty-eight days");

    const perDiem = await search(app, { query: "daily meal allowance abroad", threshold: 0, documentIds: [docxId] });
    expect(perDiem.body.results[0]?.documentId).toBe(docxId);
    expect(perDiem.body.results[0]?.section).toContain("Travel Policy");
    expect(perDiem.body.results.every((result) => result.documentId === docxId)).toBe(true);
  });

  it("applies the similarity threshold: nonsense finds nothing at the default", async () => {
    const { body } = await search(app, { query: "quantum chromodynamics of neutron star mergers" });
    expect(body.results).toEqual([]);
  });

  it("detects a duplicate by content even under another name, without embedding it again", async () => {
    const original = await fetch(`${app.baseUrl}/api/documents/${pdfId}/file`);
    expect(original.status).toBe(200);
    expect(original.headers.get("content-type")).toBe("application/pdf");
    const bytes = new Uint8Array(await original.arrayBuffer());
    const { status, body } = await upload(app, [{ name: "copy-of-handbook.pdf", bytes }]);
    expect(status).toBe(409);
    expect(body.error?.code).toBe("upload.duplicate");
    expect(body.results[0]?.error?.message).toContain("handbook.pdf");
    expect(body.results[0]?.document?.id).toBe(pdfId);
    const list = (await (await fetch(`${app.baseUrl}/api/documents`)).json()) as { documents: unknown[] };
    expect(list.documents).toHaveLength(3);
  });

  it("refuses bad files with stable codes and keeps the good one of a mixed request", async () => {
    const html = await upload(app, [{ name: "report.pdf", bytes: "<html><body>not a pdf</body></html>" }]);
    expect(html.status).toBe(415);
    expect(html.body.error?.code).toBe("upload.content_mismatch");

    const empty = await upload(app, [{ name: "empty.txt", bytes: "" }]);
    expect(empty.body.error?.code).toBe("upload.empty_file");

    const mixed = await upload(app, [
      { name: "../../etc/notes.txt", bytes: "Parking spaces are assigned by the facilities team." },
      { name: "program.exe", bytes: "MZ\u0090\u0000" },
    ]);
    expect(mixed.status).toBe(202);
    expect(mixed.body.results[0]).toMatchObject({ name: "notes.txt", status: "accepted" });
    expect(mixed.body.results[1]).toMatchObject({ status: "rejected", error: { code: "upload.unsupported_type" } });

    const json = await fetch(`${app.baseUrl}/api/documents`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(json.status).toBe(415);
    expect(((await json.json()) as { error: { code: string } }).error.code).toBe("request.not_multipart");

    const files = await fs.readdir(path.join(app.dataDirectory, "files"), { recursive: true });
    // 3 first documents + notes.txt; nothing of the refused files was kept.
    expect(files.filter((entry) => /[0-9a-f]{64}$/.test(entry))).toHaveLength(4);
    expect(await fs.readdir(path.join(app.dataDirectory, "tmp"))).toEqual([]);
  });

  it("validates search input", async () => {
    const empty = await search(app, { query: "   " });
    expect(empty.status).toBe(400);
    const wrong = await fetch(`${app.baseUrl}/api/search`, { method: "POST", headers: { "content-type": "application/json" }, body: "not json" });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe("request.invalid");
  });

  it("deletes a document with its file, chunks and every vector", async () => {
    expect(await chromaVectorCount(app, docxId)).toBeGreaterThan(0);
    const response = await fetch(`${app.baseUrl}/api/documents/${docxId}`, { method: "DELETE" });
    expect(response.status).toBe(204);
    expect(await chromaVectorCount(app, docxId)).toBe(0);
    const missing = await fetch(`${app.baseUrl}/api/documents/${docxId}`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("document.not_found");
    const { body } = await search(app, { query: "daily meal allowance abroad", threshold: 0 });
    expect(body.results.some((result) => result.documentId === docxId)).toBe(false);
  });

  it("reindexes a document and ends ready with the same chunk count", async () => {
    const before = (await (await fetch(`${app.baseUrl}/api/documents/${pdfId}`)).json()) as { document: { chunkCount: number } };
    const response = await fetch(`${app.baseUrl}/api/documents/${pdfId}/reindex`, { method: "POST" });
    expect(response.status).toBe(202);
    const final = await waitForDocuments({ baseUrl: app.baseUrl, ids: [pdfId], timeoutMs: 60_000 });
    expect(final[pdfId]).toMatchObject({ status: "ready", chunkCount: before.document.chunkCount });
    expect(await chromaVectorCount(app, pdfId)).toBeGreaterThanOrEqual(before.document.chunkCount);
  });
});
