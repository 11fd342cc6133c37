import { execFile, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ChromaClient, type Collection } from "chromadb";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, hasProductionBuild, startApp, waitForDocuments, type RunningApp } from "@/tests/support/app-server";

/**
 * Faults that really happen, against the production build: the app killed with SIGKILL while
 * documents are mid-indexing, the embedded Chroma server killed or frozen while the app runs,
 * an unusable DATA_DIR at start-up, and drift repaired by the doctor. After each, every document
 * is ready or failed with a reason, and its vectors in Chroma match its chunks in the registry.
 */

const COLLECTION = "cited_all-minilm-l6-v2_384";
const projectRoot = process.cwd();

interface DocumentJson {
  id: string;
  name: string;
  status: string;
  chunkCount: number;
  progress: { chunksEmbedded: number; chunksTotal: number };
  error: { code: string; message: string } | null;
}

interface ErrorJson {
  error: { code: string; message: string };
}

const WORDS = ["budget", "travel", "security", "laptop", "contract", "invoice", "holiday", "pension", "training", "office", "parking", "canteen", "badge", "printer", "meeting"];

function sentence(seed: number): string {
  const pick = (offset: number) => WORDS[(seed * 7 + offset * 13) % WORDS.length] ?? "policy";
  return `Rule ${seed}: the ${pick(1)} ${pick(2)} is reviewed every ${(seed % 11) + 1} weeks by the ${pick(3)} team, and requests about ${pick(4)} go to desk ${seed % 97}.`;
}

async function makePdf(documentIndex: number, pages: number): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (let page = 0; page < pages; page += 1) {
    const pdfPage = pdf.addPage([612, 792]);
    for (let line = 0; line < 40; line += 1) {
      pdfPage.drawText(sentence(documentIndex * 100_000 + page * 100 + line).slice(0, 110), { x: 40, y: 750 - line * 18, size: 9, font });
    }
  }
  return pdf.save();
}

function makeMarkdown(documentIndex: number, paragraphs: number): string {
  const lines: string[] = [`# Operations manual ${documentIndex}`];
  for (let paragraph = 0; paragraph < paragraphs; paragraph += 1) {
    if (paragraph % 25 === 0) lines.push(`\n## Chapter ${paragraph / 25 + 1}\n`);
    lines.push(Array.from({ length: 5 }, (_, index) => sentence(documentIndex * 1_000_000 + paragraph * 10 + index)).join(" ") + "\n");
  }
  return lines.join("\n");
}

async function upload(app: RunningApp, files: { name: string; bytes: Uint8Array | string }[]): Promise<{ status: number; ids: string[] }> {
  const body = new FormData();
  for (const file of files) body.append("file", new Blob([typeof file.bytes === "string" ? file.bytes : new Uint8Array(file.bytes)]), file.name);
  const response = await fetch(`${app.baseUrl}/api/documents`, { method: "POST", body });
  const json = (await response.json()) as { documents?: { id: string }[] };
  return { status: response.status, ids: (json.documents ?? []).map((document) => document.id) };
}

/** A GET that retries once when it hits a keep-alive connection the server just closed. */
async function getJson<T>(app: RunningApp, route: string): Promise<T> {
  const response = await fetch(`${app.baseUrl}${route}`).catch(async (error: unknown) => {
    if (app.process.exitCode !== null || app.process.signalCode !== null) throw new Error(`The app has exited:\n${app.output()}`, { cause: error });
    await new Promise((resolve) => setTimeout(resolve, 300));
    return fetch(`${app.baseUrl}${route}`);
  });
  return (await response.json()) as T;
}

async function listDocuments(app: RunningApp): Promise<DocumentJson[]> {
  return (await getJson<{ documents: DocumentJson[] }>(app, "/api/documents")).documents;
}

async function getDocument(app: RunningApp, id: string): Promise<DocumentJson> {
  return (await getJson<{ document: DocumentJson }>(app, `/api/documents/${id}`)).document;
}

async function timedJson(url: string, init: RequestInit): Promise<{ status: number; code: string | undefined; milliseconds: number }> {
  const started = Date.now();
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
  const text = await response.text();
  let code: string | undefined;
  try {
    code = (JSON.parse(text) as Partial<ErrorJson>).error?.code;
  } catch {
    code = undefined;
  }
  return { status: response.status, code, milliseconds: Date.now() - started };
}

function search(app: RunningApp, query: string) {
  return timedJson(`${app.baseUrl}/api/search`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, threshold: 0 }) });
}

