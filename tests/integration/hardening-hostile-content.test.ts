import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasProductionBuild, startApp, waitForDocuments, type RunningApp } from "@/tests/support/app-server";
import { metadataBombPdf } from "@/tests/support/fixtures/pdf-bomb";
import { unbrokenLetters } from "@/tests/support/hostile-text";

/**
 * Documents built to hurt the server (issue 16), uploaded over HTTP to the production build:
 * each ends `ready` or `failed` with a code, and while it is processed `GET /api/health` and a
 * search keep answering within a second (generous: the request thread must simply never be
 * blocked by the document's parsing, chunking or tokenising).
 */

const RESPONSIVE_MS = 1_000;

function multipart(filename: string, bytes: Buffer): { body: Uint8Array<ArrayBuffer>; contentType: string } {
  const boundary = `----cited-${randomBytes(8).toString("hex")}`;
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body: new Uint8Array(body), contentType: `multipart/form-data; boundary=${boundary}` };
}

async function upload(app: RunningApp, filename: string, bytes: Buffer): Promise<string> {
  const { body, contentType } = multipart(filename, bytes);
  const response = await fetch(`${app.baseUrl}/api/documents`, { method: "POST", headers: { "content-type": contentType }, body });
  const json = (await response.json()) as { results?: { status: string; document?: { id: string } }[]; error?: unknown };
  expect(response.status, JSON.stringify(json)).toBe(202);
  const id = json.results?.[0]?.document?.id;
  if (!id) throw new Error(`upload refused: ${JSON.stringify(json)}`);
  return id;
}

/** Times health and search requests, one after the other, until `done` settles; returns the slowest. */
async function probeWhile<T>(app: RunningApp, done: Promise<T>): Promise<{ result: T; slowestMs: number; probes: number }> {
  let finished = false;
  const outcome = done.finally(() => (finished = true));
  let slowestMs = 0;
  let probes = 0;
  while (!finished) {
    for (const request of [
      () => fetch(`${app.baseUrl}/api/health`),
      () => fetch(`${app.baseUrl}/api/search`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "vacation days", threshold: 0 }) }),
    ]) {
      const started = performance.now();
      const response = await request();
      await response.arrayBuffer();
      expect(response.status).toBe(200);
      slowestMs = Math.max(slowestMs, performance.now() - started);
      probes += 1;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { result: await outcome, slowestMs, probes };
}

const reason = hasProductionBuild() ? undefined : "no production build (run `npm run build` first; `npm test` does)";
if (reason) console.log(`hardening-hostile-content: skipped — ${reason}`);

