/**
 * `npm run eval -- --docs DIR --questions FILE [--questions FILE…] [--mode hybrid|vector|keyword]
 *   [--top-k 5] [--threshold 0.7] [--json out.json] [--min-hit5 0.80] [--set KEY=VALUE…]
 *   [--data-dir DIR] [--verbose] [--skip-chat] [--weights VECTOR,KEYWORD]`
 *
 * Indexes every document of DIR into a throw-away DATA_DIR (never the app's), with the app's own
 * services and default settings, then runs each question through the search of `/api/search` and
 * the chat's extractive answering, and prints the metrics table (lib/evaluation/metrics.ts).
 * `--set` overrides a setting (e.g. `--set CHUNK_SIZE_TOKENS=500`) to measure alternatives;
 * `--data-dir` keeps the index in a folder created by this command and reuses it next time;
 * `--skip-chat` measures ranking only (no citation or unanswerable figures); `--weights` tries
 * other fusion weights.
 * Exit code 1 when hit@k is below `--min-hit5` (the CI gate), 2 on bad arguments.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseConfig } from "@/lib/config";
import { evaluateQuestions } from "@/lib/evaluation/harness";
import { isHit, summarize } from "@/lib/evaluation/metrics";
import { loadQuestions, type EvaluationQuestion } from "@/lib/evaluation/questions";
import { formatReport } from "@/lib/evaluation/report";
import { ingestLocalFile } from "@/lib/ingest/upload";
import { kindFromExtension } from "@/lib/ingest/validation";
import { setLogLevel } from "@/lib/logger";
import type { FusionWeights } from "@/lib/retrieval/fusion";
import type { SearchMode } from "@/lib/retrieval/search";
import { createAppServicesForConfig } from "@/lib/server/app-services";

const MARKER = ".cited-eval";
const MODES: SearchMode[] = ["hybrid", "vector", "keyword"];

interface Arguments {
  docs: string;
  questions: string[];
  mode: SearchMode;
  topK: number;
  threshold: number | undefined;
  json: string | undefined;
  minHit5: number | undefined;
  settings: Record<string, string>;
  dataDirectory: string | undefined;
  verbose: boolean;
  weights: FusionWeights | undefined;
  skipChat: boolean;
  tuning: Record<string, number>;
}

class UsageError extends Error {}

function parseArguments(argv: string[]): Arguments {
  const values = argv.filter((argument) => argument !== "--");
  const result: Arguments = {
    docs: "",
    questions: [],
    mode: "hybrid",
    topK: 5,
    threshold: undefined,
    json: undefined,
    minHit5: undefined,
    settings: {},
    dataDirectory: undefined,
    verbose: false,
    weights: undefined,
    skipChat: false,
    tuning: {},
  };
  const number = (name: string, value: string | undefined, minimum: number, maximum: number): number => {
    const parsed = Number(value);
    if (value === undefined || !Number.isFinite(parsed) || parsed < minimum || parsed > maximum) {
      throw new UsageError(`${name} needs a number from ${minimum} to ${maximum}.`);
    }
    return parsed;
  };
  for (let index = 0; index < values.length; index += 1) {
    const flag = values[index] as string;
    const [name, inline] = flag.includes("=") && flag.startsWith("--") ? [flag.slice(0, flag.indexOf("=")), flag.slice(flag.indexOf("=") + 1)] : [flag, undefined];
    const next = (): string => {
      if (inline !== undefined) return inline;
      const value = values[index + 1];
      if (value === undefined) throw new UsageError(`${name} needs a value.`);
      index += 1;
      return value;
    };
    switch (name) {
      case "--docs":
        result.docs = next();
        break;
      case "--questions":
        result.questions.push(next());
        break;
      case "--mode": {
        const mode = next();
        if (!MODES.includes(mode as SearchMode)) throw new UsageError(`--mode must be one of ${MODES.join(", ")}.`);
        result.mode = mode as SearchMode;
        break;
      }
      case "--top-k":
        result.topK = Math.round(number("--top-k", next(), 1, 50));
        break;
      case "--threshold":
        result.threshold = number("--threshold", next(), 0, 1);
        break;
      case "--json":
        result.json = next();
        break;
      case "--min-hit5":
        result.minHit5 = number("--min-hit5", next(), 0, 1);
        break;
      case "--set": {
        const setting = next();
        const equals = setting.indexOf("=");
        if (equals <= 0) throw new UsageError("--set needs KEY=VALUE.");
        result.settings[setting.slice(0, equals)] = setting.slice(equals + 1);
        break;
      }
      case "--data-dir":
        result.dataDirectory = next();
        break;
      case "--weights": {
        const [vector, keyword] = next().split(",").map(Number);
        if (vector === undefined || keyword === undefined || !Number.isFinite(vector) || !Number.isFinite(keyword)) throw new UsageError("--weights needs VECTOR,KEYWORD.");
        result.weights = { vector, keyword };
        break;
      }
      case "--tune": {
        const [name, value] = next().split("=");
        if (!name || !["neighbourWeight", "titleWeight", "documentWeight", "periodWeight", "nameWeight", "feedbackWeight", "phraseWeight"].includes(name) || !Number.isFinite(Number(value))) {
          throw new UsageError("--tune needs neighbourWeight, titleWeight, documentWeight, periodWeight, nameWeight, feedbackWeight or phraseWeight=N.");
        }
        result.tuning[name] = Number(value);
        break;
      }
      case "--skip-chat":
        result.skipChat = true;
        break;
      case "--verbose":
        result.verbose = true;
        break;
      default:
        throw new UsageError(`Unknown argument ${flag}.`);
    }
  }
  if (!result.docs) throw new UsageError("--docs DIR is required.");
  if (result.questions.length === 0) throw new UsageError("--questions FILE is required.");
  return result;
}

async function collectDocuments(directory: string): Promise<string[]> {
  const entries = await fs.readdir(directory, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && kindFromExtension(entry.name) !== undefined)
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/** A kept data directory must be new or one this command created: never the app's DATA_DIR. */
async function prepareDataDirectory(requested: string | undefined): Promise<{ directory: string; temporary: boolean }> {
  if (!requested) return { directory: await fs.mkdtemp(path.join(os.tmpdir(), "cited-eval-")), temporary: true };
  const directory = path.resolve(requested);
  await fs.mkdir(directory, { recursive: true });
  const entries = await fs.readdir(directory);
  if (entries.length > 0 && !entries.includes(MARKER)) {
    throw new UsageError(`${directory} is not empty and was not created by npm run eval; refusing to use it.`);
  }
  await fs.writeFile(path.join(directory, MARKER), "Evaluation index created by npm run eval; safe to delete.\n");
  return { directory, temporary: false };
}

