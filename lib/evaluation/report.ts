import type { EvaluationSummary } from "@/lib/evaluation/metrics";

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
    ...(summary.level === "document" ? [] : ([[`hit@1 / hit@${k} one page off (diagnosis)`, `${fixed(summary.hitAt1OnePageOff)} / ${fixed(summary.hitAtKOnePageOff)}`]] as [string, string][])),
    ["pages per result", `${fixed(summary.pagesPerResult)} attributed (chunks span ${fixed(summary.chunkPagesPerResult)})`],
    ["citation match (≤ 5 cited pages)", context.chat === false ? "n/a (--skip-chat)" : `${fixed(summary.citationMatch)} (${summary.answersOverCitationLimit} answers over the limit)`],
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
  const header = `${context.corpus}: ${context.documents} documents, ${context.chunks} chunks, ${context.vectors} vectors (indexed in ${context.indexingSeconds.toFixed(0)} s); ${summary.answerable} answerable + ${summary.unanswerable} unanswerable questions; mode ${context.mode}, top-k ${k}, threshold ${context.threshold}`;
  const width = Math.max(...rows.map(([name]) => name.length));
  return [header, "", `| ${"metric".padEnd(width)} | value |`, `| ${"-".repeat(width)} | ----- |`, ...rows.map(([name, value]) => `| ${name.padEnd(width)} | ${value} |`)];
}
