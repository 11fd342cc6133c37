/**
 * `npm run bench -- [--quick] [--corpus northwind|sec-10q] [--scale 10000,100000] [--keep-data] [--json out.json]`
 *
 * Measures the production code paths (see docs/performance.md for how each number is produced):
 * the local embedding model (raw and as the indexer calls it), cold start of `next start`,
 * indexing a corpus through the HTTP API (seconds per MB, peak RSS of next-server), re-indexing
 * it unchanged, search latency per mode at concurrency 1 and 8, the chat's time to its first
 * source part and first text token (extractive, then with an instantly answering
 * OpenAI-compatible test server: our own overhead), and, per --scale size, the library grown to
 * that many chunks with synthetic ones (scripts/bench-scale.ts): HNSW recall@10 against exact
 * search and search latency again. Prints a table and writes JSON (by default to
 * bench-results/<date>.json).
 *
 * --quick runs everything on three small generated files instead of a corpus (and one small
 * scale size). The exit code is 1 only when something is broken (an HTTP error, a document not
 * ready, an empty result), never because of a timing: timings depend on the machine.
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { EXTRACTIVE_NOTE } from "@/lib/chat/extractive-answerer";
import { loadQuestions } from "@/lib/evaluation/questions";
import { percentile } from "@/lib/util/percentile";
import { cpuDescription, forEachStreamPart, hasProductionBuild, startProductionApp, type ProductionApp } from "./support/app-under-test";
import { messageOf, runMain, sleep } from "./support/cli";
import { startOpenAITestServer } from "./support/openai-test-server";

const projectRoot = process.cwd();
const CORPORA: Record<string, string> = {
  northwind: path.resolve(projectRoot, "..", "shared", "corpus", "northwind"),
  "sec-10q": path.resolve(projectRoot, "..", "shared", "corpus", "sec-10q"),
};
const SEARCH_MODES = ["vector", "keyword", "hybrid"] as const;
const CONCURRENCIES = [1, 8] as const;
/** Library sizes (chunks) of the scale stage: the issue's 100,000 and a step between. */
const DEFAULT_SCALES = [10_000, 100_000];
/** --quick: big enough that synthetic chunks outnumber the generated files' few dozen. */
const QUICK_SCALES = [1_000];

interface Options {
  quick: boolean;
  corpus: string;
  json: string | undefined;
  /** Chunk counts to grow the library to, ascending; empty skips the stage. */
  scales: number[] | undefined;
  /** Leave the DATA_DIR (corpus and synthetic chunks) in place, for profiling the app on it. */
  keepData: boolean;
}

function usage(message: string): never {
  console.error(`bench: ${message}`);
  console.error("usage: npm run bench -- [--quick] [--corpus northwind|sec-10q] [--scale 10000,100000 | --scale 0] [--keep-data] [--json out.json]");
  process.exit(2);
}

function parseArguments(argv: string[]): Options {
  const options: Options = { quick: false, corpus: "northwind", json: undefined, scales: undefined, keepData: false };
  for (let index = 0; index < argv.length; index += 1) {
    const key = argv[index];
    if (key === "--quick") options.quick = true;
    else if (key === "--keep-data") options.keepData = true;
    else if (key === "--corpus" || key === "--json" || key === "--scale") {
      const value = argv[index + 1];
      if (value === undefined || value.startsWith("--")) usage(`${key} needs a value`);
      if (key === "--corpus") {
        if (!(value in CORPORA)) usage(`unknown corpus ${value} (northwind or sec-10q)`);
        options.corpus = value;
      } else if (key === "--scale") {
        const sizes = value.split(",").map(Number);
        if (sizes.some((size) => !Number.isInteger(size) || size < 0)) usage(`--scale takes chunk counts, e.g. 10000,100000 (0 skips the stage)`);
        options.scales = sizes.filter((size) => size > 0).sort((left, right) => left - right);
      } else options.json = value;
      index += 1;
    } else usage(`unknown argument ${String(key)}`);
  }
  return options;
}