async function chromaRecord(dataDirectory: string): Promise<{ pid: number; port: number }> {
  return JSON.parse(await fs.readFile(path.join(dataDirectory, "chroma", "cited-chroma.pid"), "utf8")) as { pid: number; port: number };
}

async function collection(dataDirectory: string): Promise<Collection> {
  const { port } = await chromaRecord(dataDirectory);
  return new ChromaClient({ host: "127.0.0.1", port }).getCollection({ name: COLLECTION });
}

/** Alive and not a zombie (an orphan reparented to a PID 1 that does not reap stays a zombie). */
async function isRunning(pid: number): Promise<boolean> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  if (!stat) return false;
  const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  return state !== "Z" && state !== "X";
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

function runDoctor(dataDirectory: string, repair: boolean): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["node_modules/tsx/dist/cli.mjs", "--conditions=react-server", "--tsconfig", "tsconfig.json", "scripts/doctor.ts", ...(repair ? ["--repair"] : [])],
      { cwd: projectRoot, env: { ...process.env, DATA_DIR: dataDirectory, LOG_LEVEL: "warn" }, timeout: 300_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, output: `${stdout}\n${stderr}` }),
    );
  });
}

/** For every document: its vector ids are unique and point at exactly its registry chunks; no vector belongs to no document. */
async function expectVectorsMatchChunks(app: RunningApp): Promise<{ documents: number; vectors: number }> {
  const store = await collection(app.dataDirectory);
  const documents = await listDocuments(app);
  let vectors = 0;
  for (const listed of documents) {
    const document = await getDocument(app, listed.id);
    const { ids } = await store.get({ where: { documentId: document.id }, include: [] });
    expect(new Set(ids).size, `${document.name}: duplicate vector ids`).toBe(ids.length);
    const vectorChunkIds = new Set(ids.map((id) => id.slice(0, id.lastIndexOf(":"))));
    const registryChunkIds = new Set(Array.from({ length: document.status === "ready" ? document.chunkCount : 0 }, (_, index) => `${document.id}:${index}`));
    expect([...vectorChunkIds].sort(), `${document.name} (${document.status})`).toEqual([...registryChunkIds].sort());
    vectors += ids.length;
  }
  expect(await store.count(), "vectors of documents that are not in the registry").toBe(vectors);
  return { documents: documents.length, vectors };
}

const reason = hasProductionBuild() ? undefined : "no production build (run `npm run build` first; `npm test` does)";
if (reason) console.log(`faults-crash-recovery: skipped — ${reason}`);

