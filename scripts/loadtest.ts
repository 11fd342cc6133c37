/**
 * `npm run loadtest -- [--url http://127.0.0.1:PORT] [--data-dir DIR] [--duration 60]
 *   [--uploads 20] [--upload-waves 2] [--chats 50] [--search-rate 100] [--seed 5]
 *   [--max-requests 50000] [--json out.json]`
 *
 * Drives the production app on loopback, bounded in time (--duration, at most 600 s) and in
 * requests (--max-requests): waves of concurrent uploads of distinct generated files, a pool of
 * concurrent extractive chats (time to the first text token of the SSE stream), and an open-loop
 * stream of searches at a fixed rate. Afterwards it waits for indexing, then checks that every
 * upload is in the library exactly once, that each document's vectors in Chroma match its
 * registry chunks, and that the doctor finds no drift. Prints a table; exit code 1 when a target
 * (zero 5xx, nothing lost or duplicated, search p95 ≤ 200 ms, chat first token p95 ≤ 1 s) is missed.
 *
 * Without --url it starts the production build itself (`next start`) on a free port with a
 * throw-away DATA_DIR and rate limits disabled, and removes it afterwards. With --url, pass
 * --data-dir (that server's DATA_DIR) to get the vector and doctor checks; an instance protected
 * by AUTH_TOKEN is driven with the same AUTH_TOKEN in this command's environment (sent as a
 * bearer token; never on the command line, where other users could read it).
 */
import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { ChromaClient } from "chromadb";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { percentile } from "@/lib/util/percentile";
import { cpuDescription, forEachStreamPart, hasProductionBuild, startProductionApp } from "./support/app-under-test";
import { messageOf, runMain, sleep } from "./support/cli";

const projectRoot = process.cwd();

/** Bearer token for a protected instance under --url (from AUTH_TOKEN); none for the script's own app. */
let bearerToken: string | undefined;

/** fetch() against the app under test, with the bearer token when there is one. */
function appFetch(url: string, init: RequestInit = {}): Promise<Response> {
  if (!bearerToken) return fetch(url, init);
  const headers = new Headers(init.headers);
  headers.set("authorization", `Bearer ${bearerToken}`);
  return fetch(url, { ...init, headers });
}
const COLLECTION = "cited_all-minilm-l6-v2_384";
const MAXIMUM_DURATION_SECONDS = 600;

interface Options {
  url: string | undefined;
  dataDirectory: string | undefined;
  durationSeconds: number;
  uploads: number;
  uploadWaves: number;
  chats: number;
  searchRate: number;
  seed: number;
  maxRequests: number;
  json: string | undefined;
}

function usage(message: string): never {
  console.error(`loadtest: ${message}`);
  console.error(
    "usage: npm run loadtest -- [--url http://127.0.0.1:PORT] [--data-dir DIR] [--duration 60] [--uploads 20] [--upload-waves 2] [--chats 50] [--search-rate 100] [--seed 5] [--max-requests 50000] [--json out.json]",
  );
  process.exit(2);
}

function parseArguments(argv: string[]): Options {
  const values = new Map<string, string>();
  for (let index = 0; index < argv.length; index += 1) {
    const key = argv[index] ?? "";
    if (!key.startsWith("--")) usage(`unexpected argument ${key}`);
    const value = argv[index + 1];
    if (value === undefined || value.startsWith("--")) usage(`${key} needs a value`);
    values.set(key.slice(2), value);
    index += 1;
  }
  const known = new Set(["url", "data-dir", "duration", "uploads", "upload-waves", "chats", "search-rate", "seed", "max-requests", "json"]);
  for (const key of values.keys()) if (!known.has(key)) usage(`unknown option --${key}`);
  const integer = (key: string, fallback: number, minimum: number, maximum: number): number => {
    const raw = values.get(key);
    if (raw === undefined) return fallback;
    const parsed = Number(raw);
    if (!Number.isInteger(parsed) || parsed < minimum || parsed > maximum) usage(`--${key} must be an integer from ${minimum} to ${maximum}`);
    return parsed;
  };
  const url = values.get("url");
  if (url !== undefined) assertLoopback(url);
  return {
    url,
    dataDirectory: values.get("data-dir"),
    durationSeconds: integer("duration", 60, 5, MAXIMUM_DURATION_SECONDS),
    uploads: integer("uploads", 20, 0, 200),
    uploadWaves: integer("upload-waves", 2, 1, 20),
    chats: integer("chats", 50, 0, 500),
    searchRate: integer("search-rate", 100, 0, 1000),
    seed: integer("seed", 5, 1, 50),
    maxRequests: integer("max-requests", 50_000, 100, 1_000_000),
    json: values.get("json"),
  };
}