function round(value: number | null, digits = 1): number | null {
  if (value === null || !Number.isFinite(value)) return null;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Problems that make the run invalid (exit code 1); timings never land here. */
const failures: string[] = [];

function fail(message: string): void {
  failures.push(message);
  console.error(`bench: FAILED ${message}`);
}

// ---------------------------------------------------------------------------------------------
// The app under test (as scripts/loadtest.ts starts it: production build, free port, throw-away
// DATA_DIR, rate limits off, stopped with SIGINT).

type AppUnderTest = ProductionApp;

/** Starts the app on `dataDirectory` (kept on stop: later stages restart the app on the same library). */
async function startApp(dataDirectory: string, environment: Record<string, string> = {}): Promise<AppUnderTest> {
  if (!hasProductionBuild(projectRoot)) usage("no production build: run `npm run build` first");
  // Short polls: the interval bounds the cold-start resolution. The search result cache is off:
  // each stage asks the same questions again, and the bench measures searches, not cache hits.
  return startProductionApp({
    projectRoot,
    dataDirectoryPrefix: "cited-bench-",
    pollMilliseconds: 50,
    dataDirectory,
    keepDataDirectory: true,
    environment: { SEARCH_CACHE_ENTRIES: "0", ...environment },
  });
}

/** Descendant process ids of `pid` (via /proc/<pid>/task/<tid>/children). */
function descendants(pid: number): number[] {
  const found: number[] = [];
  const visit = (parent: number) => {
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${parent}/task`);
    } catch {
      return;
    }
    for (const task of tasks) {
      let children = "";
      try {
        children = readFileSync(`/proc/${parent}/task/${task}/children`, "utf8");
      } catch {
        continue;
      }
      for (const child of children.split(/\s+/).filter(Boolean).map(Number)) {
        found.push(child);
        visit(child);
      }
    }
  };
  visit(pid);
  return found;
}

/** VmHWM (peak resident set) in MB of the next-server process: `next start` runs the server in a child. */
function peakRssMegabytes(rootPid: number): { pid: number; megabytes: number } | null {
  for (const pid of [rootPid, ...descendants(rootPid)]) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      const name = /^Name:\s*(.+)$/m.exec(status)?.[1] ?? "";
      const peak = /^VmHWM:\s*(\d+) kB$/m.exec(status)?.[1];
      if (name.startsWith("next-server") && peak) return { pid, megabytes: Number(peak) / 1024 };
    } catch {
      // Gone meanwhile: not the server.
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// HTTP helpers

interface DocumentJson {
  id: string;
  name: string;
  status: string;
  chunkCount: number;
}

async function uploadFile(baseUrl: string, name: string, bytes: Uint8Array): Promise<string | undefined> {
  const body = new FormData();
  body.append("file", new Blob([new Uint8Array(bytes)]), name);
  const response = await fetch(`${baseUrl}/api/documents`, { method: "POST", body, signal: AbortSignal.timeout(300_000) });
  const text = await response.text();
  if (!response.ok) {
    fail(`upload ${name}: HTTP ${response.status} ${text.slice(0, 200)}`);
    return undefined;
  }
  return (JSON.parse(text) as { documents?: { id: string }[] }).documents?.[0]?.id;
}

async function listDocuments(baseUrl: string): Promise<DocumentJson[]> {
  const response = await fetch(`${baseUrl}/api/documents`, { signal: AbortSignal.timeout(60_000) });
  return ((await response.json()) as { documents: DocumentJson[] }).documents;
}

/** Polls the library until every id is ready or failed; resolves with the documents then. */
async function waitUntilSettled(baseUrl: string, ids: string[], timeoutMs: number): Promise<DocumentJson[]> {
  const deadline = Date.now() + timeoutMs;
  const wanted = new Set(ids);
  for (;;) {
    const documents = (await listDocuments(baseUrl).catch(() => [] as DocumentJson[])).filter((document) => wanted.has(document.id));
    if (documents.length === wanted.size && documents.every((document) => document.status === "ready" || document.status === "failed")) return documents;
    if (Date.now() > deadline) return documents;
    await sleep(250);
  }
}

async function timedSearch(baseUrl: string, query: string, mode: string): Promise<{ milliseconds: number; results: number }> {
  const started = performance.now();
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${baseUrl}/api/search`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query, mode }),
      signal: AbortSignal.timeout(60_000),
    });
    text = await response.text();
  } catch (error) {
    // A refused or timed-out request is a failure to report, not a reason to lose the other stages.
    fail(`search (${mode}) "${query}": ${error instanceof Error ? `${error.message} ${error.cause instanceof Error ? error.cause.message : ""}` : String(error)}`);
    return { milliseconds: performance.now() - started, results: 0 };
  }
  const milliseconds = performance.now() - started;
  if (!response.ok) {
    fail(`search (${mode}) "${query}": HTTP ${response.status} ${text.slice(0, 200)}`);
    return { milliseconds, results: 0 };
  }
  return { milliseconds, results: (JSON.parse(text) as { results?: unknown[] }).results?.length ?? 0 };
}

/** One extractive chat turn, parsed like scripts/loadtest.ts does (AI SDK UI message stream over SSE). */
async function timedChat(
  baseUrl: string,
  question: string,
): Promise<{ firstSource: number | undefined; firstText: number | undefined; firstAnswer: number | undefined; total: number }> {
  const started = performance.now();
  const response = await fetch(`${baseUrl}/api/chat`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ messages: [{ id: `q-${Math.random().toString(36).slice(2)}`, role: "user", parts: [{ type: "text", text: question }] }] }),
    signal: AbortSignal.timeout(120_000),
  });
  if (!response.ok || !response.body) {
    fail(`chat "${question}": HTTP ${response.status} ${(await response.text()).slice(0, 200)}`);
    return { firstSource: undefined, firstText: undefined, firstAnswer: undefined, total: performance.now() - started };
  }
  let firstSource: number | undefined;
  let firstText: number | undefined;
  // The first text that answers: an extractive answer starts with its fixed note, then quotes.
  let firstAnswer: number | undefined;
  await forEachStreamPart(response.body, (part) => {
    if (part.type === "data-source" && firstSource === undefined) firstSource = performance.now() - started;
    if (part.type === "text-delta" && firstText === undefined) firstText = performance.now() - started;
    if (part.type === "text-delta" && firstAnswer === undefined && part.delta !== `${EXTRACTIVE_NOTE}\n\n`) firstAnswer = performance.now() - started;
    if (part.type === "error") fail(`chat "${question}": stream error ${part.errorText ?? ""}`);
  });
  return { firstSource, firstText, firstAnswer, total: performance.now() - started };
}

