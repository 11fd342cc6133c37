import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasProductionBuild, startApp, waitForDocuments, type RunningApp } from "@/tests/support/app-server";
import { buildZip } from "@/tests/support/fixtures/zip-builder";

/**
 * Hostile and broken input over HTTP against the production build (MAX_UPLOAD_MB=1 keeps the
 * size cases cheap). Every refusal is a 4xx with a stable code, nothing of a refused file stays
 * behind (registry, DATA_DIR/files, DATA_DIR/tmp), the server keeps serving, and its peak
 * memory stays bounded while it is sent bombs, oversized and endless bodies.
 */

const MEGABYTE = 1024 * 1024;
const LIMIT_BYTES = 1 * MEGABYTE;

interface Part {
  /** The file name as sent; encoded as RFC 5987 `filename*` so any character arrives intact. */
  filename: string;
  bytes: Buffer | string;
  field?: string;
}

function multipart(parts: Part[], boundary = `----cited-${randomBytes(8).toString("hex")}`): { body: Buffer; contentType: string } {
  const pieces: Buffer[] = [];
  for (const part of parts) {
    pieces.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${part.field ?? "file"}"; filename*=UTF-8''${encodeURIComponent(part.filename)}\r\n` +
          "Content-Type: application/octet-stream\r\n\r\n",
      ),
      typeof part.bytes === "string" ? Buffer.from(part.bytes) : part.bytes,
      Buffer.from("\r\n"),
    );
  }
  pieces.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(pieces), contentType: `multipart/form-data; boundary=${boundary}` };
}

interface ErrorJson {
  code: string;
  message: string;
}

interface UploadResponse {
  status: number;
  error?: ErrorJson;
  results?: { name: string; status: string; error?: ErrorJson; document?: { id: string; name: string } }[];
}

async function post(app: RunningApp, route: string, body: Buffer | string, contentType: string): Promise<{ status: number; json: Record<string, unknown>; milliseconds: number }> {
  const started = Date.now();
  const send = () =>
    fetch(`${app.baseUrl}${route}`, { method: "POST", headers: { "content-type": contentType }, body: new Uint8Array(typeof body === "string" ? Buffer.from(body) : body) });
  // A request can hit a keep-alive connection the server closed while the test was busy (idle
  // timeout): that is the client's race, not a refusal, so it is sent again once.
  const response = await send().catch(async (error: unknown) => {
    if (!["UND_ERR_SOCKET", "ECONNRESET", "EPIPE"].includes((error as { cause?: { code?: string } }).cause?.code ?? "")) throw error;
    return send();
  });
  const json = (await response.json()) as Record<string, unknown>;
  return { status: response.status, json, milliseconds: Date.now() - started };
}

async function upload(app: RunningApp, parts: Part[]): Promise<UploadResponse> {
  const { body, contentType } = multipart(parts);
  const { status, json } = await post(app, "/api/documents", body, contentType);
  return { status, error: json.error as ErrorJson | undefined, results: json.results as UploadResponse["results"] };
}

/** Peak resident memory (VmHWM) of the `next start` process, in bytes: it serves every request itself. */
async function peakRss(app: RunningApp): Promise<number> {
  const status = await fs.readFile(`/proc/${app.process.pid}/status`, "utf8");
  const match = /VmHWM:\s+(\d+) kB/.exec(status);
  if (!match?.[1]) throw new Error("no VmHWM in /proc status");
  return Number(match[1]) * 1024;
}

async function storedFiles(app: RunningApp): Promise<string[]> {
  const entries = await fs.readdir(path.join(app.dataDirectory, "files"), { recursive: true }).catch(() => []);
  return entries.filter((entry) => /[0-9a-f]{64}$/.test(entry)).sort();
}

async function libraryNames(app: RunningApp): Promise<string[]> {
  const body = (await (await fetch(`${app.baseUrl}/api/documents`)).json()) as { documents: { name: string }[] };
  return body.documents.map((document) => document.name).sort();
}