/** The load test only ever targets this machine. */
function assertLoopback(raw: string): void {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    usage(`--url ${raw} is not a URL`);
  }
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const loopback = host === "localhost" || host === "::1" || (net.isIPv4(host) && host.startsWith("127."));
  if (!loopback || url.protocol !== "http:") usage(`refusing ${raw}: the load test runs against http on loopback only (127.0.0.0/8, ::1, localhost)`);
}

// ---------------------------------------------------------------------------------------------
// The app under test

interface AppUnderTest {
  baseUrl: string;
  dataDirectory: string | undefined;
  stop: () => Promise<void>;
}

/** Starts `next start` as scripts/support/app-under-test.ts does for every tool: own port, throw-away DATA_DIR, rate limits off. */
async function startOwnApp(): Promise<AppUnderTest> {
  if (!hasProductionBuild(projectRoot)) usage("no production build: run `npm run build` first (or pass --url)");
  const app = await startProductionApp({ projectRoot, dataDirectoryPrefix: "cited-loadtest-", pollMilliseconds: 300 });
  return { baseUrl: app.baseUrl, dataDirectory: app.dataDirectory, stop: app.stop };
}

// ---------------------------------------------------------------------------------------------
// Generated content

const TOPICS = [
  { topic: "vacation", fact: "Every employee receives {n} days of paid vacation per year, and unused days expire at the end of March." },
  { topic: "travel", fact: "Flights are booked through the travel desk at least {n} days ahead, and the daily meal allowance abroad is sixty-five euros." },
  { topic: "security", fact: "Laptops lock after {n} minutes without input, and badges must be worn visibly inside the building." },
  { topic: "expenses", fact: "Expense reports are filed within {n} days of the purchase, with the receipt attached as a PDF." },
  { topic: "parking", fact: "Parking spaces in garage {n} are assigned by the facilities team for one year at a time." },
  { topic: "training", fact: "Each team member has a training budget of {n} hundred euros per year for courses and conferences." },
];

const QUESTIONS = [
  "How many days of paid vacation do employees get?",
  "When do unused vacation days expire?",
  "How far ahead must flights be booked?",
  "What is the daily meal allowance abroad?",
  "When do laptops lock?",
  "How soon must expense reports be filed?",
  "Who assigns parking spaces?",
  "What is the training budget per year?",
  "Do badges have to be visible?",
  "Which receipt format is needed for expenses?",
];

/** The n-th question: 10 questions × 20 phrasings, so most searches miss the query-vector cache. */
function question(index: number): string {
  const base = QUESTIONS[index % QUESTIONS.length] ?? "vacation";
  const variant = Math.floor(index / QUESTIONS.length) % 20;
  return variant === 0 ? base : `${base.slice(0, -1)} in edition ${variant}?`;
}

function markdownDocument(index: number): string {
  const { topic, fact } = TOPICS[index % TOPICS.length] ?? { topic: "policy", fact: "Rule {n} applies." };
  const lines = [`# ${topic[0]?.toUpperCase()}${topic.slice(1)} policy, edition ${index}`, ""];
  for (let section = 0; section < 4; section += 1) {
    lines.push(`## Part ${section + 1}`, "");
    for (let paragraph = 0; paragraph < 4; paragraph += 1) {
      const n = ((index * 31 + section * 7 + paragraph) % 90) + 5;
      lines.push(`${fact.replace("{n}", String(n))} This paragraph ${paragraph + 1} of part ${section + 1} belongs to edition ${index} and was reviewed by committee ${n}.`, "");
    }
  }
  return lines.join("\n");
}