// ---------------------------------------------------------------------------------------------
// Inputs

interface InputFile {
  name: string;
  bytes: Uint8Array;
}

const QUICK_FACTS = [
  "Every employee receives {n} days of paid vacation per year, and unused days expire at the end of March.",
  "Flights are booked through the travel desk at least {n} days ahead, and the daily meal allowance abroad is sixty-five euros.",
  "Expense reports are filed within {n} days of the purchase, with the receipt attached as a PDF.",
];
const QUICK_QUESTIONS = [
  "How many days of paid vacation do employees get?",
  "When do unused vacation days expire?",
  "How far ahead must flights be booked?",
  "What is the daily meal allowance abroad?",
  "How soon must expense reports be filed?",
];

function quickMarkdown(index: number): string {
  const lines = [`# Policy edition ${index}`, ""];
  for (let section = 0; section < 3; section += 1) {
    lines.push(`## Part ${section + 1}`, "");
    for (const [paragraph, fact] of QUICK_FACTS.entries())
      lines.push(`${fact.replace("{n}", String(10 + index + section + paragraph))} Paragraph ${paragraph + 1} of part ${section + 1}.`, "");
  }
  return lines.join("\n");
}

async function quickPdf(index: number): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (let page = 0; page < 2; page += 1) {
    const pdfPage = pdf.addPage([612, 792]);
    for (let line = 0; line < 25; line += 1) {
      const fact = QUICK_FACTS[(line + page) % QUICK_FACTS.length] ?? "";
      pdfPage.drawText(`${fact.replace("{n}", String(line + 5))} (file ${index}, page ${page + 1}, line ${line + 1})`.slice(0, 120), { x: 36, y: 750 - line * 24, size: 8, font });
    }
  }
  return pdf.save();
}

async function inputs(options: Options): Promise<{ files: InputFile[]; questions: string[] }> {
  if (options.quick) {
    const encoder = new TextEncoder();
    return {
      files: [
        { name: "bench-quick-1.md", bytes: encoder.encode(quickMarkdown(1)) },
        { name: "bench-quick-2.md", bytes: encoder.encode(quickMarkdown(2)) },
        { name: "bench-quick-3.pdf", bytes: await quickPdf(3) },
      ],
      questions: QUICK_QUESTIONS,
    };
  }
  const directory = CORPORA[options.corpus] ?? "";
  if (!existsSync(directory)) usage(`corpus directory ${directory} not found`);
  const names = (await fs.readdir(directory)).filter((name) => name.toLowerCase().endsWith(".pdf")).sort();
  const files = await Promise.all(names.map(async (name) => ({ name, bytes: new Uint8Array(await fs.readFile(path.join(directory, name))) })));
  // Each corpus's own questions: northwind's questions.jsonl, sec-10q's qna_data.csv.
  const questionFile = ["questions.jsonl", "qna_data.csv"].map((name) => path.join(directory, name)).find((candidate) => existsSync(candidate));
  if (!questionFile) usage(`no questions.jsonl or qna_data.csv in ${directory}`);
  const questions = (await loadQuestions(questionFile)).filter((item) => item.answerable).map((item) => item.question);
  return { files, questions };
}

// ---------------------------------------------------------------------------------------------
// Stages

function runEmbeddingChild(mode: "raw" | "pipeline", count: number): Promise<unknown> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [
        path.join(projectRoot, "node_modules", "tsx", "dist", "cli.mjs"),
        "--conditions=react-server",
        "--tsconfig",
        "tsconfig.json",
        "scripts/bench-embedding.ts",
        "--mode",
        mode,
        "--count",
        String(count),
      ],
      { cwd: projectRoot, env: { ...process.env, LOG_LEVEL: "warn" }, timeout: 600_000, maxBuffer: 4 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const line = stdout
          .trim()
          .split("\n")
          .reverse()
          .find((candidate) => candidate.startsWith(`{"${mode}"`));
        if (error || !line) {
          fail(`embedding ${mode}: ${error?.message ?? "no result"} ${stderr.slice(-500)}`);
          resolve(undefined);
          return;
        }
        resolve((JSON.parse(line) as Record<string, unknown>)[mode]);
      },
    );
  });
}

interface RawRow {
  batchSize: number;
  wordPiecesPerSecond: number;
}

interface PipelineRow {
  msPerChunk: number;
  msPerWindow: number;
  wordPiecesPerSecond: number;
  batchSize: number;
}

