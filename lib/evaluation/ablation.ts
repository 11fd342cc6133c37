import { formatDifference, pairedDifference } from "@/lib/evaluation/bootstrap";
import type { HarnessSettings } from "@/lib/evaluation/harness";
import type { PerQuestionMetric } from "@/lib/evaluation/metrics";

/**
 * The ranking components `npm run eval -- --ablation` turns off one at a time. A component earns
 * its place only when removing it costs on the `test` split of at least two corpora and helps on
 * none beyond its interval (docs/retrieval.md, *What each component is worth*).
 */
export interface Ablation {
  name: string;
  /** What the variant changes against the defaults. */
  settings: Pick<HarnessSettings, "mode" | "tuning" | "weights">;
}

export const ABLATIONS: readonly Ablation[] = [
  { name: "keyword retrieval (vector only)", settings: { mode: "vector" } },
  { name: "vector retrieval (keyword only)", settings: { mode: "keyword" } },
  { name: "named-document lift", settings: { tuning: { namedWeight: 0 } } },
  { name: "date prior", settings: { tuning: { periodWeight: 0 } } },
  { name: "both document priors", settings: { tuning: { namedWeight: 0, periodWeight: 0 } } },
];

const ABLATION_METRICS: readonly PerQuestionMetric[] = ["hitAt1", "hitAtK", "mrrAt10"];

/**
 * One row per variant: the paired difference `without the component − with it` of hit@1, hit@k
 * and MRR@10, with 95 % bootstrap intervals. A negative difference is what the component is worth.
 */
export function formatAblation(options: {
  full: Record<PerQuestionMetric, Map<string, number>>;
  variants: { name: string; values: Record<PerQuestionMetric, Map<string, number>> }[];
  topK: number;
}): string[] {
  const mean = (values: Map<string, number>) => [...values.values()].reduce((sum, value) => sum + value, 0) / Math.max(1, values.size);
  const header = `| without | hit@1 Δ | hit@${options.topK} Δ | MRR@10 Δ |`;
  const full = `| (nothing: the defaults) | ${mean(options.full.hitAt1).toFixed(2)} | ${mean(options.full.hitAtK).toFixed(2)} | ${mean(options.full.mrrAt10).toFixed(2)} |`;
  const rows = options.variants.map(
    ({ name, values }) => `| ${name} | ${ABLATION_METRICS.map((metric) => formatDifference(pairedDifference(options.full[metric], values[metric]))).join(" | ")} |`,
  );
  return [header, "| --- | --- | --- | --- |", full, ...rows];
}
