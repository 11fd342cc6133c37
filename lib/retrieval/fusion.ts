/**
 * Score fusion of the two retrievers. Each retriever's scores are divided by its best score for
 * the query (cosine similarity for vectors, −bm25 for keywords), so both lie in [0, 1] with the
 * best candidate at 1, and the fused score is their weighted sum. A candidate found by only one
 * retriever gets 0 from the other. Weighted scores beat reciprocal-rank fusion on the northwind
 * evaluation (docs/retrieval.md): ranks throw away how much better the best passage is.
 */

export interface FusionWeights {
  vector: number;
  keyword: number;
}

/** Measured on northwind (docs/retrieval.md). */
export const DEFAULT_FUSION_WEIGHTS: FusionWeights = { vector: 0.7, keyword: 0.3 };

/** Fuses per-candidate scores of the two retrievers (higher is better in both maps). */
export function fuseScores(options: { vector: Map<string, number>; keyword: Map<string, number>; weights?: FusionWeights }): Map<string, number> {
  const weights = options.weights ?? DEFAULT_FUSION_WEIGHTS;
  const fused = new Map<string, number>();
  const add = (scores: Map<string, number>, weight: number) => {
    if (weight === 0 || scores.size === 0) return;
    const best = Math.max(...scores.values());
    if (!(best > 0)) return;
    for (const [key, score] of scores) fused.set(key, (fused.get(key) ?? 0) + weight * (Math.max(0, score) / best));
  };
  add(options.vector, weights.vector);
  add(options.keyword, weights.keyword);
  return fused;
}

/** Reciprocal-rank fusion (kept for comparison in the evaluation): Σ weight / (k + rank). */
export function reciprocalRankFusion(options: { rankings: { keys: string[]; weight: number }[]; k?: number }): Map<string, number> {
  const k = options.k ?? 60;
  const fused = new Map<string, number>();
  for (const ranking of options.rankings) {
    ranking.keys.forEach((key, index) => fused.set(key, (fused.get(key) ?? 0) + ranking.weight / (k + index + 1)));
  }
  return fused;
}