async function embeddingStage(options: Options) {
  // Sequential: the two children would otherwise compete for the same cores.
  const raw = ((await runEmbeddingChild("raw", options.quick ? 8 : 64)) as RawRow[] | undefined) ?? [];
  const pipeline = (await runEmbeddingChild("pipeline", options.quick ? 4 : 32)) as PipelineRow | undefined;
  const bestRaw = Math.max(0, ...raw.map((row) => row.wordPiecesPerSecond));
  return {
    raw: raw.map((row) => ({ batchSize: row.batchSize, wordPiecesPerSecond: round(row.wordPiecesPerSecond, 0) })),
    pipeline: pipeline
      ? {
          batchSize: pipeline.batchSize,
          msPerChunk: round(pipeline.msPerChunk),
          msPerWindow: round(pipeline.msPerWindow),
          wordPiecesPerSecond: round(pipeline.wordPiecesPerSecond, 0),
        }
      : null,
    pipelineShareOfRaw: pipeline && bestRaw > 0 ? round(pipeline.wordPiecesPerSecond / bestRaw, 3) : null,
  };
}

function latencySummary(values: number[]) {
  return { count: values.length, p50: round(percentile(values, 0.5) ?? null), p95: round(percentile(values, 0.95) ?? null), p99: round(percentile(values, 0.99) ?? null) };
}

async function searchStage(baseUrl: string, questions: string[]) {
  const result: Record<string, Record<string, ReturnType<typeof latencySummary>>> = {};
  for (const mode of SEARCH_MODES) {
    result[mode] = {};
    // Warm-up per mode: first-use caches (query vector, keyword rankings) are cold start's concern.
    await timedSearch(baseUrl, questions[0] ?? "vacation", mode);
    for (const concurrency of CONCURRENCIES) {
      const latencies: number[] = [];
      let empty = 0;
      let next = 0;
      // Each question once per mode and concurrency, pulled from a shared queue by `concurrency` clients.
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < questions.length) {
            const query = questions[next] ?? "";
            next += 1;
            const { milliseconds, results } = await timedSearch(baseUrl, query, mode);
            latencies.push(milliseconds);
            if (results === 0) empty += 1;
          }
        }),
      );
      // Keyword search may legitimately miss a question; every search missing means a broken index.
      if (empty === latencies.length) fail(`search (${mode}, concurrency ${concurrency}): every result list was empty`);
      (result[mode] ?? {})[`c${concurrency}`] = latencySummary(latencies);
    }
  }
  return result;
}

async function chatStage(baseUrl: string, questions: string[]) {
  const firstSources: number[] = [];
  const firstTexts: number[] = [];
  const firstAnswers: number[] = [];
  const totals: number[] = [];
  await timedChat(baseUrl, questions[0] ?? "vacation");
  for (const question of questions) {
    const { firstSource, firstText, firstAnswer, total } = await timedChat(baseUrl, question);
    totals.push(total);
    if (firstAnswer !== undefined) firstAnswers.push(firstAnswer);
    // No source part is a legitimate "not in the documents" answer; no text at all is a broken turn.
    if (firstSource !== undefined) firstSources.push(firstSource);
    if (firstText === undefined) fail(`chat "${question}": no text-delta part`);
    else firstTexts.push(firstText);
  }
  if (firstSources.length === 0) fail("chat: no turn streamed a data-source part");
  return {
    count: questions.length,
    firstSourceMs: latencySummary(firstSources),
    firstTextMs: latencySummary(firstTexts),
    firstAnswerMs: latencySummary(firstAnswers),
    totalMs: latencySummary(totals),
  };
}

// Linux counts thread CPU time in clock ticks of 1/100 s (USER_HZ).
const CLOCK_TICKS_PER_SECOND = 100;

/** CPU milliseconds the main (request) thread of process `pid` has used: utime + stime of /proc/<pid>/task/<pid>/stat. */
function mainThreadCpuMilliseconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/task/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/**
 * CPU time of the server's request thread per request, one request at a time: what each request
 * takes from the thread all requests share, which bounds throughput under load
 * (npm run loadtest) whatever else runs on the machine. A library listing is the framework's
 * floor; the search here is computed (the bench's app has no result cache) with warm registry
 * caches, as a repeated question without the cache; the chat is extractive, its sentence
 * vectors cached by the chat stage before.
 */
async function requestCostStage(options: { baseUrl: string; serverPid: number; questions: string[]; chatQuestions: string[] }) {
  const { baseUrl, serverPid } = options;
  const measure = async (requests: (() => Promise<unknown>)[]): Promise<number | null> => {
    const before = mainThreadCpuMilliseconds(serverPid);
    for (const request of requests) await request();
    const after = mainThreadCpuMilliseconds(serverPid);
    return before === null || after === null ? null : round((after - before) / requests.length, 1);
  };
  const list = async () => {
    const response = await fetch(`${baseUrl}/api/documents`);
    if (!response.ok) fail(`GET /api/documents: HTTP ${response.status}`);
    await response.text();
  };
  return {
    listDocumentsMs: await measure(Array.from({ length: 100 }, () => list)),
    searchMs: await measure(options.questions.map((question) => () => timedSearch(baseUrl, question, "hybrid"))),
    chatMs: await measure(options.chatQuestions.map((question) => () => timedChat(baseUrl, question))),
  };
}