function describeMiss(question: EvaluationQuestion, ranked: { documentName: string; page: number | null }[]): string {
  const gold = question.level === "page" ? question.goldPages.map((item) => `${item.file}#${item.page}`).join(", ") : question.goldDocuments.join(", ");
  const got = ranked
    .slice(0, 5)
    .map((location) => `${location.documentName}#${location.page ?? "-"}`)
    .join(", ");
  return `  ${question.id}: ${question.question.slice(0, 90)}\n    gold: ${gold || "(unanswerable)"}\n    got:  ${got || "(nothing)"}`;
}

async function main(): Promise<number> {
  let options: Arguments;
  try {
    options = parseArguments(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\nusage: npm run eval -- --docs DIR --questions FILE [--mode hybrid|vector|keyword] [--top-k 5] [--json out.json] [--min-hit5 0.80]`);
    return 2;
  }
  const documentsDirectory = path.resolve(options.docs);
  const files = await collectDocuments(documentsDirectory);
  if (files.length === 0) {
    console.error(`No documents (.pdf, .docx, .md, .txt) in ${documentsDirectory}.`);
    return 2;
  }
  const questions = (await Promise.all(options.questions.map((file) => loadQuestions(path.resolve(file))))).flat();
  const { directory, temporary } = await prepareDataDirectory(options.dataDirectory);

  // Only explicit values: the evaluation never depends on the caller's environment.
  const config = parseConfig({ DATA_DIR: directory, LOG_LEVEL: "warn", INDEXING_CONCURRENCY: "1", ...options.settings });
  setLogLevel("warn");
  const services = createAppServicesForConfig(config);
  try {
    const vectorStore = await services.getVectorStore();
    const started = performance.now();
    const ids: string[] = [];
    for (const filePath of files) {
      const result = await ingestLocalFile({ filePath, services });
      if (result.status === "rejected") console.error(`  rejected ${path.basename(filePath)}: ${result.error.message}`);
      else ids.push(result.document.id);
    }
    let lastReport = 0;
    while (services.queue.size > 0) {
      await Promise.race([services.queue.whenIdle(), new Promise((resolve) => setTimeout(resolve, 5_000))]);
      if (performance.now() - lastReport > 15_000) {
        lastReport = performance.now();
        const done = ids.filter((id) => ["ready", "failed"].includes(services.registry.getDocument(id)?.status ?? "")).length;
        console.error(`  indexing: ${done}/${ids.length} documents (${((performance.now() - started) / 1000).toFixed(0)} s)`);
      }
    }
    const indexingSeconds = (performance.now() - started) / 1000;
    const documents = ids.map((id) => services.registry.getDocument(id)).filter((document) => document !== undefined);
    for (const document of documents) {
      if (document.status !== "ready") console.error(`  not indexed: ${document.name} (${document.status}: ${document.errorMessage ?? ""})`);
    }
    let vectors = 0;
    for (const document of documents) vectors += await vectorStore.countDocumentVectors(document.id);

    const threshold = options.threshold ?? config.search.similarityThreshold;
    const outcomes = await evaluateQuestions({
      questions,
      dependencies: { registry: services.registry, embedder: services.embedder, vectorStore },
      settings: { topK: options.topK, chatTopK: config.chat.topK, threshold, mode: options.mode, weights: options.weights, tuning: options.tuning, skipChat: options.skipChat },
      onProgress: (done, total) => {
        if (done % 25 === 0 || done === total) console.error(`  questions: ${done}/${total}`);
      },
    });
    const summary = summarize(outcomes, options.topK);
    const lines = formatReport(summary, {
      corpus: path.basename(documentsDirectory),
      documents: documents.length,
      chunks: documents.reduce((sum, document) => sum + document.chunkCount, 0),
      vectors,
      indexingSeconds,
      mode: options.mode,
      threshold,
      chat: !options.skipChat,
    });
    console.log(lines.join("\n"));
    if (options.verbose) {
      console.log("\nMisses (answerable, no hit in the top k) and answered unanswerable questions:");
      for (const outcome of outcomes) {
        const missed = outcome.question.answerable && !outcome.ranked.slice(0, options.topK).some((location) => isHit(outcome.question, location));
        const wronglyAnswered = !outcome.question.answerable && outcome.answered;
        if (missed || wronglyAnswered) console.log(describeMiss(outcome.question, outcome.ranked));
      }
    }
    if (options.json) {
      await fs.writeFile(
        path.resolve(options.json),
        JSON.stringify({ summary, context: { documents: documents.length, indexingSeconds, mode: options.mode, threshold, vectors }, outcomes }, null, 2),
      );
    }
    if (options.minHit5 !== undefined && summary.hitAtK < options.minHit5) {
      console.error(`FAIL: hit@${options.topK} ${summary.hitAtK.toFixed(3)} is below --min-hit5 ${options.minHit5}`);
      return 1;
    }
    return 0;
  } finally {
    await services.shutdown();
    if (temporary) await fs.rm(directory, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
