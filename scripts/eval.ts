/**
 * `npm run eval -- --docs DIR --questions FILE [--questions FILE…] [--mode hybrid|vector|keyword]
 *   [--top-k 5] [--threshold 0.7] [--json out.json] [--min-hit5 0.80] [--set KEY=VALUE…]
 *   [--data-dir DIR] [--verbose] [--skip-chat] [--weights VECTOR,KEYWORD] [--split dev|test]
 *   [--compare BEFORE.json] [--baseline]`
 *
 * Indexes every document of DIR into a throw-away DATA_DIR (never the app's), with the app's own
 * services and default settings, then runs each question through the search of `/api/search` and
 * the chat's extractive answering, and prints the metrics table (lib/evaluation/metrics.ts).
 * `--set` overrides a setting (e.g. `--set CHUNK_SIZE_TOKENS=500`) to measure alternatives;
 * `--data-dir` keeps the index in a folder created by this command and reuses it next time;
 * `--skip-chat` measures ranking only (no citation or unanswerable figures); `--weights` tries
 * other fusion weights. `--split` keeps the questions of one half (lib/evaluation/split.ts: tune on
 * dev, report test); every figure is printed with its 95 % bootstrap interval, and `--compare`
 * prints the paired differences to an earlier `--json` output over the same questions.
 * `--baseline` measures the naive recipe instead (lib/evaluation/naive-baseline.ts: 1000-character
 * chunks, the configured embedding model, cosine, no threshold), for the comparisons the
 * retrieval targets are stated against.
 * Exit code 1 when hit@k is below `--min-hit5` (the CI gate), 2 on bad arguments.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseConfig } from "@/lib/config";
import { ABLATIONS, formatAblation } from "@/lib/evaluation/ablation";
import { SEARCH_TUNING_KNOBS, evaluateQuestions, type HarnessDependencies, type HarnessSettings, type SearchTuning } from "@/lib/evaluation/harness";
import { isHit, perQuestionValues, summarize, type QuestionOutcome } from "@/lib/evaluation/metrics";
import { evaluateNaiveBaseline, naiveChunks, type NaiveChunk } from "@/lib/evaluation/naive-baseline";
import { QUESTION_SPLITS, inSplit, type QuestionSplit } from "@/lib/evaluation/split";
import { loadQuestions, type EvaluationQuestion } from "@/lib/evaluation/questions";
import { formatComparison, formatReport, type ReportContext } from "@/lib/evaluation/report";
import { parseDocument } from "@/lib/ingest/parsers";
import { ingestLocalFile } from "@/lib/ingest/upload";
import { kindFromExtension } from "@/lib/ingest/validation";
import { setLogLevel } from "@/lib/logger";
import type { FusionWeights } from "@/lib/retrieval/fusion";
import type { SearchMode } from "@/lib/retrieval/search";
import { createAppServicesForConfig } from "@/lib/server/app-services";
import { runMain } from "./support/cli";

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
  split: QuestionSplit | undefined;
  compare: string | undefined;
  baseline: boolean;
  ablation: boolean;
}

class UsageError extends Error {}

/** `value` when it is one of `allowed`, else a usage error naming them. */
function oneOf<Value extends string>(name: string, value: string, allowed: readonly Value[]): Value {
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${name} must be one of ${allowed.join(", ")}.`);
  return value as Value;
}

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
    split: undefined,
    compare: undefined,
    baseline: false,
    ablation: false,
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
      case "--mode":
        result.mode = oneOf("--mode", next(), MODES);
        break;
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
        if (!name || !SEARCH_TUNING_KNOBS.includes(name as keyof SearchTuning) || !Number.isFinite(Number(value))) {
          throw new UsageError(`--tune needs one of ${SEARCH_TUNING_KNOBS.join(", ")}=N.`);
        }
        result.tuning[name] = Number(value);
        break;
      }
      case "--ablation":
        result.ablation = true;
        break;
      case "--split":
        result.split = oneOf("--split", next(), QUESTION_SPLITS);
        break;
      case "--compare":
        result.compare = next();
        break;
      case "--baseline":
        result.baseline = true;
        break;
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
  return (
    entries
      // A corpus folder's README describes the corpus; it is not one of its documents.
      .filter((entry) => entry.isFile() && kindFromExtension(entry.name) !== undefined && !/^readme\.(md|txt)$/i.test(entry.name))
      .map((entry) => path.join(entry.parentPath, entry.name))
      .sort()
  );
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
    console.error(
      `${error.message}\nusage: npm run eval -- --docs DIR --questions FILE [--split dev|test] [--mode hybrid|vector|keyword] [--top-k 5] [--json out.json] [--compare BEFORE.json] [--baseline] [--ablation] [--min-hit5 0.80]`,
    );
    return 2;
  }
  const documentsDirectory = path.resolve(options.docs);
  const files = await collectDocuments(documentsDirectory);
  if (files.length === 0) {
    console.error(`No documents (.pdf, .docx, .md, .txt) in ${documentsDirectory}.`);
    return 2;
  }
  const questions = inSplit((await Promise.all(options.questions.map((file) => loadQuestions(path.resolve(file))))).flat(), options.split);
  if (options.baseline) return runBaseline(options, files, questions);
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

    const threshold = options.threshold ?? (options.ablation ? 0 : config.search.similarityThreshold);
    if (options.ablation) return await runAblation(options, questions, { registry: services.registry, embedder: services.embedder, vectorStore }, threshold);
    const outcomes = await evaluateQuestions({
      questions,
      dependencies: { registry: services.registry, embedder: services.embedder, vectorStore },
      settings: { topK: options.topK, chatTopK: config.chat.topK, threshold, mode: options.mode, weights: options.weights, tuning: options.tuning, skipChat: options.skipChat },
      onProgress: (done, total) => {
        if (done % 25 === 0 || done === total) console.error(`  questions: ${done}/${total}`);
      },
    });
    return await report(options, outcomes, {
      corpus: path.basename(documentsDirectory),
      documents: documents.length,
      chunks: documents.reduce((sum, document) => sum + document.chunkCount, 0),
      vectors,
      indexingSeconds,
      mode: options.mode,
      threshold,
      chat: !options.skipChat,
    });
  } finally {
    await services.shutdown();
    if (temporary) await fs.rm(directory, { recursive: true, force: true });
  }
}

/** Prints the table, its intervals, the misses and the comparison; writes the JSON; applies the gate. */
async function report(options: Arguments, outcomes: QuestionOutcome[], context: Omit<ReportContext, "perQuestion" | "split">): Promise<number> {
  const summary = summarize(outcomes, options.topK);
  const perQuestion = perQuestionValues(outcomes, options.topK);
  console.log(formatReport(summary, { ...context, perQuestion, split: options.split }).join("\n"));
  if (options.verbose) {
    console.log("\nMisses (answerable, no hit in the top k) and answered unanswerable questions:");
    for (const outcome of outcomes) {
      const missed = outcome.question.answerable && !outcome.ranked.slice(0, options.topK).some((location) => isHit(outcome.question, location));
      const wronglyAnswered = !outcome.question.answerable && outcome.answered;
      if (missed || wronglyAnswered) console.log(describeMiss(outcome.question, outcome.ranked));
    }
  }
  if (options.compare) {
    const before = JSON.parse(await fs.readFile(path.resolve(options.compare), "utf8")) as { summary: { topK: number }; outcomes: QuestionOutcome[] };
    const ids = new Set(outcomes.map((outcome) => outcome.question.id));
    const shared = before.outcomes.filter((outcome) => ids.has(outcome.question.id));
    console.log(`\nCompared with ${options.compare} over the ${shared.length} questions both runs answered (after − before):\n`);
    console.log(formatComparison(perQuestionValues(shared, before.summary.topK), perQuestion, options.topK).join("\n"));
  }
  if (options.json) {
    const { chunks: _chunks, corpus: _corpus, chat: _chat, ...rest } = context;
    await fs.writeFile(path.resolve(options.json), JSON.stringify({ summary, context: { ...rest, split: options.split ?? "all", baseline: options.baseline }, outcomes }, null, 2));
  }
  if (options.minHit5 !== undefined && summary.hitAtK < options.minHit5) {
    console.error(`FAIL: hit@${options.topK} ${summary.hitAtK.toFixed(3)} is below --min-hit5 ${options.minHit5}`);
    return 1;
  }
  return 0;
}

/**
 * `--ablation`: the ranking with the defaults, then with each component turned off
 * (lib/evaluation/ablation.ts), ranking only, at threshold 0 unless `--threshold` says otherwise
 * (the threshold is calibrated after the ranking is chosen).
 */
async function runAblation(options: Arguments, allQuestions: EvaluationQuestion[], dependencies: HarnessDependencies, threshold: number): Promise<number> {
  const questions = allQuestions.filter((question) => question.answerable);
  const base: HarnessSettings = { topK: options.topK, chatTopK: options.topK, threshold, weights: options.weights, tuning: options.tuning, skipChat: true };
  const run = async (settings: HarnessSettings) => perQuestionValues(await evaluateQuestions({ questions, dependencies, settings }), options.topK);
  const full = await run(base);
  const variants = [];
  for (const ablation of ABLATIONS) {
    console.error(`  without ${ablation.name}`);
    variants.push({ name: ablation.name, values: await run({ ...base, ...ablation.settings, tuning: { ...options.tuning, ...ablation.settings.tuning } }) });
  }
  console.log(
    `${path.basename(path.resolve(options.docs))}${options.split ? ` (${options.split} split)` : ""}: ${questions.length} answerable questions, threshold ${threshold}; paired differences without each component (95 % CI):\n`,
  );
  console.log(formatAblation({ full, variants, topK: options.topK }).join("\n"));
  return 0;
}

/** `--baseline`: the naive recipe over the same files and questions (no index is kept). */
async function runBaseline(options: Arguments, files: string[], questions: EvaluationQuestion[]): Promise<number> {
  const config = parseConfig({ DATA_DIR: await fs.mkdtemp(path.join(os.tmpdir(), "cited-baseline-")), LOG_LEVEL: "warn", ...options.settings });
  setLogLevel("warn");
  const services = createAppServicesForConfig(config);
  try {
    const started = performance.now();
    const chunks: NaiveChunk[] = [];
    for (const filePath of files) {
      const kind = kindFromExtension(filePath);
      if (!kind) continue;
      const parsed = await parseDocument({ kind, bytes: await fs.readFile(filePath) });
      chunks.push(...naiveChunks(path.basename(filePath), parsed));
    }
    const outcomes = await evaluateNaiveBaseline({
      questions,
      chunks,
      embedder: services.embedder,
      topK: options.topK,
      onProgress: (done, total) => {
        if (done % 25 === 0 || done === total) console.error(`  questions: ${done}/${total}`);
      },
    });
    return await report(options, outcomes, {
      corpus: `${path.basename(path.resolve(options.docs))} (naive recipe: 1000-character chunks, cosine, no threshold)`,
      documents: files.length,
      chunks: chunks.length,
      vectors: chunks.length,
      indexingSeconds: (performance.now() - started) / 1000,
      mode: "vector",
      threshold: 0,
      chat: false,
    });
  } finally {
    await services.shutdown();
    await fs.rm(config.dataDirectory, { recursive: true, force: true });
  }
}

runMain(main, (error) => (error instanceof Error ? (error.stack ?? error.message) : error));
