/**
 * `npm run calibrate -- --run dev-northwind.json --run dev-financebench.json … [--max-loss 0.03]
 *   [--model all-MiniLM-L6-v2]`
 *
 * Reads evaluation runs (`npm run eval -- --split dev --json FILE`, each over answerable and
 * unanswerable questions) and prints, per run and for a sweep of thresholds, the share of
 * answerable hits the threshold would remove and the share of unanswerable questions it would
 * answer with "no relevant sources" (lib/evaluation/threshold-calibration.ts); then the highest
 * threshold at which no run loses more than `--max-loss`, and the evidence (cosine + coverage)
 * that threshold stands for under `--model`'s current calibration, which is where the model's
 * 0.7 anchor belongs (lib/retrieval/relevance.ts). Check the result on the test splits.
 */
import fs from "node:fs/promises";
import path from "node:path";
import type { QuestionOutcome } from "@/lib/evaluation/metrics";
import { calibrateThreshold, calibrationPoint } from "@/lib/evaluation/threshold-calibration";
import { relevanceScore } from "@/lib/retrieval/relevance";

interface Run {
  name: string;
  topK: number;
  outcomes: QuestionOutcome[];
}

function parseArguments(argv: string[]): { runs: string[]; maximumLoss: number; model: string } {
  const values = argv.filter((argument) => argument !== "--");
  const result = { runs: [] as string[], maximumLoss: 0.03, model: "all-MiniLM-L6-v2" };
  for (let index = 0; index < values.length; index += 1) {
    const flag = values[index];
    const value = values[index + 1];
    if (value === undefined) throw new Error(`${flag} needs a value.`);
    index += 1;
    if (flag === "--run") result.runs.push(value);
    else if (flag === "--max-loss") result.maximumLoss = Number(value);
    else if (flag === "--model") result.model = value;
    else throw new Error(`Unknown argument ${flag}.`);
  }
  if (result.runs.length === 0 || !(result.maximumLoss >= 0 && result.maximumLoss < 1)) {
    throw new Error("usage: npm run calibrate -- --run FILE [--run FILE…] [--max-loss 0.03] [--model all-MiniLM-L6-v2]");
  }
  return result;
}

/** The evidence whose relevance under `model` is `relevance` (the calibration is monotone). */
function evidenceFor(relevance: number, model: string): number {
  let low = 0;
  let high = 1;
  for (let step = 0; step < 40; step += 1) {
    const middle = (low + high) / 2;
    if (relevanceScore({ similarity: middle, model }) < relevance) low = middle;
    else high = middle;
  }
  return high;
}

const share = (value: number) => (Number.isNaN(value) ? "  n/a" : `${(value * 100).toFixed(0).padStart(4)}%`);

async function main(): Promise<void> {
  const options = parseArguments(process.argv.slice(2));
  const runs: Run[] = [];
  for (const file of options.runs) {
    const data = JSON.parse(await fs.readFile(path.resolve(file), "utf8")) as { summary: { topK: number }; outcomes: QuestionOutcome[] };
    runs.push({ name: path.basename(file, ".json"), topK: data.summary.topK, outcomes: data.outcomes });
  }
  const all = runs.flatMap((run) => run.outcomes);
  const topK = runs[0]?.topK ?? 5;
  console.log(`threshold | ${runs.map((run) => `${run.name}: loss / rejected`).join(" | ")} | all: loss / rejected`);
  for (let step = 40; step <= 80; step += 2) {
    const threshold = step / 100;
    const cells = runs.map((run) => {
      const point = calibrationPoint(run.outcomes, run.topK, threshold);
      return `${share(point.answerableLoss)} / ${share(point.unanswerableRejected)}`;
    });
    const pooled = calibrationPoint(all, topK, threshold);
    console.log(`${threshold.toFixed(2)} | ${cells.join(" | ")} | ${share(pooled.answerableLoss)} / ${share(pooled.unanswerableRejected)}`);
  }
  const chosen = calibrateThreshold({ runs, maximumLoss: options.maximumLoss });
  const pooled = calibrationPoint(all, topK, chosen);
  console.log(
    `\nHighest threshold with every run's loss ≤ ${(options.maximumLoss * 100).toFixed(0)} %: ${chosen.toFixed(3)} ` +
      `(all runs: loss ${share(pooled.answerableLoss).trim()}, unanswerable rejected ${share(pooled.unanswerableRejected).trim()}); ` +
      `under ${options.model}'s current calibration that is evidence ${evidenceFor(chosen, options.model).toFixed(3)}, where its 0.7 anchor belongs.`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
