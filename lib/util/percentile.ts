/**
 * The nearest-rank percentile of `values`: the smallest value with at least `fraction` of the
 * values at or below it (`fraction` from 0 to 1; 0 gives the minimum, 1 the maximum). Always one
 * of the values, never an interpolation between two, so a p95 is a latency that was measured.
 * Undefined for an empty list: each caller says what an empty list reads as.
 */
export function percentile(values: readonly number[], fraction: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))];
}