async function pdfDocument(index: number): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (let page = 0; page < 2; page += 1) {
    const pdfPage = pdf.addPage([612, 792]);
    const { fact } = TOPICS[(index + page) % TOPICS.length] ?? { fact: "Rule {n} applies." };
    for (let line = 0; line < 30; line += 1) {
      const text = `${fact.replace("{n}", String(((index * 13 + line) % 90) + 5))} (document ${index}, page ${page + 1}, line ${line + 1})`;
      pdfPage.drawText(text.slice(0, 120), { x: 36, y: 750 - line * 22, size: 8, font });
    }
  }
  return pdf.save();
}

// ---------------------------------------------------------------------------------------------
// Measurement

/** The message of a failed fetch with its cause (undici puts the reason there). */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${(error.cause as Error & { code?: string }).code ?? error.cause.name}: ${error.cause.message})` : "";
  return `${error.message}${cause}`;
}

function milliseconds(value: number | undefined): string {
  if (value === undefined) return "n/a";
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
}

class Counters {
  requests = 0;
  byStatus = new Map<number, number>();
  networkErrors = 0;
  serverErrors: string[] = [];

  record(route: string, status: number, detail?: string): void {
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
    if (status >= 500) this.serverErrors.push(`${route} ${status}${detail ? ` ${detail}` : ""}`);
  }

  count(predicate: (status: number) => boolean): number {
    let total = 0;
    for (const [status, count] of this.byStatus) if (predicate(status)) total += count;
    return total;
  }
}

interface UploadedFile {
  name: string;
  id: string;
  acceptedAt: number;
}

async function upload(options: {
  baseUrl: string;
  name: string;
  bytes: Uint8Array | string;
  counters: Counters;
}): Promise<{ id: string | undefined; milliseconds: number; status: number }> {
  const { baseUrl, name, bytes, counters } = options;
  const body = new FormData();
  body.append("file", new Blob([typeof bytes === "string" ? bytes : new Uint8Array(bytes)]), name);
  const started = performance.now();
  counters.requests += 1;
  try {
    const response = await appFetch(`${baseUrl}/api/documents`, { method: "POST", body, signal: AbortSignal.timeout(120_000) });
    const text = await response.text();
    const elapsed = performance.now() - started;
    counters.record("upload", response.status, response.status >= 500 ? text.slice(0, 200) : undefined);
    const json = JSON.parse(text) as { documents?: { id: string }[] };
    return { id: json.documents?.[0]?.id, milliseconds: elapsed, status: response.status };
  } catch (error) {
    counters.networkErrors += 1;
    counters.serverErrors.push(`upload network error: ${describe(error)}`);
    return { id: undefined, milliseconds: performance.now() - started, status: 0 };
  }
}

interface SearchOutcome {
  /** When the search was sent (Date.now()). */
  sentAt: number;
  milliseconds: number;
  status: number;
  /** The server's own time for the search (`tookMs`); the rest is queueing, framework and network. */
  serverMilliseconds?: number;
  /** `X-Search-Cache`: hit, joined or computed. */
  cache?: string;
}

async function search(options: { baseUrl: string; query: string; counters: Counters }): Promise<SearchOutcome> {
  const { baseUrl, query, counters } = options;
  const started = performance.now();
  const sentAt = Date.now();
  counters.requests += 1;
  try {
    const response = await appFetch(`${baseUrl}/api/search`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query, topK: 5 }),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await response.text();
    const milliseconds = performance.now() - started;
    counters.record("search", response.status, response.status >= 500 ? text.slice(0, 200) : undefined);
    let serverMilliseconds: number | undefined;
    if (response.status === 200) {
      try {
        serverMilliseconds = (JSON.parse(text) as { tookMs?: number }).tookMs;
      } catch {
        // Not JSON: the latency still counts, the split does not.
      }
    }
    return { sentAt, milliseconds, status: response.status, serverMilliseconds, cache: response.headers.get("x-search-cache") ?? undefined };
  } catch (error) {
    counters.networkErrors += 1;
    counters.serverErrors.push(`search network error: ${describe(error)}`);
    return { sentAt, milliseconds: performance.now() - started, status: 0 };
  }
}

/** One extractive chat turn; resolves with the time to the first text-delta part of the SSE stream. */
async function chat(options: {
  baseUrl: string;
  question: string;
  counters: Counters;
}): Promise<{ firstTokenMilliseconds: number | undefined; totalMilliseconds: number; status: number }> {
  const { baseUrl, question, counters } = options;
  const started = performance.now();
  counters.requests += 1;
  try {
    const response = await appFetch(`${baseUrl}/api/chat`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ messages: [{ id: `q-${Math.random().toString(36).slice(2)}`, role: "user", parts: [{ type: "text", text: question }] }] }),
      signal: AbortSignal.timeout(120_000),
    });
    if (!response.ok || !response.body) {
      const text = await response.text();
      counters.record("chat", response.status, response.status >= 500 ? text.slice(0, 200) : undefined);
      return { firstTokenMilliseconds: undefined, totalMilliseconds: performance.now() - started, status: response.status };
    }
    counters.record("chat", response.status);
    let firstToken: number | undefined;
    let streamError: string | undefined;
    await forEachStreamPart(response.body, (part) => {
      if (part.type === "text-delta" && firstToken === undefined) firstToken = performance.now() - started;
      if (part.type === "error") streamError = part.errorText ?? "error";
    });
    if (streamError) counters.serverErrors.push(`chat stream error: ${streamError}`);
    return { firstTokenMilliseconds: firstToken, totalMilliseconds: performance.now() - started, status: response.status };
  } catch (error) {
    counters.networkErrors += 1;
    counters.serverErrors.push(`chat network error: ${describe(error)}`);
    return { firstTokenMilliseconds: undefined, totalMilliseconds: performance.now() - started, status: 0 };
  }
}

interface DocumentJson {
  id: string;
  name: string;
  status: string;
  chunkCount: number;
  error: { code: string; message: string } | null;
}

interface SearchCacheCounts {
  hits: number;
  misses: number;
  shared: number;
}

/** The app's search result cache counters (from /api/health), or undefined when it does not show them. */
async function searchCacheCounts(baseUrl: string): Promise<SearchCacheCounts | undefined> {
  try {
    const response = await appFetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(30_000) });
    return ((await response.json()) as { searchCache?: SearchCacheCounts }).searchCache;
  } catch {
    return undefined;
  }
}

async function listDocuments(baseUrl: string): Promise<DocumentJson[]> {
  const response = await appFetch(`${baseUrl}/api/documents`, { signal: AbortSignal.timeout(60_000) });
  return ((await response.json()) as { documents: DocumentJson[] }).documents;
}

async function waitForIndexing(options: { baseUrl: string; ids: string[]; timeoutMs: number }): Promise<{ done: boolean; documents: DocumentJson[] }> {
  const deadline = Date.now() + options.timeoutMs;
  const wanted = new Set(options.ids);
  for (;;) {
    const documents = await listDocuments(options.baseUrl).catch(() => [] as DocumentJson[]);
    const pending = documents.filter((document) => wanted.has(document.id) && document.status !== "ready" && document.status !== "failed");
    const present = documents.filter((document) => wanted.has(document.id)).length;
    if (present === wanted.size && pending.length === 0) return { done: true, documents };
    if (Date.now() > deadline) return { done: false, documents };
    await sleep(1_000);
  }
}

function runDoctor(dataDirectory: string): Promise<{ clean: boolean; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(projectRoot, "node_modules", "tsx", "dist", "cli.mjs"), "--conditions=react-server", "--tsconfig", "tsconfig.json", "scripts/doctor.ts"],
      { cwd: projectRoot, env: { ...process.env, DATA_DIR: dataDirectory, LOG_LEVEL: "warn" }, timeout: 600_000 },
      (error, stdout, stderr) => resolve({ clean: !error && stdout.includes("No drift"), output: `${stdout}${stderr}`.trim() }),
    );
  });
}

/** Vector ids of each document against its registry chunks; counts orphans and duplicates. */
async function checkVectors(options: {
  baseUrl: string;
  dataDirectory: string;
  documents: DocumentJson[];
}): Promise<{ mismatched: string[]; orphanVectors: number; vectors: number }> {
  const record = JSON.parse(await fs.readFile(path.join(options.dataDirectory, "chroma", "cited-chroma.pid"), "utf8")) as { port: number };
  const collection = await new ChromaClient({ host: "127.0.0.1", port: record.port }).getCollection({ name: COLLECTION });
  const mismatched: string[] = [];
  let vectors = 0;
  for (const document of options.documents) {
    const { ids } = await collection.get({ where: { documentId: document.id }, include: [] });
    vectors += ids.length;
    const vectorChunks = [...new Set(ids.map((id) => id.slice(0, id.lastIndexOf(":"))))].sort();
    const registryChunks = Array.from({ length: document.status === "ready" ? document.chunkCount : 0 }, (_, index) => `${document.id}:${index}`).sort();
    const duplicates = ids.length !== new Set(ids).size;
    if (duplicates || vectorChunks.join("\n") !== registryChunks.join("\n")) mismatched.push(document.name);
  }
  const total = await collection.count();
  return { mismatched, orphanVectors: total - vectors, vectors };
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const options = parseArguments(process.argv.slice(2));
  // The app this script starts itself is open; only an instance given by --url may need the token.
  if (options.url) bearerToken = process.env.AUTH_TOKEN?.trim() || undefined;
  const app: AppUnderTest = options.url ? { baseUrl: options.url.replace(/\/$/, ""), dataDirectory: options.dataDirectory, stop: () => Promise.resolve() } : await startOwnApp();
  const stopApp = () => {
    void app.stop().finally(() => process.exit(130));
  };
  process.once("SIGINT", stopApp);
  try {
    return await run(options, app);
  } finally {
    process.off("SIGINT", stopApp);
    await app.stop();
  }
}

async function run(options: Options, app: AppUnderTest): Promise<number> {
  const { baseUrl } = app;
  const target = options.url ? `${baseUrl}` : `${baseUrl} (own production build, throw-away DATA_DIR, rate limits off)`;
  console.log(`loadtest: ${options.durationSeconds} s against ${target}`);
  const counters = new Counters();
  // The numbers mean little without the machine they were measured on.
  const machine = `${os.availableParallelism()} cores (${await cpuDescription()}), load average ${os
    .loadavg()
    .map((value) => value.toFixed(1))
    .join(" / ")} at the start`;
  const runId = Date.now().toString(36);

  // Seed documents so searches and chats have something to find.
  const seeded: UploadedFile[] = [];
  for (let index = 0; index < options.seed; index += 1) {
    const name = `seed-${runId}-${index}.md`;
    const result = await upload({ baseUrl, name, bytes: markdownDocument(index), counters });
    if (!result.id) throw new Error(`Seeding failed (HTTP ${result.status})`);
    seeded.push({ name, id: result.id, acceptedAt: Date.now() });
  }
  const seedReady = await waitForIndexing({ baseUrl, ids: seeded.map((file) => file.id), timeoutMs: 300_000 });
  if (!seedReady.done) throw new Error("The seed documents were not indexed within 5 minutes");
  // One warm-up search and chat, so the measurement does not include loading the model.
  await search({ baseUrl, query: "vacation", counters });
  await chat({ baseUrl, question: "How many days of paid vacation do employees get?", counters });
  console.log(`loadtest: seeded ${seeded.length} documents; load phase starts`);

  const cacheBefore = await searchCacheCounts(baseUrl);
  const started = Date.now();
  const endAt = started + options.durationSeconds * 1000;
  const active = () => Date.now() < endAt && counters.requests < options.maxRequests;

  const searchOutcomes: SearchOutcome[] = [];
  const firstTokenTimeline: TimedLatency[] = [];
  const chatTotals: number[] = [];
  let chatsWithoutText = 0;
  const uploadLatencies: number[] = [];
  const uploaded: UploadedFile[] = [];
  let uploadRefusals = 0;
  let searchesSkipped = 0;

  // Open-loop searches: one every 1000/rate ms, whatever the latency; in-flight is capped to keep the client bounded.
  const searchLoop = async () => {
    if (options.searchRate === 0) return;
    const interval = 1000 / options.searchRate;
    const inFlight = new Set<Promise<void>>();
    let next = Date.now();
    let index = 0;
    while (active()) {
      if (inFlight.size >= 2_000) searchesSkipped += 1;
      else {
        const query = question(index);
        index += 1;
        const request = search({ baseUrl, query, counters }).then((result) => {
          searchOutcomes.push(result);
        });
        inFlight.add(request);
        void request.finally(() => inFlight.delete(request));
      }
      next += interval;
      const wait = next - Date.now();
      if (wait > 0) await sleep(wait);
    }
    await Promise.all(inFlight);
  };

  // Closed-loop chats: `chats` clients, each asking its next question as soon as the last answer ended.
  const chatClient = async (client: number) => {
    let turn = 0;
    while (active()) {
      const sentAt = Date.now();
      const result = await chat({ baseUrl, question: question(client * 7 + turn), counters });
      turn += 1;
      if (result.status === 200) {
        chatTotals.push(result.totalMilliseconds);
        if (result.firstTokenMilliseconds === undefined) chatsWithoutText += 1;
        else firstTokenTimeline.push({ sentAt, milliseconds: result.firstTokenMilliseconds });
      }
    }
  };

  // Upload waves: `uploads` distinct files at once, spread evenly over the run.
  let fileIndex = 0;
  const uploadWaves = async () => {
    for (let wave = 0; wave < options.uploadWaves; wave += 1) {
      const waveAt = started + (wave * options.durationSeconds * 1000) / options.uploadWaves;
      if (waveAt > Date.now()) await sleep(waveAt - Date.now());
      if (!active()) break;
      await Promise.all(
        Array.from({ length: options.uploads }, async () => {
          fileIndex += 1;
          const index = 1_000 + fileIndex;
          const pdf = index % 2 === 0;
          const name = `load-${runId}-${index}.${pdf ? "pdf" : "md"}`;
          const result = await upload({ baseUrl, name, bytes: pdf ? await pdfDocument(index) : markdownDocument(index), counters });
          uploadLatencies.push(result.milliseconds);
          if (result.id) uploaded.push({ name, id: result.id, acceptedAt: Date.now() });
          else uploadRefusals += 1;
        }),
      );
    }
  };

  await Promise.all([searchLoop(), uploadWaves(), ...Array.from({ length: options.chats }, (_, client) => chatClient(client))]);
  const loadSeconds = (Date.now() - started) / 1000;
  const cacheAfter = await searchCacheCounts(baseUrl);
  console.log(`loadtest: load phase over after ${loadSeconds.toFixed(1)} s; waiting for indexing`);
  // The questions repeat (10 × 20 phrasings), so many searches are answered from the result cache
  // until the next upload becomes searchable: the table says how many, for reading the latencies.
  let cacheSummary = "not shown by the app";
  if (cacheBefore && cacheAfter) {
    const hits = cacheAfter.hits - cacheBefore.hits;
    const shared = cacheAfter.shared - cacheBefore.shared;
    const misses = cacheAfter.misses - cacheBefore.misses;
    const total = hits + shared + misses;
    cacheSummary = `${hits} hits, ${shared} joined a running search, ${misses} computed (${total > 0 ? Math.round((100 * (hits + shared)) / total) : 0} % not computed)`;
  }

  // Indexing completion and integrity.
  const lastAccepted = Math.max(started, ...uploaded.map((file) => file.acceptedAt));
  const allIds = [...seeded, ...uploaded].map((file) => file.id);
  const indexing = await waitForIndexing({ baseUrl, ids: allIds, timeoutMs: 900_000 });
  const indexingSeconds = (Date.now() - lastAccepted) / 1000;
  const documents = await listDocuments(baseUrl);
  const expectedNames = [...seeded, ...uploaded].map((file) => file.name);
  const nameCounts = new Map<string, number>();
  for (const document of documents) nameCounts.set(document.name, (nameCounts.get(document.name) ?? 0) + 1);
  const lost = expectedNames.filter((name) => !nameCounts.has(name));
  const duplicated = [...nameCounts].filter(([, count]) => count > 1).map(([name]) => name);
  const ours = documents.filter((document) => allIds.includes(document.id));
  const failed = ours.filter((document) => document.status === "failed");

  let vectorSummary = "skipped (no DATA_DIR: pass --data-dir)";
  let vectorsOk = true;
  let doctorSummary = "skipped (no DATA_DIR: pass --data-dir)";
  let doctorOk = true;
  if (app.dataDirectory) {
    const vectors = await checkVectors({ baseUrl, dataDirectory: app.dataDirectory, documents: options.url ? ours : documents });
    vectorsOk = vectors.mismatched.length === 0 && (options.url !== undefined || vectors.orphanVectors === 0);
    vectorSummary = `${vectors.vectors} vectors; ${vectors.mismatched.length} documents mismatched${options.url ? "" : `, ${vectors.orphanVectors} orphan vectors`}`;
    const doctor = await runDoctor(app.dataDirectory);
    doctorOk = doctor.clean;
    doctorSummary = doctor.clean ? "no drift" : `DRIFT:\n${doctor.output}`;
  }

  const searchLatencies = searchOutcomes.map((outcome) => outcome.milliseconds);
  const firstTokens = firstTokenTimeline.map((sample) => sample.milliseconds);
  const searchP95 = percentile(searchLatencies, 0.95);
  const firstTokenP95 = percentile(firstTokens, 0.95);
  const http5xx = counters.count((status) => status >= 500);
  const serverErrors = http5xx + counters.networkErrors;
  const achievedRate = searchLatencies.length / loadSeconds;
  const statusSummary = [...counters.byStatus]
    .sort(([left], [right]) => left - right)
    .map(([status, count]) => `${status}×${count}`)
    .join(", ");
  const checks = {
    zero5xx: serverErrors === 0,
    nothingLost: lost.length === 0 && duplicated.length === 0 && indexing.done,
    searchP95: searchP95 !== undefined && searchP95 <= 200,
    chatFirstTokenP95: options.chats === 0 || (firstTokenP95 !== undefined && firstTokenP95 <= 1000),
    vectors: vectorsOk,
    doctor: doctorOk,
  };
  const mark = (ok: boolean) => (ok ? "ok" : "MISSED");
  const rows: [string, string, string][] = [
    [
      "Load phase",
      `${loadSeconds.toFixed(1)} s; ${options.uploads} uploads × ${options.uploadWaves} waves, ${options.chats} concurrent chats, ${options.searchRate} searches/s`,
      "",
    ],
    ["Machine", machine, ""],
    ["Requests (all, incl. seeding)", `${counters.requests} (${statusSummary})`, ""],
    ["HTTP 5xx / failed connections", `${http5xx} / ${counters.networkErrors}`, `0 → ${mark(checks.zero5xx)}`],
    [
      "Searches",
      `${searchLatencies.length} (${achievedRate.toFixed(1)}/s achieved${searchesSkipped ? `, ${searchesSkipped} skipped by the client` : ""})`,
      `${options.searchRate}/s`,
    ],
    [
      "Search latency p50 / p95 / p99",
      `${milliseconds(percentile(searchLatencies, 0.5))} / ${milliseconds(searchP95)} / ${milliseconds(percentile(searchLatencies, 0.99))}`,
      `p95 ≤ 200 ms → ${mark(checks.searchP95)}`,
    ],
    ["Search results cache (searches and chats)", cacheSummary, ""],
    ...searchBreakdown(searchOutcomes),
    ["Chats completed (with text)", `${chatTotals.length} (${chatTotals.length - chatsWithoutText})`, ""],
    ["Chat first token p50 / p95", `${milliseconds(percentile(firstTokens, 0.5))} / ${milliseconds(firstTokenP95)}`, `p95 ≤ 1 s → ${mark(checks.chatFirstTokenP95)}`],
    ["Chat full answer p50 / p95", `${milliseconds(percentile(chatTotals, 0.5))} / ${milliseconds(percentile(chatTotals, 0.95))}`, ""],
    ["Uploads accepted (refused)", `${uploaded.length} (${uploadRefusals})`, ""],
    [
      "Upload accept latency p50 / p95 / max",
      `${milliseconds(percentile(uploadLatencies, 0.5))} / ${milliseconds(percentile(uploadLatencies, 0.95))} / ${milliseconds(percentile(uploadLatencies, 1))}`,
      "",
    ],
    [
      "Indexing complete after last upload",
      indexing.done ? `${indexingSeconds.toFixed(1)} s (${ours.length - failed.length} ready, ${failed.length} failed)` : "NOT within 15 min",
      "",
    ],
    ["Documents lost / duplicated", `${lost.length} / ${duplicated.length}`, `0 / 0 → ${mark(checks.nothingLost)}`],
    ["Vectors vs registry chunks", vectorSummary, `exact → ${mark(checks.vectors)}`],
    ["Doctor", doctorSummary.split("\n")[0] ?? "", `no drift → ${mark(checks.doctor)}`],
  ];
  const width = [Math.max(...rows.map((row) => row[0].length)), Math.max(...rows.map((row) => row[1].length))];
  console.log("");
  console.log(`| ${"Metric".padEnd(width[0] ?? 0)} | ${"Measured".padEnd(width[1] ?? 0)} | Target |`);
  console.log(`|${"-".repeat((width[0] ?? 0) + 2)}|${"-".repeat((width[1] ?? 0) + 2)}|--------|`);
  for (const [metric, measured, goal] of rows) console.log(`| ${metric.padEnd(width[0] ?? 0)} | ${measured.padEnd(width[1] ?? 0)} | ${goal} |`);
  console.log("");
  const waveSeconds = Array.from({ length: options.uploadWaves }, (_, wave) => (wave * options.durationSeconds) / options.uploadWaves);
  printTimeline({ title: "Search latency by when it was sent (p50 / p95, searches; * = an upload wave starts):", samples: searchOutcomes, started, waveSeconds });
  printTimeline({ title: "Chat first token by when the chat was sent (p50 / p95, chats; * = an upload wave starts):", samples: firstTokenTimeline, started, waveSeconds });
  if (counters.serverErrors.length > 0) console.log(`First server errors:\n  ${counters.serverErrors.slice(0, 10).join("\n  ")}`);
  if (failed.length > 0)
    console.log(
      `Failed documents:\n  ${failed
        .slice(0, 10)
        .map((document) => `${document.name}: ${document.error?.code} ${document.error?.message}`)
        .join("\n  ")}`,
    );
  if (!doctorOk) console.log(doctorSummary);
  if (options.json) {
    await fs.writeFile(
      options.json,
      JSON.stringify(
        { options, loadSeconds, statuses: Object.fromEntries(counters.byStatus), rows, checks, searchLatencies: searchLatencies.length, firstTokens: firstTokens.length },
        null,
        2,
      ),
    );
  }
  return Object.values(checks).every(Boolean) ? 0 : 1;
}

/** A latency and when its request was sent. */
interface TimedLatency {
  sentAt: number;
  milliseconds: number;
}

/** Latency in 5-second steps of the load phase, with the upload waves marked: where the slow requests are. */
function printTimeline(options: { title: string; samples: TimedLatency[]; started: number; waveSeconds: number[] }): void {
  const step = 5;
  const buckets = new Map<number, number[]>();
  for (const sample of options.samples) {
    const bucket = Math.floor((sample.sentAt - options.started) / 1000 / step);
    const latencies = buckets.get(bucket) ?? [];
    latencies.push(sample.milliseconds);
    buckets.set(bucket, latencies);
  }
  if (buckets.size === 0) return;
  console.log(options.title);
  for (const [bucket, latencies] of [...buckets].sort(([left], [right]) => left - right)) {
    const wave = options.waveSeconds.some((second) => second >= bucket * step && second < (bucket + 1) * step) ? "*" : " ";
    console.log(
      `  ${wave} ${String(bucket * step).padStart(3)}–${String((bucket + 1) * step).padEnd(3)} s: ${milliseconds(percentile(latencies, 0.5))} / ${milliseconds(percentile(latencies, 0.95))}, ${latencies.length}`,
    );
  }
  console.log("");
}

/**
 * Search latency by how the search was answered, and how much of it the server spent searching:
 * tells a slow search (computed, long server time) from a queued one (long wait before the handler).
 */
function searchBreakdown(outcomes: SearchOutcome[]): [string, string, string][] {
  const rows: [string, string, string][] = [];
  for (const cache of ["hit", "joined", "computed"]) {
    const matching = outcomes.filter((outcome) => outcome.cache === cache);
    if (matching.length === 0) continue;
    const latencies = matching.map((outcome) => outcome.milliseconds);
    const server = matching.flatMap((outcome) => (outcome.serverMilliseconds === undefined ? [] : [outcome.serverMilliseconds]));
    rows.push([
      `  searches answered "${cache}": latency p50 / p95; server p50 / p95`,
      `${matching.length}: ${milliseconds(percentile(latencies, 0.5))} / ${milliseconds(percentile(latencies, 0.95))}; ${milliseconds(percentile(server, 0.5))} / ${milliseconds(percentile(server, 0.95))}`,
      "",
    ]);
  }
  return rows;
}

runMain(main, (error) => `loadtest: ${messageOf(error)}`);
