/**
 * `npm run bench -- [--quick] [--corpus northwind|sec-10q] [--json out.json]`
 *
 * Measures the production code paths (see docs/performance.md for how each number is produced):
 * the local embedding model (raw and as the indexer calls it), cold start of `next start`,
 * indexing a corpus through the HTTP API (seconds per MB, peak RSS of next-server), re-indexing
 * it unchanged, search latency per mode at concurrency 1 and 8, and the extractive chat's time to
 * its first source part and first text token. Prints a table and writes JSON (by default to
 * bench-results/<date>.json).
 *
 * --quick runs everything on three small generated files instead of a corpus. The exit code is 1
 * only when something is broken (an HTTP error, a document not ready, an empty result), never
 * because of a timing: timings depend on the machine.
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { loadQuestions } from "@/lib/evaluation/questions";
import { forEachStreamPart, hasProductionBuild, startProductionApp, type ProductionApp } from "./app-under-test";

const projectRoot = process.cwd();
const CORPORA: Record<string, string> = {
  northwind: path.resolve(projectRoot, "..", "shared", "corpus", "northwind"),
  "sec-10q": path.resolve(projectRoot, "..", "shared", "corpus", "sec-10q"),
};
const SEARCH_MODES = ["vector", "keyword", "hybrid"] as const;
const CONCURRENCIES = [1, 8] as const;

interface Options {
  quick: boolean;
  corpus: string;
  json: string | undefined;
}

function usage(message: string): never {
  console.error(`bench: ${message}`);
  console.error("usage: npm run bench -- [--quick] [--corpus northwind|sec-10q] [--json out.json]");
  process.exit(2);
}

function parseArguments(argv: string[]): Options {
  const options: Options = { quick: false, corpus: "northwind", json: undefined };
  for (let index = 0; index < argv.length; index += 1) {
    const key = argv[index];
    if (key === "--quick") options.quick = true;
    else if (key === "--corpus" || key === "--json") {
      const value = argv[index + 1];
      if (value === undefined || value.startsWith("--")) usage(`${key} needs a value`);
      if (key === "--corpus") {
        if (!(value in CORPORA)) usage(`unknown corpus ${value} (northwind or sec-10q)`);
        options.corpus = value;
      } else options.json = value;
      index += 1;
    } else usage(`unknown argument ${String(key)}`);
  }
  return options;
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

function percentile(values: number[], fraction: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] ?? null;
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

async function startApp(): Promise<AppUnderTest> {
  if (!hasProductionBuild(projectRoot)) usage("no production build: run `npm run build` first");
  // Short polls: the interval bounds the cold-start resolution.
  return startProductionApp({ projectRoot, dataDirectoryPrefix: "cited-bench-", pollMilliseconds: 50 });
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
  const response = await fetch(`${baseUrl}/api/search`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, mode }), signal: AbortSignal.timeout(60_000) });
  const text = await response.text();
  const milliseconds = performance.now() - started;
  if (!response.ok) {
    fail(`search (${mode}) "${query}": HTTP ${response.status} ${text.slice(0, 200)}`);
    return { milliseconds, results: 0 };
  }
  return { milliseconds, results: (JSON.parse(text) as { results?: unknown[] }).results?.length ?? 0 };
}

/** One extractive chat turn, parsed like scripts/loadtest.ts does (AI SDK UI message stream over SSE). */
async function timedChat(baseUrl: string, question: string): Promise<{ firstSource: number | undefined; firstText: number | undefined; total: number }> {
  const started = performance.now();
  const response = await fetch(`${baseUrl}/api/chat`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ messages: [{ id: `q-${Math.random().toString(36).slice(2)}`, role: "user", parts: [{ type: "text", text: question }] }] }),
    signal: AbortSignal.timeout(120_000),
  });
  if (!response.ok || !response.body) {
    fail(`chat "${question}": HTTP ${response.status} ${(await response.text()).slice(0, 200)}`);
    return { firstSource: undefined, firstText: undefined, total: performance.now() - started };
  }
  let firstSource: number | undefined;
  let firstText: number | undefined;
  await forEachStreamPart(response.body, (part) => {
    if (part.type === "data-source" && firstSource === undefined) firstSource = performance.now() - started;
    if (part.type === "text-delta" && firstText === undefined) firstText = performance.now() - started;
    if (part.type === "error") fail(`chat "${question}": stream error ${part.errorText ?? ""}`);
  });
  return { firstSource, firstText, total: performance.now() - started };
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
const QUICK_QUESTIONS = ["How many days of paid vacation do employees get?", "When do unused vacation days expire?", "How far ahead must flights be booked?", "What is the daily meal allowance abroad?", "How soon must expense reports be filed?"];

