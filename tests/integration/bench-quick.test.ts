import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { hasProductionBuild } from "@/tests/support/app-server";

/**
 * `scripts/bench.ts --quick` against the production build (it starts its own `next start` with a
 * throw-away DATA_DIR): three generated files through every stage, the chat again with an instantly
 * answering OpenAI-compatible test server, and the library grown to 1,000 chunks (recall@10 and
 * search there). Correctness and report shape
 * only: exit code 0 means no HTTP error, every document ready, no empty result; the numbers are
 * checked to be numbers, never against a target (speed belongs to `npm run bench`).
 */

const run = promisify(execFile);
const projectRoot = path.resolve(import.meta.dirname, "..", "..");

const reason = hasProductionBuild() ? undefined : "no production build (run `npm run build` first; `npm test` does)";
if (reason) console.log(`bench quick: skipped — ${reason}`);

interface Summary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
}

interface BenchReport {
  embedding: {
    raw: { batchSize: number; wordPiecesPerSecond: number }[];
    pipeline: { msPerChunk: number; msPerWindow: number; wordPiecesPerSecond: number };
    pipelineShareOfRaw: number;
  };
  coldStart: { healthMs: number; firstSearchMs: number };
  indexing: {
    documents: number;
    megabytes: number;
    seconds: number;
    secondsPerMegabyte: number;
    peakRssMegabytes: number;
    modelBusySeconds: number;
    windowsEmbedded: number;
    wordPiecesEmbedded: number;
    floorSecondsPerMegabyte: number;
    pipelineEfficiency: number;
  };
  reindex: { seconds: number; ratioToFirstIndexing: number };
  search: Record<string, Record<string, Summary>>;
  chat: { firstSourceMs: Summary; firstTextMs: Summary; firstAnswerMs: Summary };
  requestCost: { listDocumentsMs: number; searchMs: number; chatMs: number } | null;
  chatInstantModel: { firstSourceMs: Summary; firstTextMs: Summary; modelCalls: number };
  scale: {
    target: number;
    chunks: number;
    realChunks: number;
    syntheticChunks: number;
    vectors: number;
    recall: { queries: number; byEfSearch: { efSearch: number; recallAt10: number; recallAt10Of200: number }[] };
    search: Record<string, Record<string, Summary>>;
  }[];
  failures: string[];
}

describe.skipIf(reason !== undefined)("bench --quick (production build)", () => {
  let directory = "";

  afterAll(async () => {
    if (directory) await fs.rm(directory, { recursive: true, force: true });
  });

  it("runs every stage without a failure and reports numbers for each", { timeout: 240_000 }, async () => {
    directory = await fs.mkdtemp(path.join(os.tmpdir(), "cited-bench-quick-"));
    const reportPath = path.join(directory, "report.json");
    const tsx = path.join(projectRoot, "node_modules", "tsx", "dist", "cli.mjs");
    let output = "";
    try {
      const result = await run(process.execPath, [tsx, "--conditions=react-server", "--tsconfig", "tsconfig.json", "scripts/bench.ts", "--quick", "--json", reportPath], {
        cwd: projectRoot,
        env: { ...process.env, LOG_LEVEL: "warn" },
        maxBuffer: 16 * 1024 * 1024,
        timeout: 230_000,
      });
      output = result.stdout + result.stderr;
    } catch (error) {
      const failure = error as { code?: number; stdout?: string; stderr?: string };
      throw new Error(`bench --quick failed (exit ${String(failure.code)}):\n${failure.stdout ?? ""}${failure.stderr ?? ""}`);
    }
    const report = JSON.parse(await fs.readFile(reportPath, "utf8")) as BenchReport;
    const number = expect.any(Number) as unknown;
    const summary = { count: number, p50: number, p95: number, p99: number };

    expect(report.failures, output).toEqual([]);
    expect(report.embedding.raw.map((row) => row.batchSize)).toEqual([1, 8, 32]);
    for (const row of report.embedding.raw) expect(row.wordPiecesPerSecond).toBeGreaterThan(0);
    expect(report.embedding.pipeline).toEqual({ batchSize: 32, msPerChunk: number, msPerWindow: number, wordPiecesPerSecond: number });
    expect(report.embedding.pipelineShareOfRaw).toBeGreaterThan(0);
    expect(report.coldStart).toMatchObject({ healthMs: number, firstSearchMs: number });
    expect(report.indexing).toMatchObject({
      documents: 3,
      megabytes: number,
      seconds: number,
      secondsPerMegabyte: number,
      peakRssMegabytes: number,
      modelBusySeconds: number,
      pipelineEfficiency: number,
    });
    // The model was busy during indexing, never longer than the wall time it ran in.
    expect(report.indexing.windowsEmbedded).toBeGreaterThan(0);
    expect(report.indexing.wordPiecesEmbedded).toBeGreaterThan(report.indexing.windowsEmbedded);
    expect(report.indexing.floorSecondsPerMegabyte).toBeGreaterThan(0);
    expect(report.indexing.pipelineEfficiency).toBeGreaterThan(0);
    expect(report.indexing.pipelineEfficiency).toBeLessThanOrEqual(1);
    expect(report.reindex).toEqual({ seconds: number, ratioToFirstIndexing: number });
    for (const mode of ["vector", "keyword", "hybrid"]) {
      expect(report.search[mode], mode).toEqual({ c1: summary, c8: summary });
    }
    expect(report.chat.firstSourceMs).toEqual(summary);
    expect(report.chat.firstTextMs).toEqual(summary);
    // The quotes come after the extractive note: the first answer text is not the first text.
    expect(report.chat.firstAnswerMs).toEqual(summary);
    expect(report.chat.firstAnswerMs.p50).toBeGreaterThanOrEqual(report.chat.firstTextMs.p50);
    expect(report.chat.firstTextMs.count).toBe(3);
    // Request-thread CPU per request: every kind costs something (clock ticks are 10 ms, so a
    // sum over the requests, not each one, is measured).
    expect(report.requestCost).toEqual({ listDocumentsMs: number, searchMs: number, chatMs: number });
    expect(report.requestCost?.listDocumentsMs).toBeGreaterThan(0);
    // The same turns against the instantly answering test model: every turn with sources called it.
    expect(report.chatInstantModel.firstTextMs).toEqual(summary);
    expect(report.chatInstantModel.firstTextMs.count).toBe(3);
    expect(report.chatInstantModel.modelCalls).toBeGreaterThan(0);
    // One small scale size: synthetic chunks really reached the stores the app searches.
    expect(report.scale).toHaveLength(1);
    const [scale] = report.scale;
    expect(scale?.target).toBe(1000);
    expect(scale?.chunks).toBe(1000);
    expect(scale?.syntheticChunks).toBe(1000 - (scale?.realChunks ?? 0));
    expect(scale?.vectors).toBeGreaterThanOrEqual(1000);
    expect(scale?.recall.byEfSearch.map((row) => row.efSearch)).toEqual([400, 100, 200]);
    for (const row of scale?.recall.byEfSearch ?? []) {
      expect(row.recallAt10).toBeGreaterThan(0);
      expect(row.recallAt10).toBeLessThanOrEqual(1);
    }
    for (const mode of ["vector", "keyword", "hybrid"]) expect(scale?.search[mode], mode).toEqual({ c1: summary, c8: summary });
  });
});