/** A DOCX-shaped ZIP (content types, relationships, main part) whose main part is `documentXml`. */
function docxZip(documentXml: Buffer, declaredUncompressedSize?: number): Buffer {
  const contentTypes =
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>';
  const relationships =
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>';
  return buildZip([
    { name: "[Content_Types].xml", data: Buffer.from(contentTypes) },
    { name: "_rels/.rels", data: Buffer.from(relationships) },
    { name: "word/document.xml", data: documentXml, declaredUncompressedSize },
  ]);
}

/** 300 MB of XML-ish filler: deflates to well under the 1 MB upload limit. */
function bombPayload(): Buffer {
  const payload = Buffer.alloc(300 * MEGABYTE, 0x20);
  payload.write('<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>');
  return payload;
}

/**
 * Announces `announcedBytes` in Content-Length, then streams up to `streamBytes` slowly and
 * aborts. Resolves with the response and how much of the body had been written when it came.
 */
function announceHugeUpload(options: {
  app: RunningApp;
  announcedBytes: number | "chunked";
  streamBytes: number;
}): Promise<{ status: number; body: string; sentWhenAnswered: number; milliseconds: number }> {
  const { app, announcedBytes, streamBytes } = options;
  const url = new URL(app.baseUrl);
  const boundary = `----cited-${randomBytes(8).toString("hex")}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="huge.txt"\r\nContent-Type: text/plain\r\n\r\n`);
  const headers: Record<string, string> = { "content-type": `multipart/form-data; boundary=${boundary}` };
  if (announcedBytes === "chunked") headers["transfer-encoding"] = "chunked";
  else headers["content-length"] = String(announcedBytes);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const request = http.request({ host: url.hostname, port: url.port, path: "/api/documents", method: "POST", headers });
    request.on("response", (response) => {
      answered = true;
      const sentWhenAnswered = sent;
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        request.destroy();
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), sentWhenAnswered, milliseconds: Date.now() - started });
      });
      response.on("error", reject);
    });
    request.on("error", (error) => {
      if (!answered) reject(error);
    });
    const block = Buffer.alloc(256 * 1024, 0x61);
    const pump = () => {
      if (answered || request.destroyed) return;
      if (sent >= streamBytes) {
        // Everything was written without an answer: give the server a last chance, then fail.
        setTimeout(() => {
          if (!answered) {
            request.destroy();
            reject(new Error(`no answer after the whole ${streamBytes}-byte body was sent`));
          }
        }, 10_000);
        return;
      }
      const chunk = sent === 0 ? Buffer.concat([head, block]) : block;
      sent += chunk.length;
      const flushed = request.write(chunk);
      // Paced: a few MB per second, so an early answer is clearly early.
      if (flushed) setTimeout(pump, 40);
      else request.once("drain", () => setTimeout(pump, 40));
    };
    request.flushHeaders();
    pump();
  });
}

function chatMessages(count: number, text: (index: number) => string): { messages: { id: string; role: string; parts: { type: string; text: string }[] }[] } {
  return {
    messages: Array.from({ length: count }, (_, index) => ({
      id: `m${index}`,
      role: index % 2 === 0 || index === count - 1 ? "user" : "assistant",
      parts: [{ type: "text", text: text(index) }],
    })),
  };
}

const reason = hasProductionBuild() ? undefined : "no production build (run `npm run build` first; `npm test` does)";
if (reason) console.log(`hardening-bad-input: skipped — ${reason}`);