function quickMarkdown(index: number): string {
  const lines = [`# Policy edition ${index}`, ""];
  for (let section = 0; section < 3; section += 1) {
    lines.push(`## Part ${section + 1}`, "");
    for (const [paragraph, fact] of QUICK_FACTS.entries()) lines.push(`${fact.replace("{n}", String(10 + index + section + paragraph))} Paragraph ${paragraph + 1} of part ${section + 1}.`, "");
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
    return { files: [{ name: "bench-quick-1.md", bytes: encoder.encode(quickMarkdown(1)) }, { name: "bench-quick-2.md", bytes: encoder.encode(quickMarkdown(2)) }, { name: "bench-quick-3.pdf", bytes: await quickPdf(3) }], questions: QUICK_QUESTIONS };
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
      [path.join(projectRoot, "node_modules", "tsx", "dist", "cli.mjs"), "--conditions=react-server", "--tsconfig", "tsconfig.json", "scripts/bench-embedding.ts", "--mode", mode, "--count", String(count)],
      { cwd: projectRoot, env: { ...process.env, LOG_LEVEL: "warn" }, timeout: 600_000, maxBuffer: 4 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const line = stdout.trim().split("\n").reverse().find((candidate) => candidate.startsWith(`{"${mode}"`));
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
    pipeline: pipeline ? { batchSize: pipeline.batchSize, msPerChunk: round(pipeline.msPerChunk), msPerWindow: round(pipeline.msPerWindow), wordPiecesPerSecond: round(pipeline.wordPiecesPerSecond, 0) } : null,
    pipelineShareOfRaw: pipeline && bestRaw > 0 ? round(pipeline.wordPiecesPerSecond / bestRaw, 3) : null,
  };
}

function latencySummary(values: number[]) {
  return { count: values.length, p50: round(percentile(values, 0.5)), p95: round(percentile(values, 0.95)), p99: round(percentile(values, 0.99)) };
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
  const totals: number[] = [];
  await timedChat(baseUrl, questions[0] ?? "vacation");
  for (const question of questions) {
    const { firstSource, firstText, total } = await timedChat(baseUrl, question);
    totals.push(total);
    // No source part is a legitimate "not in the documents" answer; no text at all is a broken turn.
    if (firstSource !== undefined) firstSources.push(firstSource);
    if (firstText === undefined) fail(`chat "${question}": no text-delta part`);
    else firstTexts.push(firstText);
  }
  if (firstSources.length === 0) fail("chat: no turn streamed a data-source part");
  return { count: questions.length, firstSourceMs: latencySummary(firstSources), firstTextMs: latencySummary(firstTexts), totalMs: latencySummary(totals) };
}

/** The server's embedding counters (`/api/health` shows them to callers allowed to see details). */
async function embeddingStatistics(baseUrl: string): Promise<{ busyMilliseconds: number; inputs: { document: number }; wordPieces: number } | undefined> {
  const response = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(30_000) });
  const body = (await response.json()) as { embedding?: { statistics?: { busyMilliseconds: number; inputs: { document: number }; wordPieces: number } } };
  return body.embedding?.statistics;
}

