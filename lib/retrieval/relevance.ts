/**
 * The relevance score behind SIMILARITY_THRESHOLD. A result's evidence is the cosine similarity
 * between the question and its matched passage (embedded with its document title and section)
 * plus `COVERAGE_WEIGHT` × the passage's keyword coverage (the IDF-weighted share of the
 * question's content words it contains). The evidence is mapped per model by a monotone
 * piecewise-linear function to 0–1, on which 0.7 means "relevant enough to cite". Raw cosine
 * means different things for different models, so each model has its own anchors. The
 * all-MiniLM-L6-v2 anchor of 0.7 is the highest evidence at which no corpus's dev split loses more
 * than 5 % of its answerable hits (`npm run calibrate`): questions worded unlike the documents
 * ("will Standard pay for someone to crack my back into place?") reach far lower similarities than
 * questions that reuse the documents' words, so an anchor set on the latter drops a fifth of the
 * former. The score is the same in every search mode: keywords may rank a passage, but relevance
 * always includes its meaning.
 */

/** Weight of keyword coverage (0–1) added to the cosine similarity. */
export const COVERAGE_WEIGHT = 0.15;

type Anchor = readonly [similarity: number, relevance: number];

const CALIBRATIONS: Record<string, readonly Anchor[]> = {
  // Below ~0.2 passages are unrelated; the 0.7 anchor is calibrated on the dev splits of
  // northwind (generated and paraphrased questions), financebench and sec-10q together, with
  // unanswerable questions for each (npm run calibrate; docs/retrieval.md, *Score and threshold*).
  "all-MiniLM-L6-v2": [
    [0, 0],
    [0.2, 0.25],
    [0.41, 0.7],
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