describe.skipIf(reason !== undefined)("hostile and malformed input (production build, MAX_UPLOAD_MB=1)", () => {
  let app: RunningApp;
  /** Names the library should hold at the end: only the files a test expected to be accepted. */
  const acceptedIds: string[] = [];
  const peaks: Record<string, number> = {};
  const bombs: { honest: Buffer; lying: Buffer } = { honest: Buffer.alloc(0), lying: Buffer.alloc(0) };

  beforeAll(async () => {
    // Built first: deflating 300 MB takes a while on a busy machine.
    const payload = bombPayload();
    bombs.honest = docxZip(payload);
    bombs.lying = docxZip(payload, 4_096);
    app = await startApp({ environment: { MAX_UPLOAD_MB: "1", RATE_LIMIT_UPLOADS_PER_MINUTE: "0", RATE_LIMIT_CHATS_PER_MINUTE: "0" } });
    peaks.start = await peakRss(app);
    // One good document so chats and searches have something to find.
    const seeded = await upload(app, [{ filename: "handbook.md", bytes: "# Handbook\n\n## Leave\n\nEvery employee receives twenty-eight days of paid vacation per year.\n" }]);
    expect(seeded.status).toBe(202);
    const id = seeded.results?.[0]?.document?.id ?? "";
    acceptedIds.push(id);
    await waitForDocuments({ baseUrl: app.baseUrl, ids: [id], timeoutMs: 120_000 });
  });

  afterAll(async () => {
    console.log(
      `hardening-bad-input: peak RSS of the app (MB) ${JSON.stringify(Object.fromEntries(Object.entries(peaks).map(([key, value]) => [key, Math.round(value / MEGABYTE)])))}`,
    );
    await app?.stop();
  });

  describe("files whose content is not what they claim", () => {
    it("refuses a DOCX zip bomb whose directory admits 300 MB", async () => {
      const bomb = bombs.honest;
      expect(bomb.length).toBeLessThan(LIMIT_BYTES);
      const result = await upload(app, [{ filename: "bomb.docx", bytes: bomb }]);
      expect(result.status).toBe(413);
      expect(result.error?.code).toBe("docx.zip_bomb");
    });

    it("refuses a DOCX zip bomb whose directory lies about its size", async () => {
      const bomb = bombs.lying;
      const before = await peakRss(app);
      const result = await upload(app, [{ filename: "liar.docx", bytes: bomb }]);
      peaks.afterLyingBomb = await peakRss(app);
      expect(result.status).toBe(413);
      expect(result.error?.code).toBe("docx.zip_bomb");
      // It is never inflated whole into the server's memory.
      expect(peaks.afterLyingBomb - before).toBeLessThan(100 * MEGABYTE);
    });

    it("refuses a ZIP archive that is not a Word document", async () => {
      const zip = buildZip([
        { name: "notes.txt", data: Buffer.from("hello") },
        { name: "photo.jpg", data: randomBytes(2_000) },
      ]);
      const result = await upload(app, [{ filename: "report.docx", bytes: zip }]);
      expect(result.status).toBe(415);
      expect(result.error?.code).toBe("upload.content_mismatch");
    });

    it("refuses HTML, ELF and Windows executables named .pdf", async () => {
      const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), randomBytes(4_000)]);
      const exe = Buffer.concat([Buffer.from("MZ"), randomBytes(4_000)]);
      const cases: Part[] = [
        { filename: "invoice.pdf", bytes: "<!DOCTYPE html><html><body><script>alert(1)</script></body></html>" },
        { filename: "manual.pdf", bytes: elf },
        { filename: "setup.pdf", bytes: exe },
      ];
      for (const part of cases) {
        const result = await upload(app, [part]);
        expect(result.status, part.filename).toBe(415);
        expect(result.error?.code, part.filename).toBe("upload.content_mismatch");
      }
    });

    it("refuses polyglots: an executable or a web page carrying a PDF header", async () => {
      const exePdf = Buffer.concat([Buffer.from("MZ"), Buffer.alloc(60, 0), Buffer.from("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n")]);
      const htmlPdf = Buffer.from('<html><!-- %PDF-1.4 --><body><img src=x onerror="alert(1)"></body></html>\n%%EOF\n');
      const zipPdf = Buffer.concat([buildZip([{ name: "word/document.xml", data: Buffer.from("<w:document/>") }]), Buffer.from("%PDF-1.4\n%%EOF\n")]);
      for (const [filename, bytes] of [
        ["dual.pdf", exePdf],
        ["page.pdf", htmlPdf],
        ["archive.pdf", zipPdf],
      ] as const) {
        const result = await upload(app, [{ filename, bytes }]);
        expect(result.status, filename).toBe(415);
        expect(result.error?.code, filename).toBe("upload.content_mismatch");
      }
      // A PDF with a ZIP appended is a PDF, not a DOCX.
      const pdfZip = Buffer.concat([Buffer.from("%PDF-1.4\n%%EOF\n"), buildZip([{ name: "word/document.xml", data: Buffer.from("<w:document/>") }])]);
      const asDocx = await upload(app, [{ filename: "letter.docx", bytes: pdfZip }]);
      expect(asDocx.status).toBe(415);
      expect(asDocx.error?.code).toBe("upload.content_mismatch");
    });

    it("refuses invalid UTF-8 and binary data as .txt and .md", async () => {
      const cases: Part[] = [
        { filename: "latin1.txt", bytes: Buffer.from("Caf\xe9 cr\xe8me br\xfbl\xe9e, na\xefve fa\xe7ade\n".repeat(20), "latin1") },
        { filename: "truncated.md", bytes: Buffer.concat([Buffer.from("# Title\n\nText "), Buffer.from([0xe2, 0x82])]) },
        { filename: "random.txt", bytes: randomBytes(50_000) },
        { filename: "image.md", bytes: Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(10_000)]) },
        { filename: "utf16.txt", bytes: Buffer.from("\ufeffHello in UTF-16", "utf16le") },
      ];
      for (const part of cases) {
        const result = await upload(app, [part]);
        expect(result.status, part.filename).toBe(415);
        expect(result.error?.code, part.filename).toBe("text.invalid_encoding");
      }
    });
  });

  describe("sizes and counts", () => {
    it("passes a file of exactly the limit to the content checks and refuses one byte more as too large", async () => {
      const atLimit = Buffer.alloc(LIMIT_BYTES, 0xff);
      const exact = await upload(app, [{ filename: "exact.txt", bytes: atLimit }]);
      expect(exact.error?.code).toBe("text.invalid_encoding");
      const over = await upload(app, [{ filename: "over.txt", bytes: Buffer.alloc(LIMIT_BYTES + 1, 0x61) }]);
      expect(over.status).toBe(413);
      expect(over.error?.code).toBe("upload.too_large");
    });

    it("answers a request announcing 5 GB with 413 before the body is sent, without buffering it", async () => {
      const before = await peakRss(app);
      const streamBytes = 16 * MEGABYTE;
      const result = await announceHugeUpload({ app, announcedBytes: 5 * 1024 * MEGABYTE, streamBytes });
      peaks.afterAnnounced5Gb = await peakRss(app);
      expect(result.status).toBe(413);
      expect((JSON.parse(result.body) as { error: ErrorJson }).error.code).toBe("upload.too_large");
      expect(result.sentWhenAnswered).toBeLessThan(streamBytes);
      expect(result.milliseconds).toBeLessThan(5_000);
      expect(peaks.afterAnnounced5Gb - before).toBeLessThan(100 * MEGABYTE);
    });

    it("stops reading a chunked body (no Content-Length) as soon as the file passes the limit", async () => {
      const before = await peakRss(app);
      const streamBytes = 64 * MEGABYTE;
      const result = await announceHugeUpload({ app, announcedBytes: "chunked", streamBytes });
      peaks.afterChunked = await peakRss(app);
      expect(result.status).toBe(413);
      expect((JSON.parse(result.body) as { error: ErrorJson }).error.code).toBe("upload.too_large");
      // Answered after about the limit, far from the whole body.
      expect(result.sentWhenAnswered).toBeLessThan(16 * MEGABYTE);
      expect(peaks.afterChunked - before).toBeLessThan(100 * MEGABYTE);
    });

    it("refuses 200 files in one request with upload.too_many_files and stores none of them", async () => {
      const filesBefore = await storedFiles(app);
      const parts = Array.from({ length: 200 }, (_, index) => ({ filename: `note-${index}.txt`, bytes: `Note number ${index}: the kitchen closes at ${index % 12} o'clock.\n` }));
      const result = await upload(app, parts);
      expect(result.status).toBe(413);
      expect(result.error?.code).toBe("upload.too_many_files");
      expect(await storedFiles(app)).toEqual(filesBefore);
      expect((await libraryNames(app)).some((name) => name.startsWith("note-"))).toBe(false);
    });
  });

  describe("file names", () => {
    it("sanitises path traversal, NUL, control characters and 300-character names", async () => {
      const long = `${"quarterly-report-".repeat(18)}end.txt`;
      expect(long.length).toBeGreaterThan(300);
      const cases = [
        { filename: "../../../etc/passwd.txt", expected: "passwd.txt" },
        { filename: "..\\..\\windows\\system32\\boot.md", expected: "boot.md" },
        { filename: "minutes\u0000.exe.txt", expected: "minutes.exe.txt" },
        { filename: "bell\u0007\u001b[31mred\u202Etxt.md", expected: "bell[31mredtxt.md" },
        { filename: long, expected: undefined },
      ];
      for (const [index, testCase] of cases.entries()) {
        const result = await upload(app, [{ filename: testCase.filename, bytes: `Meeting minutes ${index}: the budget for item ${index} was approved.\n` }]);
        expect(result.status, JSON.stringify(testCase.filename)).toBe(202);
        const accepted = result.results?.[0];
        const name = accepted?.document?.name ?? "";
        if (testCase.expected) expect(name).toBe(testCase.expected);
        expect(name).not.toMatch(/[\u0000-\u001f\u007f/\\]/);
        expect(name.length).toBeLessThanOrEqual(200);
        expect(name.endsWith(".txt") || name.endsWith(".md")).toBe(true);
        acceptedIds.push(accepted?.document?.id ?? "");
      }
      const final = await waitForDocuments({ baseUrl: app.baseUrl, ids: acceptedIds, timeoutMs: 120_000 });
      for (const id of acceptedIds) expect(final[id]?.status).toBe("ready");
    });

    it("refuses names with no usable characters with upload.invalid_name", async () => {
      for (const filename of ["../../", "\u0000\u0001\u0002", "...", " \u202E "]) {
        const result = await upload(app, [{ filename, bytes: "Some text that would be fine.\n" }]);
        expect(result.status, JSON.stringify(filename)).toBe(400);
        expect(result.error?.code, JSON.stringify(filename)).toBe("upload.invalid_name");
      }
    });
  });

  describe("malformed requests", () => {
    it("refuses a multipart content type without a boundary", async () => {
      const { status, json } = await post(app, "/api/documents", "--x\r\n\r\n", "multipart/form-data");
      expect(status).toBe(400);
      expect((json.error as ErrorJson).code).toBe("request.malformed_multipart");
    });

    it("refuses a body whose boundary does not match the header", async () => {
      const { body } = multipart([{ filename: "a.txt", bytes: "text" }], "real-boundary");
      const { status, json } = await post(app, "/api/documents", body, "multipart/form-data; boundary=other-boundary");
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
      expect(["request.malformed_multipart", "upload.no_files"]).toContain((json.error as ErrorJson).code);
    });

    it("refuses a truncated multipart body", async () => {
      const { body, contentType } = multipart([{ filename: "cut.txt", bytes: "This upload is cut off in the middle of ".repeat(1_000) }]);
      const { status, json } = await post(app, "/api/documents", body.subarray(0, Math.floor(body.length / 2)), contentType);
      expect(status).toBe(400);
      expect((json.error as ErrorJson).code).toBe("request.malformed_multipart");
    });

    it("refuses garbage after a valid header and a JSON body where multipart is expected", async () => {
      const garbage = await post(app, "/api/documents", randomBytes(100_000), "multipart/form-data; boundary=abc");
      expect(garbage.status).toBe(400);
      expect(["request.malformed_multipart", "upload.no_files"]).toContain((garbage.json.error as ErrorJson).code);
      const json = await post(app, "/api/documents", JSON.stringify({ file: "aGVsbG8=", name: "a.txt" }), "application/json");
      expect(json.status).toBe(415);
      expect((json.json.error as ErrorJson).code).toBe("request.not_multipart");
    });
  });

  describe("chat and search requests", () => {
    it("refuses an empty question and a whitespace-only one", async () => {
      for (const text of ["", "   \n\t "]) {
        const { status, json } = await post(app, "/api/chat", JSON.stringify(chatMessages(1, () => text)), "application/json");
        expect(status).toBe(400);
        expect((json.error as ErrorJson).code).toBe("chat.invalid_request");
      }
      const noParts = await post(app, "/api/chat", JSON.stringify({ messages: [{ id: "m1", role: "user", parts: [] }] }), "application/json");
      expect(noParts.status).toBe(400);
      expect((noParts.json.error as ErrorJson).code).toBe("chat.invalid_request");
    });

    it("refuses huge questions: over the question limit, over the part limit, and over the body limit", async () => {
      const long = await post(app, "/api/chat", JSON.stringify(chatMessages(1, () => "Why? ".repeat(3_000))), "application/json");
      expect(long.status).toBe(413);
      expect((long.json.error as ErrorJson).code).toBe("chat.question_too_long");

      const huge = await post(app, "/api/chat", JSON.stringify(chatMessages(1, () => "x".repeat(2 * MEGABYTE))), "application/json");
      expect(huge.status).toBe(400);
      expect((huge.json.error as ErrorJson).code).toBe("request.invalid");

      const before = await peakRss(app);
      const enormous = await post(app, "/api/chat", JSON.stringify(chatMessages(1, () => "y".repeat(64 * MEGABYTE))), "application/json");
      peaks.afterEnormousChat = await peakRss(app);
      expect(enormous.status).toBe(413);
      expect((enormous.json.error as ErrorJson).code).toBe("request.too_large");
      expect(peaks.afterEnormousChat - before).toBeLessThan(100 * MEGABYTE);
    });

    it("refuses 10,000 messages in one chat request", async () => {
      const { status, json } = await post(app, "/api/chat", JSON.stringify(chatMessages(10_000, (index) => `message ${index}`)), "application/json");
      expect(status).toBe(400);
      expect((json.error as ErrorJson).code).toBe("request.invalid");
    });

    it("refuses an oversized search body", async () => {
      const { status, json } = await post(
        app,
        "/api/search",
        JSON.stringify({ query: "vacation", documentIds: Array.from({ length: 200_000 }, (_, index) => `id-${index}`) }),
        "application/json",
      );
      expect(status).toBe(413);
      expect((json.error as ErrorJson).code).toBe("request.too_large");
    });
  });

  describe("afterwards", () => {
    it("keeps no trace of refused files and still serves searches and chats", async () => {
      const list = (await (await fetch(`${app.baseUrl}/api/documents`)).json()) as { documents: { id: string; status: string }[] };
      expect(list.documents.map((document) => document.id).sort()).toEqual([...acceptedIds].sort());
      expect(list.documents.every((document) => document.status === "ready")).toBe(true);
      expect(await storedFiles(app)).toHaveLength(acceptedIds.length);
      expect(await fs.readdir(path.join(app.dataDirectory, "tmp"))).toEqual([]);

      const search = await post(app, "/api/search", JSON.stringify({ query: "How many vacation days?", threshold: 0 }), "application/json");
      expect(search.status).toBe(200);
      expect((search.json.results as { documentName: string }[])[0]?.documentName).toBe("handbook.md");
      const chat = await fetch(`${app.baseUrl}/api/chat`, {
        method: "POST",
        headers: { "content-type": "application/json", "accept-encoding": "gzip, deflate, br" },
        body: JSON.stringify(chatMessages(1, () => "How many vacation days do employees get?")),
      });
      expect(chat.status).toBe(200);
      // The event stream is never compressed: a gzip stream is held back until it ends, so nothing would stream.
      expect(chat.headers.get("content-encoding")).toBeNull();
      expect(await chat.text()).toContain("twenty-eight");
    });

    it("kept its peak memory bounded through all of it", async () => {
      peaks.end = await peakRss(app);
      expect(peaks.end).toBeLessThan(1.5 * 1024 * MEGABYTE);
    });
  });
});