async function indexAll(baseUrl: string, files: InputFile[], timeoutMs: number): Promise<{ ids: string[]; seconds: number; modelBusySeconds: number | null; windowsEmbedded: number | null; wordPiecesEmbedded: number | null }> {
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
  const machine = { cores: os.availableParallelism(), loadAverageAtStart: os.loadavg().map((value) => round(value, 2)), node: process.version };
  console.log(`bench: ${label}; ${machine.cores} cores, load average ${machine.loadAverageAtStart.join(" / ")}`);
  const { files, questions } = await inputs(options);
  const benchQuestions = options.quick ? questions : questions.slice(0, 50);
  const chatQuestions = options.quick ? questions.slice(0, 3) : questions.slice(0, 20);

  console.log("bench: embedding (raw worker, then the pipeline's embedder)");
  const embedding = await embeddingStage(options);

  console.log("bench: cold start");
  const app = await startApp();
  const stopOnSignal = () => void app.stop().finally(() => process.exit(130));
  process.once("SIGINT", stopOnSignal);
  try {
    const firstSearchStarted = performance.now();
    const firstSearch = await timedSearch(app.baseUrl, "vacation", "hybrid");
    const coldStart = { healthMs: round(app.healthMilliseconds, 0), firstSearchMs: round(app.healthMilliseconds + (performance.now() - firstSearchStarted), 0), firstSearchAloneMs: round(firstSearch.milliseconds, 0) };

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

    const report = { date: new Date().toISOString(), corpus: options.quick ? "quick" : options.corpus, machine, embedding, coldStart, indexing, reindex, search, chat, failures };
    printTable(report);
    const jsonPath = options.json ?? path.join(projectRoot, "bench-results", `${report.date.replace(/[:.]/g, "-")}.json`);
    await fs.mkdir(path.dirname(jsonPath), { recursive: true });
    await fs.writeFile(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`bench: wrote ${jsonPath}`);
  } finally {
    process.off("SIGINT", stopOnSignal);
    await app.stop();
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
}

function printTable(report: Report): void {
  const rows: [string, string][] = [];
  for (const row of report.embedding.raw) rows.push([`Embedding raw, batch ${row.batchSize}`, `${row.wordPiecesPerSecond ?? "n/a"} word-pieces/s`]);
  const pipeline = report.embedding.pipeline;
  rows.push(["Embedding as the pipeline calls it", pipeline ? `${pipeline.msPerChunk} ms/chunk, ${pipeline.msPerWindow} ms/window, ${pipeline.wordPiecesPerSecond} word-pieces/s (batch ${pipeline.batchSize})` : "n/a"]);
  rows.push(["Pipeline ÷ best raw throughput", report.embedding.pipelineShareOfRaw === null ? "n/a" : `${Math.round(report.embedding.pipelineShareOfRaw * 100)} %`]);
  rows.push(["Cold start: health 200 / first search", `${formatMs(report.coldStart.healthMs)} / ${formatMs(report.coldStart.firstSearchMs)}`]);
  rows.push(["Indexing (upload → ready)", `${report.indexing.documents} files, ${report.indexing.megabytes} MB in ${report.indexing.seconds} s = ${report.indexing.secondsPerMegabyte} s/MB`]);
  rows.push(["Peak RSS of next-server (VmHWM)", report.indexing.peakRssMegabytes === null ? "n/a" : `${report.indexing.peakRssMegabytes} MB`]);
  rows.push([
    "Indexing floor (word-pieces ÷ best raw rate)",
    report.indexing.floorSecondsPerMegabyte === null ? "n/a" : `${report.indexing.floorSecondsPerMegabyte} s/MB (${report.indexing.wordPiecesEmbedded} word-pieces)`,
  ]);
  rows.push([
    "Pipeline efficiency (model busy ÷ wall)",
    report.indexing.pipelineEfficiency === null ? "n/a" : `${Math.round(report.indexing.pipelineEfficiency * 100)} % (model busy ${report.indexing.modelBusySeconds} s, ${report.indexing.windowsEmbedded} windows)`,
  ]);
  rows.push(["Re-indexing unchanged corpus", `${report.reindex.seconds} s = ${report.reindex.ratioToFirstIndexing} × first indexing`]);
  for (const [mode, byConcurrency] of Object.entries(report.search)) {
    for (const [concurrency, summary] of Object.entries(byConcurrency)) rows.push([`Search ${mode}, concurrency ${concurrency.slice(1)} p50/p95/p99`, `${formatMs(summary.p50)} / ${formatMs(summary.p95)} / ${formatMs(summary.p99)} (n=${summary.count})`]);
  }
  rows.push(["Chat first source part p50/p95", `${formatMs(report.chat.firstSourceMs.p50)} / ${formatMs(report.chat.firstSourceMs.p95)} (n=${report.chat.firstSourceMs.count})`]);
  rows.push(["Chat first text-delta p50/p95", `${formatMs(report.chat.firstTextMs.p50)} / ${formatMs(report.chat.firstTextMs.p95)}`]);
  const width = [Math.max(...rows.map((row) => row[0].length)), Math.max(...rows.map((row) => row[1].length))];
  console.log("");
  console.log(`| ${"Metric".padEnd(width[0] ?? 0)} | ${"Measured".padEnd(width[1] ?? 0)} |`);
  console.log(`|${"-".repeat((width[0] ?? 0) + 2)}|${"-".repeat((width[1] ?? 0) + 2)}|`);
  for (const [metric, measured] of rows) console.log(`| ${metric.padEnd(width[0] ?? 0)} | ${measured.padEnd(width[1] ?? 0)} |`);
  console.log("");
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