describe.skipIf(reason !== undefined)("faults: crashes, a dying vector store, an unusable DATA_DIR, drift", () => {
  const environment = { RATE_LIMIT_UPLOADS_PER_MINUTE: "0", RATE_LIMIT_CHATS_PER_MINUTE: "0", CHROMA_REQUEST_TIMEOUT_MS: "10000", INDEXING_CONCURRENCY: "2" };
  let dataDirectory = "";
  let app: RunningApp | undefined;

  beforeAll(async () => {
    dataDirectory = await fs.mkdtemp(path.join(os.tmpdir(), "cited-faults-"));
  });

  afterAll(async () => {
    await app?.stop();
    await fs.rm(dataDirectory, { recursive: true, force: true });
  });

  it("(a) resumes documents after the app is SIGKILLed mid-indexing; vectors match chunks exactly", async () => {
    const first = await startApp({ environment, dataDirectory });
    const files = [
      { name: "manual-a.pdf", bytes: await makePdf(1, 10) },
      { name: "manual-b.pdf", bytes: await makePdf(2, 10) },
      { name: "manual-c.pdf", bytes: await makePdf(3, 6) },
      { name: "operations.md", bytes: makeMarkdown(4, 120) },
    ];
    const uploaded = await upload(first, files);
    expect(uploaded.status).toBe(202);
    expect(uploaded.ids).toHaveLength(files.length);

    // Kill once vectors of at least one document are partly written.
    let atKill: DocumentJson[] = [];
    await waitUntil(
      async () => {
        atKill = await listDocuments(first);
        return atKill.some((document) => document.status === "embedding" && document.progress.chunksEmbedded > 0);
      },
      120_000,
      "a document in the embedding phase",
    );
    const orphan = await chromaRecord(dataDirectory);
    first.process.kill("SIGKILL");
    await new Promise((resolve) => first.process.once("exit", resolve));
    console.log(
      `faults (a): killed with ${atKill.map((document) => `${document.name}=${document.status}(${document.progress.chunksEmbedded}/${document.progress.chunksTotal})`).join(", ")}`,
    );
    expect(atKill.some((document) => document.status !== "ready")).toBe(true);
    // The embedded Chroma server does not outlive the app it belonged to: it stops itself.
    await waitUntil(async () => !(await isRunning(orphan.pid)), 20_000, "the orphaned Chroma server to stop");

    app = await startApp({ environment, dataDirectory });
    // The new app runs a server of its own (a server left running would be stopped through the
    // pid file: tests/integration/embedded-chroma-lifetime.test.ts).
    const current = await chromaRecord(dataDirectory);
    expect(current.pid).not.toBe(orphan.pid);
    expect(await isRunning(current.pid)).toBe(true);

    const final = await waitForDocuments({ baseUrl: app.baseUrl, ids: uploaded.ids, timeoutMs: 480_000 });
    for (const id of uploaded.ids) {
      const document = final[id] as unknown as DocumentJson;
      if (document.status === "failed") expect(document.error?.message, document.name).toBeTruthy();
      else expect(document.status, document.name).toBe("ready");
    }
    expect(Object.values(final).filter((document) => document.status === "ready").length).toBe(files.length);

    let doctor = await runDoctor(dataDirectory, false);
    const onlyUnsearchable = (output: string) => {
      const found = output.split("\n").filter((line) => /^\s*found\s/.test(line));
      return found.length > 0 && found.every((line) => line.includes("unsearchable_vectors"));
    };
    if (onlyUnsearchable(doctor.output)) {
      // Chroma's index can lose a stored vector after deletes (chroma-core/chroma#7758): every
      // vector stored and counted, some not found by search. Indexing rewrites the ones it
      // writes; one lost later is the doctor's to repair, by writing it anew.
      console.log(`faults (a) diagnosis, doctor: ${doctor.output}`);
      const repaired = await runDoctor(dataDirectory, true);
      console.log(`faults (a) diagnosis, doctor --repair: ${repaired.output}`);
      doctor = await runDoctor(dataDirectory, false);
    }
    expect(doctor.output).toContain("No drift");
    expect(doctor.code).toBe(0);
    const counted = await expectVectorsMatchChunks(app);
    console.log(`faults (a): after restart ${counted.documents} documents, ${counted.vectors} vectors, doctor clean`);
  });

  it("(b) answers 503 store.unavailable quickly while Chroma is dead, restarts it, and finishes an upload made meanwhile", async () => {
    const running = app as RunningApp;
    const { pid } = await chromaRecord(dataDirectory);
    process.kill(pid, "SIGKILL");
    const killedAt = Date.now();
    const during = await upload(running, [{ name: "during-outage.md", bytes: "# Outage\n\nThe generator in building B is tested on the first Monday of every month.\n" }]);
    expect(during.status).toBe(202);

    const observed: { status: number; code: string | undefined; milliseconds: number; route: string }[] = [];
    let recovered = false;
    while (!recovered && Date.now() - killedAt < 60_000) {
      const [searchResult, chatResult] = await Promise.all([
        search(running, "When is the generator tested?"),
        timedJson(`${running.baseUrl}/api/chat`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ messages: [{ id: "m1", role: "user", parts: [{ type: "text", text: "When is the generator tested?" }] }] }),
        }),
      ]);
      observed.push({ ...searchResult, route: "search" }, { ...chatResult, route: "chat" });
      recovered = searchResult.status === 200 && chatResult.status === 200;
      if (!recovered) await new Promise((resolve) => setTimeout(resolve, 150));
    }
    expect(recovered).toBe(true);
    const refusals = observed.filter((entry) => entry.status !== 200);
    console.log(
      `faults (b): ${refusals.length} refusals while Chroma was down, slowest answer ${Math.max(...observed.map((entry) => entry.milliseconds))} ms, back after ${Date.now() - killedAt} ms`,
    );
    expect(refusals.length).toBeGreaterThan(0);
    for (const entry of refusals) expect(entry, JSON.stringify(entry)).toMatchObject({ status: 503, code: "store.unavailable" });
    for (const entry of observed) expect(entry.milliseconds, JSON.stringify(entry)).toBeLessThan(5_000);
    expect((await chromaRecord(dataDirectory)).pid).not.toBe(pid);

    const final = await waitForDocuments({ baseUrl: running.baseUrl, ids: during.ids, timeoutMs: 120_000 });
    expect(final[during.ids[0] ?? ""]?.status).toBe("ready");
    const searchNewDocument = async () => {
      const found = await fetch(`${running.baseUrl}/api/search`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "When is the generator in building B tested?", threshold: 0 }),
      });
      return ((await found.json()) as { results: { documentName: string; score: number }[] }).results;
    };
    const results = await searchNewDocument();
    if (results[0]?.documentName !== "during-outage.md") {
      // Seen twice in CI before indexing checked its writes: Chroma's index did not reach the
      // new document's own vector (chroma-core/chroma#7758). Say whether that is the cause again.
      const store = await collection(dataDirectory);
      const own = await store.get({ where: { documentId: during.ids[0] ?? "" }, include: ["embeddings"] });
      const probe = own.embeddings[0];
      const nearest = probe ? await store.query({ queryEmbeddings: [probe], nResults: 5, include: ["distances"] }) : undefined;
      console.log(
        `faults (b) diagnosis: results ${JSON.stringify(results.map((result) => [result.documentName, result.score]))}; own vectors ${own.ids.length}; nearest to its own vector ${JSON.stringify(nearest?.ids[0])} ${JSON.stringify(nearest?.distances[0])}`,
      );
      console.log(`faults (b) diagnosis, doctor: ${(await runDoctor(dataDirectory, false)).output}`);
    }
    expect(results[0]?.documentName).toBe("during-outage.md");
    await expectVectorsMatchChunks(running);
  });

  it("(b) turns a frozen (hung) Chroma into 503 within the request timeout instead of a hang", async () => {
    const running = app as RunningApp;
    const { pid } = await chromaRecord(dataDirectory);
    process.kill(pid, "SIGSTOP");
    try {
      const results = await Promise.all([search(running, "generator"), search(running, "parking badge"), timedJson(`${running.baseUrl}/api/health`, {})]);
      for (const result of results) {
        expect(result.status, JSON.stringify(result)).toBe(503);
        // CHROMA_REQUEST_TIMEOUT_MS=10000 plus the work around it (a busy CI machine included).
        expect(result.milliseconds, JSON.stringify(result)).toBeLessThan(20_000);
      }
      expect(results[0]?.code).toBe("store.unavailable");
    } finally {
      process.kill(pid, "SIGCONT");
    }
    const after = await search(running, "generator");
    expect(after.status).toBe(200);
  });

  it("(d) the doctor reports deleted vectors, orphan vectors and an orphan file, repairs them, and runs clean after", async () => {
    const running = app as RunningApp;
    const store = await collection(dataDirectory);
    const documents = await listDocuments(running);
    const victim = documents.find((document) => document.name === "manual-c.pdf");
    expect(victim?.status).toBe("ready");
    const victimId = victim?.id ?? "";
    const chunkCount = (await getDocument(running, victimId)).chunkCount;

    await store.delete({ where: { documentId: victimId } });
    const ghost = "00000000-dead-beef-0000-000000000000";
    await store.upsert({
      ids: [`${ghost}:0:0`, `${ghost}:1:0`],
      embeddings: [Array.from({ length: 384 }, (_, index) => (index === 0 ? 1 : 0)), Array.from({ length: 384 }, (_, index) => (index === 1 ? 1 : 0))],
      metadatas: [
        { documentId: ghost, chunkId: `${ghost}:0`, chunkIndex: 0, windowIndex: 0 },
        { documentId: ghost, chunkId: `${ghost}:1`, chunkIndex: 1, windowIndex: 0 },
      ],
    });
    const strayBytes = randomBytes(1_000);
    const straySha = createHash("sha256").update(strayBytes).digest("hex");
    const strayPath = path.join(dataDirectory, "files", straySha.slice(0, 2), straySha);
    await fs.mkdir(path.dirname(strayPath), { recursive: true });
    await fs.writeFile(strayPath, strayBytes);

    const report = await runDoctor(dataDirectory, false);
    expect(report.code, report.output).toBe(1);
    expect(report.output).toMatch(/found\s+missing_vectors\s+manual-c\.pdf/);
    expect(report.output).toMatch(/found\s+orphan_vectors/);
    expect(report.output).toMatch(/found\s+orphan_file/);
    // Reporting changes nothing.
    expect(await store.count()).toBeGreaterThan(0);
    expect(existsSync(strayPath)).toBe(true);

    const repair = await runDoctor(dataDirectory, true);
    expect(repair.code, repair.output).toBe(0);
    expect(repair.output).toMatch(/repaired\s+missing_vectors/);
    expect(repair.output).toMatch(/repaired\s+orphan_vectors/);
    expect(repair.output).toMatch(/repaired\s+orphan_file/);
    expect(existsSync(strayPath)).toBe(false);
    expect((await store.get({ where: { documentId: ghost }, include: [] })).ids).toEqual([]);
    const repaired = await getDocument(running, victimId);
    expect(repaired).toMatchObject({ status: "ready", chunkCount });

    const clean = await runDoctor(dataDirectory, false);
    expect(clean.output).toContain("No drift");
    expect(clean.code).toBe(0);
    await expectVectorsMatchChunks(running);
  });

  describe("(c) an unusable DATA_DIR at start-up", () => {
    async function startExpectingRefusal(dataDir: string): Promise<{ code: number | null; output: string }> {
      const port = await freePort();
      const child = spawn(process.execPath, [path.join(projectRoot, "node_modules", "next", "dist", "bin", "next"), "start", "--port", String(port), "--hostname", "127.0.0.1"], {
        cwd: projectRoot,
        env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: "warn" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (data: Buffer) => (output += data.toString()));
      child.stderr.on("data", (data: Buffer) => (output += data.toString()));
      const code = await new Promise<number | null>((resolve) => {
        const timer = setTimeout(() => {
          child.kill("SIGKILL");
          resolve(null);
        }, 60_000);
        child.once("exit", (exitCode) => {
          clearTimeout(timer);
          resolve(exitCode);
        });
      });
      return { code, output };
    }

    const mounts: string[] = [];
    afterAll(async () => {
      for (const mountPoint of mounts) {
        await new Promise((resolve) => execFile("umount", [mountPoint], resolve));
        await fs.rm(mountPoint, { recursive: true, force: true });
      }
    });

    /** Mounts a tmpfs (we run as root in CI); undefined with the reason when mounting is not allowed. */
    async function mountTmpfs(options: string): Promise<{ mountPoint?: string; reason?: string }> {
      const mountPoint = await fs.mkdtemp(path.join(os.tmpdir(), "cited-mount-"));
      const failure = await new Promise<string | undefined>((resolve) =>
        execFile("mount", ["-t", "tmpfs", "-o", options, "tmpfs", mountPoint], (error, _stdout, stderr) => resolve(error ? `${error.message} ${stderr}`.trim() : undefined)),
      );
      if (failure) {
        await fs.rm(mountPoint, { recursive: true, force: true });
        return { reason: `cannot mount a tmpfs here (${failure})` };
      }
      mounts.push(mountPoint);
      return { mountPoint };
    }

    it("refuses to start when DATA_DIR is a regular file", async () => {
      const file = path.join(await fs.mkdtemp(path.join(os.tmpdir(), "cited-file-")), "not-a-directory");
      await fs.writeFile(file, "x");
      try {
        const { code, output } = await startExpectingRefusal(file);
        expect(code, output).not.toBe(0);
        expect(code, output).not.toBeNull();
        expect(output).toContain("cannot start");
        expect(output).toContain(`The data directory ${file} is not writable`);
      } finally {
        await fs.rm(path.dirname(file), { recursive: true, force: true });
      }
    });

    it("refuses to start on a read-only file system", async (context) => {
      const { mountPoint, reason: skipReason } = await mountTmpfs("ro,size=1m");
      if (!mountPoint) {
        console.log(`faults (c): read-only variant skipped — ${skipReason}`);
        context.skip();
        return;
      }
      const { code, output } = await startExpectingRefusal(mountPoint);
      expect(code, output).not.toBe(0);
      expect(code, output).not.toBeNull();
      expect(output).toContain(`The data directory ${mountPoint} is not writable`);
      expect(output).toMatch(/EROFS|read-only/i);
    });

    it("refuses to start on a full disk", async (context) => {
      const { mountPoint, reason: skipReason } = await mountTmpfs("size=256k");
      if (!mountPoint) {
        console.log(`faults (c): full-disk variant skipped — ${skipReason}`);
        context.skip();
        return;
      }
      await fs.writeFile(path.join(mountPoint, "filler"), Buffer.alloc(1024 * 1024)).catch(() => undefined);
      const { code, output } = await startExpectingRefusal(mountPoint);
      expect(code, output).not.toBe(0);
      expect(code, output).not.toBeNull();
      expect(output).toContain(`The data directory ${mountPoint} is not writable`);
      expect(output).toMatch(/ENOSPC|no space/i);
    });
  });
});