/**
 * The chat again, against an OpenAI-compatible test server that answers at once: what remains is
 * our overhead. This stage starts a second app; it first serves the search questions once, as the
 * first app had before its chat stage, so both chats run on equally warm registry caches (the
 * result cache stays off: every chat still computes its search).
 */
async function instantModelChatStage(dataDirectory: string, questions: string[], warmUpQuestions: string[]) {
  const model = await startOpenAITestServer({ defaultBehaviour: { kind: "answer", text: "The documents answer this [1].", chunkSize: 1_000, delayMs: 0 } });
  // Local embeddings stay (EMBEDDING_PROVIDER=local): only the chat model changes.
  const app = await startApp(dataDirectory, { OPENAI_BASE_URL: model.baseUrl, OPENAI_API_KEY: "", CHAT_MODEL: "bench-instant", EMBEDDING_PROVIDER: "local" });
  try {
    const health = (await (await fetch(`${app.baseUrl}/api/health`)).json()) as { chat?: { mode?: string } };
    if (health.chat?.mode !== "openai-compatible") fail(`instant-model chat: the app runs in chat mode ${String(health.chat?.mode)}, not openai-compatible`);
    for (const question of warmUpQuestions) await timedSearch(app.baseUrl, question, "hybrid");
    const chat = await chatStage(app.baseUrl, questions);
    // A turn that never reached the model would measure the extractive path again.
    const calls = model.chatRequests().length;
    if (calls === 0) fail("instant-model chat: the model was never called");
    return { ...chat, modelCalls: calls };
  } finally {
    await app.stop();
    await model.close();
  }
}

interface ScaleReport {
  chunks: number;
  realChunks: number;
  syntheticChunks: number;
  passages: number;
  vectors: number;
  populate: { added: number; seconds: number; vectorSeconds: number; registrySeconds: number };
  recall: {
    queries: number;
    questions: number;
    sentences: number;
    exactMsPerQuery: number;
    byEfSearch: { efSearch: number; recallAt10: number; minimumRecallAt10: number; recallAt10Of200: number; query200Ms: { p50: number; p95: number } }[];
  };
}

/** Grows the stopped app's library to `target` chunks (scripts/bench-scale.ts) and measures recall there. */
function runScaleChild(dataDirectory: string, target: number, queriesPath: string): Promise<ScaleReport | undefined> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [
        path.join(projectRoot, "node_modules", "tsx", "dist", "cli.mjs"),
        "--conditions=react-server",
        "--tsconfig",
        "tsconfig.json",
        "scripts/bench-scale.ts",
        "--data-dir",
        dataDirectory,
        "--target",
        String(target),
        "--queries",
        queriesPath,
      ],
      { cwd: projectRoot, env: { ...process.env, LOG_LEVEL: "warn" }, timeout: 3_600_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const line = stdout
          .trim()
          .split("\n")
          .reverse()
          .find((candidate) => candidate.startsWith('{"scale"'));
        if (error || !line) {
          fail(`scale ${target}: ${error?.message ?? "no result"} ${stderr.slice(-1_000)}`);
          resolve(undefined);
          return;
        }
        resolve((JSON.parse(line) as { scale: ScaleReport }).scale);
      },
    );
  });
}