describe.skipIf(reason !== undefined)("documents built to hurt the server (production build)", () => {
  let app: RunningApp;

  beforeAll(async () => {
    // A parse process may use 256 MB of heap and 768 MB in all: far less than the bomb inflates to.
    app = await startApp({ environment: { RATE_LIMIT_UPLOADS_PER_MINUTE: "0", RATE_LIMIT_CHATS_PER_MINUTE: "0", PARSE_TIMEOUT_SECONDS: "60", PARSE_MAX_MEMORY_MB: "256" } });
    const id = await upload(app, "handbook.md", Buffer.from("# Handbook\n\n## Leave\n\nEvery employee receives twenty-eight days of paid vacation per year.\n"));
    await waitForDocuments({ baseUrl: app.baseUrl, ids: [id], timeoutMs: 120_000 });
  });

  afterAll(async () => {
    await app?.stop();
  });

  it("a one-line .txt of a million letters: ends ready or failed with a code, the server answering throughout", async () => {
    const id = await upload(app, "letters.txt", Buffer.from(unbrokenLetters(1_000_000)));
    const { result, slowestMs, probes } = await probeWhile(app, waitForDocuments({ baseUrl: app.baseUrl, ids: [id], timeoutMs: 600_000 }));
    const document = result[id];
    expect(["ready", "failed"]).toContain(document?.status);
    if (document?.status === "failed") expect(document.errorCode).toMatch(/^[a-z]+\.[a-z_]+$/);
    expect(probes).toBeGreaterThan(0);
    expect(slowestMs).toBeLessThan(RESPONSIVE_MS);
  });

  it("a Markdown note with a 200 KB embedded image: indexed as its prose only, the server answering throughout", async () => {
    const image = randomBytes(150_000).toString("base64");
    const id = await upload(app, "field-trip.md", Buffer.from(`# Field trip\n\nThe bus leaves from the north gate. ![map](data:image/png;base64,${image}) Bring water.\n`));
    const { result, slowestMs } = await probeWhile(app, waitForDocuments({ baseUrl: app.baseUrl, ids: [id], timeoutMs: 300_000 }));
    expect(result[id]?.status).toBe("ready");
    const chunks = (await (await fetch(`${app.baseUrl}/api/documents/${id}/chunks`)).json()) as { chunks: { text: string }[] };
    const text = chunks.chunks.map((chunk) => chunk.text).join("\n");
    expect(text).toContain("The bus leaves from the north gate.");
    expect(text).toContain("Bring water.");
    expect(text).not.toContain(image.slice(0, 100));
    expect(slowestMs).toBeLessThan(RESPONSIVE_MS);
  });

  it("a PDF whose metadata inflates 2 MB into 2 GB: refused with pdf.too_complex, the server answering throughout", async () => {
    const bomb = Buffer.from(await metadataBombPdf({ inflatedMegabytes: 2048 }));
    const { body, contentType } = multipart("quarterly-report.pdf", bomb);
    const sent = fetch(`${app.baseUrl}/api/documents`, { method: "POST", headers: { "content-type": contentType }, body }).then(async (response) => ({
      status: response.status,
      json: (await response.json()) as { error?: { code: string } },
    }));
    const { result, slowestMs, probes } = await probeWhile(app, sent);
    expect(result.status).toBe(422);
    expect(result.json.error?.code).toBe("pdf.too_complex");
    expect(probes).toBeGreaterThan(0);
    expect(slowestMs).toBeLessThan(RESPONSIVE_MS);
    expect(await fs.readdir(path.join(app.dataDirectory, "tmp"))).toEqual([]);
  });

  describe("requests another site's page makes (open mode, the app on 127.0.0.1)", () => {
    /** A raw request, so `Host`, `Origin` and `Sec-Fetch-Site` are exactly what a browser would send. */
    const raw = (options: { method: string; path: string; headers: Record<string, string>; body?: Uint8Array }) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const url = new URL(app.baseUrl);
        const request = http.request({ host: url.hostname, port: url.port, method: options.method, path: options.path, headers: options.headers }, (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        });
        request.on("error", reject);
        request.end(options.body);
      });
    const ownHost = () => new URL(app.baseUrl).host;

    it("refuses a cross-site form post of a file (no preflight needed) with 403 request.cross_site, storing nothing", async () => {
      const before = ((await (await fetch(`${app.baseUrl}/api/documents`)).json()) as { documents: unknown[] }).documents.length;
      const { body, contentType } = multipart("planted.txt", Buffer.from("Planted by another site."));
      const refused = await raw({
        method: "POST",
        path: "/api/documents",
        headers: { host: ownHost(), origin: "https://evil.example", "sec-fetch-site": "cross-site", "content-type": contentType },
        body,
      });
      expect(refused.status).toBe(403);
      expect((JSON.parse(refused.body) as { error: { code: string } }).error.code).toBe("request.cross_site");
      // A page on another port of the same machine is same-site, not same-origin: refused too.
      const samePort = await raw({ method: "POST", path: "/api/documents", headers: { host: ownHost(), origin: "http://127.0.0.1:1", "content-type": contentType }, body });
      expect(samePort.status).toBe(403);
      const after = ((await (await fetch(`${app.baseUrl}/api/documents`)).json()) as { documents: unknown[] }).documents.length;
      expect(after).toBe(before);
    });

    it("refuses a chat sent as text/plain with application/json in a parameter (a form's simple request)", async () => {
      const chat = JSON.stringify({ messages: [{ id: "m1", role: "user", parts: [{ type: "text", text: "How many vacation days?" }] }] });
      const response = await raw({
        method: "POST",
        path: "/api/chat",
        headers: { host: ownHost(), "content-type": "text/plain; x=application/json" },
        body: new TextEncoder().encode(chat),
      });
      expect(response.status).toBe(400);
    });

    it("refuses a DNS-rebinding host name with 421 on APIs and pages, and serves its own names", async () => {
      const port = new URL(app.baseUrl).port;
      for (const path of ["/api/documents", "/library"]) {
        const rebound = await raw({ method: "GET", path, headers: { host: `rebind.attacker.test:${port}` } });
        expect(rebound.status, path).toBe(421);
      }
      expect((await raw({ method: "GET", path: "/api/documents", headers: { host: `localhost:${port}` } })).status).toBe(200);
      const own = await raw({
        method: "POST",
        path: "/api/search",
        headers: { host: ownHost(), origin: app.baseUrl, "sec-fetch-site": "same-origin", "content-type": "application/json" },
        body: new TextEncoder().encode(JSON.stringify({ query: "vacation" })),
      });
      expect(own.status).toBe(200);
    });
  });
});

describe.skipIf(reason !== undefined)("limits on what one client or one upload may take (production build)", () => {
  let app: RunningApp;

  beforeAll(async () => {
    // A reserve no disk has: every upload must be refused as if the disk were full.
    app = await startApp({ environment: { MIN_FREE_DISK_MB: "100000000", RATE_LIMIT_SEARCHES_PER_MINUTE: "3" } });
  });

  afterAll(async () => {
    await app?.stop();
  });

  it("refuses an upload with 507 upload.disk_full when DATA_DIR's disk is nearly full, keeping nothing", async () => {
    const { body, contentType } = multipart("notes.txt", Buffer.from("A note that would not fit."));
    const response = await fetch(`${app.baseUrl}/api/documents`, { method: "POST", headers: { "content-type": contentType }, body });
    expect(response.status).toBe(507);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("upload.disk_full");
    const library = (await (await fetch(`${app.baseUrl}/api/documents`)).json()) as { documents: unknown[] };
    expect(library.documents).toEqual([]);
    expect(await fs.readdir(path.join(app.dataDirectory, "tmp"))).toEqual([]);
  });

  it("rate-limits searches per client (429 with Retry-After)", async () => {
    const search = () => fetch(`${app.baseUrl}/api/search`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "vacation" }) });
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 4; attempt += 1) {
      const response = await search();
      statuses.push(response.status);
      if (response.status === 429) expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
      await response.arrayBuffer();
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
  });
});
