/**
 * The relevance score behind SIMILARITY_THRESHOLD. A result's evidence is the cosine similarity
 * between the question and its matched passage (embedded with its document title and section)
 * plus `COVERAGE_WEIGHT` × the passage's keyword coverage (the IDF-weighted share of the
 * question's content words it contains). The evidence is mapped per model by a monotone
 * piecewise-linear function to 0–1, on which 0.7 means "relevant enough to cite". Raw cosine
 * means different things for different models, so each model has its own anchors. The
 * all-MiniLM-L6-v2 anchors are measured on both evaluation sets (docs/retrieval.md): passages
 * that answer a northwind question reach evidence 0.65–1.0, but long analytical sec-10q questions
 * reach only 0.60–0.69 on the right filing, while the best passage for a question the documents
 * do not answer stays under ~0.61 (13 of 14). The 0.7 anchor sits at 0.60: the sec-10q hits lost
 * to the threshold fall from 7.8 % to 3.1 %, and 93 % of the unanswerable questions still get no
 * sources (the target is 80 %). The score is the same in
 * every search mode: keywords may rank a passage, but relevance always includes its meaning.
 */

/** Weight of keyword coverage (0–1) added to the cosine similarity. */
export const COVERAGE_WEIGHT = 0.15;

type Anchor = readonly [similarity: number, relevance: number];

const CALIBRATIONS: Record<string, readonly Anchor[]> = {
  // Below ~0.3 passages are unrelated; answer-bearing passages start around 0.60.
  "all-MiniLM-L6-v2": [
    [0, 0],
    [0.3, 0.35],
    [0.6, 0.7],
    [0.9, 0.9],
    [1, 1],
  ],
  "text-embedding-3-small": [
    [0, 0],
    [0.15, 0.4],
    [0.3, 0.7],
    [0.6, 0.9],
    [1, 1],
  ],
  "text-embedding-3-large": [
    [0, 0],
    [0.15, 0.4],
    [0.3, 0.7],
    [0.6, 0.9],
    [1, 1],
  ],
};

const IDENTITY: readonly Anchor[] = [
  [0, 0],
  [1, 1],
];

/** The evidence a relevance score is computed from: similarity plus weighted keyword coverage. */
export function relevanceEvidence(options: { similarity: number; coverage: number }): number {
  return options.similarity + COVERAGE_WEIGHT * Math.min(1, Math.max(0, options.coverage));
}

/** Maps evidence (cosine similarity, plus coverage: `relevanceEvidence`) to the calibrated relevance score (0–1) of `model`. */
export function relevanceScore(options: { similarity: number; model: string }): number {
  const anchors = CALIBRATIONS[options.model] ?? IDENTITY;
  const similarity = Math.min(1, Math.max(0, options.similarity));
  for (let index = 1; index < anchors.length; index += 1) {
    const [x1, y1] = anchors[index] as Anchor;
    const [x0, y0] = anchors[index - 1] as Anchor;
    if (similarity <= x1) return y0 + ((similarity - x0) / (x1 - x0 || 1)) * (y1 - y0);
  }
  return 1;
}
