/**
 * The relevance score behind SIMILARITY_THRESHOLD. Raw cosine similarity means different things
 * for different models (all-MiniLM-L6-v2 rarely exceeds 0.7 even for a perfect passage, OpenAI's
 * text-embedding-3 models sit lower still), so each model gets a monotone piecewise-linear map
 * from cosine similarity to a 0–1 relevance score on which 0.7 means "relevant enough to cite".
 * The anchors are measured on the northwind evaluation set (docs/retrieval.md).
 */

type Anchor = readonly [similarity: number, relevance: number];

const CALIBRATIONS: Record<string, readonly Anchor[]> = {
  // Below ~0.2 passages are unrelated; 0.35 is where answer-bearing passages start.
  "all-MiniLM-L6-v2": [
    [0, 0],
    [0.2, 0.4],
    [0.35, 0.7],
    [0.6, 0.9],
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

/** Maps a cosine similarity to the calibrated relevance score (0–1) of `model`. */
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