async function scaleStage(dataDirectory: string, sizes: number[], questions: string[]) {
  const queriesPath = path.join(dataDirectory, "bench-questions.json");
  await fs.writeFile(queriesPath, JSON.stringify(questions));
  const rows = [];
  for (const target of sizes) {
    console.log(`bench: scale ${target} chunks (populate with the app stopped, recall@10, then search)`);
    const scale = await runScaleChild(dataDirectory, target, queriesPath);
    if (!scale) continue;
    const configured = scale.recall.byEfSearch[0];
    if (!configured || configured.recallAt10 === 0) fail(`scale ${target}: recall@10 is 0 (the vector store finds nothing)`);
    const app = await startApp(dataDirectory);
    try {
      const search = await searchStage(app.baseUrl, questions);
      rows.push({ target, ...scale, startHealthMs: round(app.healthMilliseconds, 0), search });
    } catch (error) {
      fail(`scale ${target}: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      await app.stop();
    }
  }
  return rows;
}

/** The server's embedding counters (`/api/health` shows them to callers allowed to see details). */
async function embeddingStatistics(baseUrl: string): Promise<{ busyMilliseconds: number; inputs: { document: number }; wordPieces: number } | undefined> {
  const response = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(30_000) });
  const body = (await response.json()) as { embedding?: { statistics?: { busyMilliseconds: number; inputs: { document: number }; wordPieces: number } } };
  return body.embedding?.statistics;
}

async function indexAll(
  baseUrl: string,
  files: InputFile[],
  timeoutMs: number,
): Promise<{ ids: string[]; seconds: number; modelBusySeconds: number | null; windowsEmbedded: number | null; wordPiecesEmbedded: number | null }> {
  const before = await embeddingStatistics(baseUrl);
  const started = performance.now();
  const ids = (await Promise.all(files.map((file) => uploadFile(baseUrl, file.name, file.bytes)))).filter((id): id is string => id !== undefined);
  const documents = await waitUntilSettled(baseUrl, ids, timeoutMs);
  const seconds = (performance.now() - started) / 1000;
  for (const document of documents) if (document.status !== "ready") fail(`document ${document.name} is ${document.status} after indexing`);
  if (documents.length !== files.length) fail(`${files.length - documents.length} documents missing from the library`);
  if (documents.some((document) => document.status === "ready" && document.chunkCount === 0)) fail("a ready document has no chunks");
  const after = await embeddingStatistics(baseUrl);
  if (!before || !after) return { ids, seconds, modelBusySeconds: null, windowsEmbedded: null, wordPiecesEmbedded: null };
  return {
    ids,
    seconds,
    modelBusySeconds: (after.busyMilliseconds - before.busyMilliseconds) / 1000,
    windowsEmbedded: after.inputs.document - before.inputs.document,
    // Queries and sentences are counted too, but none run while the bench indexes.
    wordPiecesEmbedded: after.wordPieces - before.wordPieces,
  };
}

async function reindexAll(baseUrl: string, ids: string[], timeoutMs: number): Promise<number> {
  const started = performance.now();
  for (const id of ids) {
    const response = await fetch(`${baseUrl}/api/documents/${id}/reindex`, { method: "POST", signal: AbortSignal.timeout(60_000) });
    if (!response.ok) fail(`reindex ${id}: HTTP ${response.status} ${(await response.text()).slice(0, 200)}`);
    else await response.text();
  }
  // Reindex answers 202 before the work; wait until every document is settled again.
  const documents = await waitUntilSettled(baseUrl, ids, timeoutMs);
  for (const document of documents) if (document.status !== "ready") fail(`document ${document.name} is ${document.status} after re-indexing`);
  return (performance.now() - started) / 1000;
}

// ---------------------------------------------------------------------------------------------

function formatMs(value: number | null | undefined): string {
  return value === null || value === undefined ? "n/a" : `${value} ms`;
}

async function main(): Promise<number> {
  const options = parseArguments(process.argv.slice(2));
  const label = options.quick ? "quick (3 generated files)" : options.corpus;
  const machine = { cores: os.availableParallelism(), cpu: await cpuDescription(), loadAverageAtStart: os.loadavg().map((value) => round(value, 2)), node: process.version };
  console.log(`bench: ${label}; ${machine.cores} cores (${machine.cpu}), load average ${machine.loadAverageAtStart.join(" / ")}`);
  const { files, questions } = await inputs(options);
  const benchQuestions = options.quick ? questions : questions.slice(0, 50);
  const chatQuestions = options.quick ? questions.slice(0, 3) : questions.slice(0, 20);

  console.log("bench: embedding (raw worker, then the pipeline's embedder)");
  const embedding = await embeddingStage(options);

  const scales = options.scales ?? (options.quick ? QUICK_SCALES : DEFAULT_SCALES);
  console.log("bench: cold start");
  // One library for every stage: the app is restarted on it with another chat model, and grown.
  const dataDirectory = await fs.mkdtemp(path.join(os.tmpdir(), "cited-bench-"));
  let app: AppUnderTest | undefined = await startApp(dataDirectory);
  const stopOnSignal = () => void (app?.stop() ?? Promise.resolve()).then(() => fs.rm(dataDirectory, { recursive: true, force: true })).finally(() => process.exit(130));
  process.once("SIGINT", stopOnSignal);
  try {
    const firstSearchStarted = performance.now();
    const firstSearch = await timedSearch(app.baseUrl, "vacation", "hybrid");
    const coldStart = {
      healthMs: round(app.healthMilliseconds, 0),
      firstSearchMs: round(app.healthMilliseconds + (performance.now() - firstSearchStarted), 0),
      firstSearchAloneMs: round(firstSearch.milliseconds, 0),
    };

    const megabytes = files.reduce((total, file) => total + file.bytes.length, 0) / 1024 / 1024;
    const indexTimeout = options.corpus === "sec-10q" ? 3_600_000 : 1_200_000;
    console.log(`bench: indexing ${files.length} files, ${megabytes.toFixed(2)} MB`);
    const { ids, seconds, modelBusySeconds, windowsEmbedded, wordPiecesEmbedded } = await indexAll(app.baseUrl, files, indexTimeout);
    // The floor of indexing on this machine: the word-pieces embedded at the model's best raw rate.
    const bestRaw = Math.max(0, ...embedding.raw.map((row) => row.wordPiecesPerSecond ?? 0));
    const floorSeconds = wordPiecesEmbedded !== null && bestRaw > 0 ? wordPiecesEmbedded / bestRaw : null;
    const peak = app.child.pid === undefined ? null : peakRssMegabytes(app.child.pid);
    const indexing = {
      documents: files.length,
      megabytes: round(megabytes, 2),
      seconds: round(seconds),
      secondsPerMegabyte: round(seconds / megabytes, 2),
      peakRssMegabytes: peak ? round(peak.megabytes, 0) : null,
      modelBusySeconds: modelBusySeconds === null ? null : round(modelBusySeconds),
      windowsEmbedded,
      wordPiecesEmbedded,
      floorSecondsPerMegabyte: floorSeconds === null ? null : round(floorSeconds / megabytes, 2),
      // The model's busy time over the wall time of upload → ready: what the pipeline wastes around it.
      pipelineEfficiency: modelBusySeconds === null ? null : round(modelBusySeconds / seconds, 2),
    };

    console.log("bench: re-indexing the unchanged corpus");
    const reindexSeconds = await reindexAll(app.baseUrl, ids, indexTimeout);
    const reindex = { seconds: round(reindexSeconds), ratioToFirstIndexing: round(reindexSeconds / seconds, 2) };

    console.log(`bench: search (${benchQuestions.length} questions × ${SEARCH_MODES.length} modes × concurrency ${CONCURRENCIES.join(", ")})`);
    const search = await searchStage(app.baseUrl, benchQuestions);
    console.log(`bench: chat (${chatQuestions.length} extractive turns, one at a time)`);
    const chat = await chatStage(app.baseUrl, chatQuestions);
    const peakAfter = app.child.pid === undefined ? null : peakRssMegabytes(app.child.pid);
    if (peakAfter) indexing.peakRssMegabytes = round(peakAfter.megabytes, 0);
    console.log("bench: request-thread CPU per request");
    const requestCost = peakAfter ? await requestCostStage({ baseUrl: app.baseUrl, serverPid: peakAfter.pid, questions: benchQuestions, chatQuestions }) : null;
    await app.stop();
    app = undefined;

    console.log(`bench: chat (${chatQuestions.length} turns with an instantly answering OpenAI-compatible test server)`);
    const chatInstantModel = await instantModelChatStage(dataDirectory, chatQuestions, benchQuestions);

    const scale = await scaleStage(dataDirectory, scales, benchQuestions);

    const report = {
      date: new Date().toISOString(),
      corpus: options.quick ? "quick" : options.corpus,
      machine,
      embedding,
      coldStart,
      indexing,
      reindex,
      search,
      chat,
      requestCost,
      chatInstantModel,
      scale,
      failures,
    };
    printTable(report);
    const jsonPath = options.json ?? path.join(projectRoot, "bench-results", `${report.date.replace(/[:.]/g, "-")}.json`);
    await fs.mkdir(path.dirname(jsonPath), { recursive: true });
    await fs.writeFile(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`bench: wrote ${jsonPath}`);
  } finally {
    process.off("SIGINT", stopOnSignal);
    await app?.stop();
    if (options.keepData) console.log(`bench: kept the library in ${dataDirectory}`);
    else await fs.rm(dataDirectory, { recursive: true, force: true });
  }
  if (failures.length > 0) console.error(`bench: ${failures.length} failures (first: ${failures[0] ?? ""})`);
  return failures.length > 0 ? 1 : 0;
}

interface Report {
  embedding: Awaited<ReturnType<typeof embeddingStage>>;
  coldStart: { healthMs: number | null; firstSearchMs: number | null };
  indexing: {
    documents: number;
    megabytes: number | null;
    seconds: number | null;
    secondsPerMegabyte: number | null;
    peakRssMegabytes: number | null;
    modelBusySeconds: number | null;
    windowsEmbedded: number | null;
    wordPiecesEmbedded: number | null;
    floorSecondsPerMegabyte: number | null;
    pipelineEfficiency: number | null;
  };
  reindex: { seconds: number | null; ratioToFirstIndexing: number | null };
  search: Awaited<ReturnType<typeof searchStage>>;
  chat: Awaited<ReturnType<typeof chatStage>>;
  requestCost: Awaited<ReturnType<typeof requestCostStage>> | null;
  chatInstantModel: Awaited<ReturnType<typeof instantModelChatStage>>;
  scale: Awaited<ReturnType<typeof scaleStage>>;
}

function printTable(report: Report): void {
  const rows: [string, string][] = [];
  for (const row of report.embedding.raw) rows.push([`Embedding raw, batch ${row.batchSize}`, `${row.wordPiecesPerSecond ?? "n/a"} word-pieces/s`]);
  const pipeline = report.embedding.pipeline;
  rows.push([
    "Embedding as the pipeline calls it",
    pipeline ? `${pipeline.msPerChunk} ms/chunk, ${pipeline.msPerWindow} ms/window, ${pipeline.wordPiecesPerSecond} word-pieces/s (batch ${pipeline.batchSize})` : "n/a",
  ]);
  rows.push(["Pipeline ÷ best raw throughput", report.embedding.pipelineShareOfRaw === null ? "n/a" : `${Math.round(report.embedding.pipelineShareOfRaw * 100)} %`]);
  rows.push(["Cold start: health 200 / first search", `${formatMs(report.coldStart.healthMs)} / ${formatMs(report.coldStart.firstSearchMs)}`]);
  rows.push([
    "Indexing (upload → ready)",
    `${report.indexing.documents} files, ${report.indexing.megabytes} MB in ${report.indexing.seconds} s = ${report.indexing.secondsPerMegabyte} s/MB`,
  ]);
  rows.push(["Peak RSS of next-server (VmHWM)", report.indexing.peakRssMegabytes === null ? "n/a" : `${report.indexing.peakRssMegabytes} MB`]);
  rows.push([
    "Indexing floor (word-pieces ÷ best raw rate)",
    report.indexing.floorSecondsPerMegabyte === null ? "n/a" : `${report.indexing.floorSecondsPerMegabyte} s/MB (${report.indexing.wordPiecesEmbedded} word-pieces)`,
  ]);
  rows.push([
    "Pipeline efficiency (model busy ÷ wall)",
    report.indexing.pipelineEfficiency === null
      ? "n/a"
      : `${Math.round(report.indexing.pipelineEfficiency * 100)} % (model busy ${report.indexing.modelBusySeconds} s, ${report.indexing.windowsEmbedded} windows)`,
  ]);
  rows.push(["Re-indexing unchanged corpus", `${report.reindex.seconds} s = ${report.reindex.ratioToFirstIndexing} × first indexing`]);
  for (const [mode, byConcurrency] of Object.entries(report.search)) {
    for (const [concurrency, summary] of Object.entries(byConcurrency))
      rows.push([
        `Search ${mode}, concurrency ${concurrency.slice(1)} p50/p95/p99`,
        `${formatMs(summary.p50)} / ${formatMs(summary.p95)} / ${formatMs(summary.p99)} (n=${summary.count})`,
      ]);
  }
  rows.push(["Chat first source part p50/p95", `${formatMs(report.chat.firstSourceMs.p50)} / ${formatMs(report.chat.firstSourceMs.p95)} (n=${report.chat.firstSourceMs.count})`]);
  rows.push(["Chat first text-delta p50/p95", `${formatMs(report.chat.firstTextMs.p50)} / ${formatMs(report.chat.firstTextMs.p95)}`]);
  rows.push(["Chat first answer text (after the extractive note) p50/p95", `${formatMs(report.chat.firstAnswerMs.p50)} / ${formatMs(report.chat.firstAnswerMs.p95)}`]);
  const cost = report.requestCost;
  rows.push(["Request-thread CPU per request: list / search / chat", cost ? `${formatMs(cost.listDocumentsMs)} / ${formatMs(cost.searchMs)} / ${formatMs(cost.chatMs)}` : "n/a"]);
  const instant = report.chatInstantModel;
  rows.push(["Chat, instant LLM: first source p50/p95", `${formatMs(instant.firstSourceMs.p50)} / ${formatMs(instant.firstSourceMs.p95)} (n=${instant.firstSourceMs.count})`]);
  rows.push(["Chat, instant LLM: first text-delta p50/p95", `${formatMs(instant.firstTextMs.p50)} / ${formatMs(instant.firstTextMs.p95)} (n=${instant.firstTextMs.count})`]);
  for (const row of report.scale) {
    const label = `Scale ${row.chunks} chunks (${row.vectors} vectors)`;
    for (const sweep of row.recall.byEfSearch) {
      rows.push([
        `${label}: recall@10, ef_search ${sweep.efSearch}`,
        `${round(sweep.recallAt10, 3)} (min ${round(sweep.minimumRecallAt10, 2)}; top 10 of 200: ${round(sweep.recallAt10Of200, 3)}; Chroma k=200 p50 ${round(sweep.query200Ms.p50)} ms, n=${row.recall.queries})`,
      ]);
    }
    for (const [mode, byConcurrency] of Object.entries(row.search)) {
      for (const [concurrency, summary] of Object.entries(byConcurrency))
        rows.push([`${label}: search ${mode}, c${concurrency.slice(1)}`, `${formatMs(summary.p50)} / ${formatMs(summary.p95)} / ${formatMs(summary.p99)} (n=${summary.count})`]);
    }
  }
  const width = [Math.max(...rows.map((row) => row[0].length)), Math.max(...rows.map((row) => row[1].length))];
  console.log("");
  console.log(`| ${"Metric".padEnd(width[0] ?? 0)} | ${"Measured".padEnd(width[1] ?? 0)} |`);
  console.log(`|${"-".repeat((width[0] ?? 0) + 2)}|${"-".repeat((width[1] ?? 0) + 2)}|`);
  for (const [metric, measured] of rows) console.log(`| ${metric.padEnd(width[0] ?? 0)} | ${measured.padEnd(width[1] ?? 0)} |`);
  console.log("");
}

runMain(main, (error) => `bench: ${messageOf(error)}`);
