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

/**
 * Fuses per-candidate scores of the two retrievers (higher is better in all maps). `feedback`, the
 * scores of a pseudo-relevance-feedback keyword query (lib/retrieval/feedback.ts), shares the
 * keyword weight with the question's own keyword scores in the ratio feedbackWeight : 1.
 */
export function fuseScores(options: {
  vector: Map<string, number>;
  keyword: Map<string, number>;
  weights?: FusionWeights;
  feedback?: Map<string, number>;
  feedbackWeight?: number;
  /** Further signals added on top, each normalised by its best score (phrase matches). */
  extra?: { scores: Map<string, number>; weight: number }[];
}): Map<string, number> {
  const weights = options.weights ?? DEFAULT_FUSION_WEIGHTS;
  const feedbackShare = options.feedback && options.feedback.size > 0 ? (options.feedbackWeight ?? 0) / (1 + (options.feedbackWeight ?? 0)) : 0;
  const fused = new Map<string, number>();
  const add = (scores: Map<string, number>, weight: number) => {
    if (weight === 0 || scores.size === 0) return;
    const best = Math.max(...scores.values());
    if (!(best > 0)) return;
    for (const [key, score] of scores) fused.set(key, (fused.get(key) ?? 0) + weight * (Math.max(0, score) / best));
  };
  add(options.vector, weights.vector);
  add(options.keyword, weights.keyword * (1 - feedbackShare));
  if (options.feedback) add(options.feedback, weights.keyword * feedbackShare);
  for (const extra of options.extra ?? []) add(extra.scores, extra.weight);
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
