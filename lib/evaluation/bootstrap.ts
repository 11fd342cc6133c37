import { createSeededRandom } from "@/lib/evaluation/seeded-random";

/**
 * 95 % bootstrap confidence intervals of evaluation figures. Every figure of the table is a mean
 * of one value per question (1/0 for a hit, a share for citation match); resampling the questions
 * with replacement and taking the 2.5th and 97.5th percentiles of the resampled means (the
 * percentile bootstrap) says how much the figure could move on other questions of the same kind.
 * A paired difference resamples the per-question differences of two runs over the same
 * questions, which is far tighter than comparing two separate intervals: both runs answer the
 * same hard and easy questions.
 */

export interface Interval {
  mean: number;
  low: number;
  high: number;
  /** How many values the mean is over. */
  count: number;
}

export const BOOTSTRAP_RESAMPLES = 2_000;
/** Fixed, so the same outcomes always print the same intervals. */
const BOOTSTRAP_SEED = 20_261_207;

/** The mean of `values` (NaN values left out) with its 95 % percentile-bootstrap interval; NaN throughout when empty. */
export function bootstrapMean(values: number[], resamples = BOOTSTRAP_RESAMPLES): Interval {
  const defined = values.filter((value) => !Number.isNaN(value));
  const count = defined.length;
  if (count === 0) return { mean: Number.NaN, low: Number.NaN, high: Number.NaN, count };
  const mean = defined.reduce((sum, value) => sum + value, 0) / count;
  const random = createSeededRandom(BOOTSTRAP_SEED);
  const means = new Float64Array(resamples);
  for (let resample = 0; resample < resamples; resample += 1) {
    let sum = 0;
    for (let draw = 0; draw < count; draw += 1) sum += defined[Math.floor(random() * count)] as number;
    means[resample] = sum / count;
  }
  means.sort();
  const at = (fraction: number) => means[Math.min(resamples - 1, Math.max(0, Math.floor(fraction * resamples)))] as number;
  return { mean, low: at(0.025), high: at(0.975), count };
}

/**
 * The mean paired difference `after − before` over the keys both maps hold (a value NaN on
 * either side is left out), with its bootstrap interval.
 */
export function pairedDifference(before: Map<string, number>, after: Map<string, number>, resamples = BOOTSTRAP_RESAMPLES): Interval {
  const differences: number[] = [];
  for (const [key, value] of after) {
    const previous = before.get(key);
    if (previous === undefined || Number.isNaN(previous) || Number.isNaN(value)) continue;
    differences.push(value - previous);
  }
  return bootstrapMean(differences, resamples);
}

/** "0.86 [0.76, 0.94]"; "n/a" without values. */
export function formatInterval(interval: Interval, digits = 2): string {
  if (Number.isNaN(interval.mean)) return "n/a";
  return `${interval.mean.toFixed(digits)} [${interval.low.toFixed(digits)}, ${interval.high.toFixed(digits)}]`;
}

/** "+0.04 [−0.02, +0.10]" for a paired difference. */
export function formatDifference(interval: Interval, digits = 2): string {
  if (Number.isNaN(interval.mean)) return "n/a";
  const signed = (value: number) => `${value > 0 ? "+" : value < 0 ? "−" : "±"}${Math.abs(value).toFixed(digits)}`;
  return `${signed(interval.mean)} [${signed(interval.low)}, ${signed(interval.high)}]`;
}
