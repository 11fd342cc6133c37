import { bootstrapMean, formatDifference, formatInterval, pairedDifference } from "@/lib/evaluation/bootstrap";
import { PER_QUESTION_METRICS, type EvaluationSummary, type PerQuestionMetric } from "@/lib/evaluation/metrics";

/** Renders the evaluation table printed by `npm run eval`. */

export interface ReportContext {
  corpus: string;
  documents: number;
  chunks: number;
  vectors: number;
  indexingSeconds: number;
  mode: string;
  threshold: number;
  /** False when the chat path was skipped (--skip-chat): its metrics are then n/a. */
  chat?: boolean;
  /** The split the questions were taken from (all when unset). */
  split?: string;
  /** Each figure's value per question (perQuestionValues): printed with its 95 % bootstrap interval. */
  perQuestion?: Record<PerQuestionMetric, Map<string, number>>;
}

/** What each per-question figure is called in the table. */
export function metricLabel(metric: PerQuestionMetric, topK: number): string {
  const labels: Record<PerQuestionMetric, string> = {
    hitAt1: "hit@1",
    hitAtK: `hit@${topK}`,
    mrrAt10: "MRR@10",
    hitAtKWithoutThreshold: `hit@${topK} without threshold`,
    thresholdLoss: "share of those hits the threshold removed",
    citationMatch: "citation match",
    answerableAnswered: "answerable answered",
    unanswerableRejected: "unanswerable → no relevant sources",
    answerWordRecall: "answer word recall",
    answerFactRecall: "answer fact recall",
  };
  return labels[metric];
}

/** Every per-question figure with its 95 % bootstrap interval and the number of questions it is over. */
export function formatIntervals(perQuestion: Record<PerQuestionMetric, Map<string, number>>, topK: number): string[] {
  const rows = PER_QUESTION_METRICS.map((metric) => {
    const interval = bootstrapMean([...perQuestion[metric].values()]);
    return [metricLabel(metric, topK), formatInterval(interval), String(interval.count)] as const;
  });
  const width = Math.max(...rows.map(([name]) => name.length));
  return [
    `| ${"figure".padEnd(width)} | mean [95 % CI] | n |`,
    `| ${"-".repeat(width)} | -------------- | - |`,
    ...rows.map(([name, value, count]) => `| ${name.padEnd(width)} | ${value} | ${count} |`),
  ];
}

/**
 * Paired differences `after − before` over the questions both runs answered, each with its 95 %
 * bootstrap interval: an interval that excludes 0 is a change the questions show, not noise.
 */
export function formatComparison(before: Record<string, Map<string, number>>, after: Record<PerQuestionMetric, Map<string, number>>, topK: number): string[] {
  const rows = PER_QUESTION_METRICS.flatMap((metric) => {
    const previous = before[metric];
    if (!previous) return [];
    const difference = pairedDifference(previous, after[metric]);
    const beforeMean = bootstrapMean([...previous.values()]).mean;
    const afterMean = bootstrapMean([...after[metric].values()]).mean;
    // Less is better for the share of hits the threshold removes.
    const sign = metric === "thresholdLoss" ? -1 : 1;
    const improved = sign > 0 ? difference.low > 0 : difference.high < 0;
    const worsened = sign > 0 ? difference.high < 0 : difference.low > 0;
    const judgement = Number.isNaN(difference.mean) ? "" : improved ? "better" : worsened ? "worse" : "within noise";
    return [
      [
        metricLabel(metric, topK),
        Number.isNaN(beforeMean) ? "n/a" : beforeMean.toFixed(2),
        Number.isNaN(afterMean) ? "n/a" : afterMean.toFixed(2),
        formatDifference(difference),
        String(difference.count),
        judgement,
      ] as const,
    ];
  });
  const width = Math.max(...rows.map(([name]) => name.length));
  return [
    `| ${"figure".padEnd(width)} | before | after | paired difference [95 % CI] | n | |`,
    `| ${"-".repeat(width)} | ------ | ----- | --------------------------- | - | - |`,
    ...rows.map(([name, previous, next, difference, count, verdict]) => `| ${name.padEnd(width)} | ${previous} | ${next} | ${difference} | ${count} | ${verdict} |`),
  ];
}

function fixed(value: number, digits = 2): string {
  return Number.isNaN(value) ? "n/a" : value.toFixed(digits);
}

function share(value: number): string {
  return Number.isNaN(value) ? "n/a" : `${(value * 100).toFixed(1)} %`;
}

/** The table as lines of text (a Markdown table, so it pastes into docs as is). */
export function formatReport(summary: EvaluationSummary, context: ReportContext): string[] {
  const level = summary.level === "document" ? "document" : summary.level === "page" ? "page" : "page/document";
  const k = summary.topK;
  const rows: [string, string][] = [
    [`hit@1 (${level})`, fixed(summary.hitAt1)],
    [`hit@${k} (${level})`, fixed(summary.hitAtK)],
    [`MRR@10 (${level})`, fixed(summary.mrrAt10)],
    [`hit@${k} without threshold`, `${fixed(summary.hitAtKWithoutThreshold)} (threshold loss ${share(summary.thresholdLoss)})`],
    ...(summary.level === "document"
      ? []
      : ([[`hit@1 / hit@${k} one page off (diagnosis)`, `${fixed(summary.hitAt1OnePageOff)} / ${fixed(summary.hitAtKOnePageOff)}`]] as [string, string][])),
    ["pages per result", `${fixed(summary.pagesPerResult)} attributed (chunks span ${fixed(summary.chunkPagesPerResult)})`],
    [
      "citation match (≤ 5 cited pages)",
      context.chat === false ? "n/a (--skip-chat)" : `${fixed(summary.citationMatch)} (${summary.answersOverCitationLimit} answers over the limit)`,
    ],
    ["cited pages in gold documents", context.chat === false ? "n/a (--skip-chat)" : fixed(summary.citedInGoldDocuments)],
    ["answerable answered", context.chat === false ? "n/a (--skip-chat)" : share(summary.answerableAnswered)],
    ["answer word recall (reference answers)", context.chat === false ? "n/a (--skip-chat)" : fixed(summary.answerWordRecall)],
    ["answer fact recall (reference numbers)", context.chat === false ? "n/a (--skip-chat)" : `${fixed(summary.answerFactRecall)} (${summary.answersWithFacts} questions)`],
    [
      "unanswerable → no relevant sources",
      context.chat === false ? "n/a (--skip-chat)" : summary.unanswerable > 0 ? `${share(summary.unanswerableRejected)} of ${summary.unanswerable}` : "n/a (none given)",
    ],
    ["search latency p50 / p95", `${fixed(summary.latencyP50, 1)} / ${fixed(summary.latencyP95, 1)} ms`],
  ];
  const split = context.split ? ` (${context.split} split)` : "";
  const header = `${context.corpus}${split}: ${context.documents} documents, ${context.chunks} chunks, ${context.vectors} vectors (indexed in ${context.indexingSeconds.toFixed(0)} s); ${summary.answerable} answerable + ${summary.unanswerable} unanswerable questions; mode ${context.mode}, top-k ${k}, threshold ${context.threshold}`;
  const width = Math.max(...rows.map(([name]) => name.length));
  const table = [header, "", `| ${"metric".padEnd(width)} | value |`, `| ${"-".repeat(width)} | ----- |`, ...rows.map(([name, value]) => `| ${name.padEnd(width)} | ${value} |`)];
  return context.perQuestion ? [...table, "", "95 % bootstrap intervals (questions resampled):", "", ...formatIntervals(context.perQuestion, k)] : table;
}
