import { isHit, type QuestionOutcome } from "@/lib/evaluation/metrics";

/**
 * Choosing SIMILARITY_THRESHOLD from evaluation runs (`scripts/calibrate-threshold.ts`). Each run
 * (an `npm run eval -- --json` output) holds, per question, the top-k results without the
 * threshold and their relevance scores. At a threshold t:
 * - an answerable question keeps its hit when one of its top-k results is a gold location with a
 *   score ≥ t (results under t are dropped; a gold result further down that would move up is
 *   not counted, so the loss is, if anything, overstated);
 * - an unanswerable question gets "no relevant sources" when its best score is under t (the
 *   chat's answerer may refuse more, so the rejection is, if anything, understated).
 * The threshold is calibrated on the dev splits of every corpus together and checked on test.
 */

export interface CalibrationPoint {
  threshold: number;
  /** Share of the answerable questions with a hit without the threshold that lose it. */
  answerableLoss: number;
  /** Share of the unanswerable questions whose best result falls under the threshold. */
  unanswerableRejected: number;
  answerableWithHit: number;
  unanswerable: number;
}

/** The score a question's hit needs to survive (answerable), or its best score (unanswerable); undefined without a hit. */
export function decisiveScore(outcome: QuestionOutcome, topK: number): number | undefined {
  const results = outcome.rankedWithoutThreshold.slice(0, topK);
  const scores = (outcome.question.answerable ? results.filter((location) => isHit(outcome.question, location)) : results).map((location) => location.score ?? 0);
  return scores.length > 0 ? Math.max(...scores) : outcome.question.answerable ? undefined : 0;
}

/** Loss and rejection at `threshold` over the outcomes of one or more runs. */
export function calibrationPoint(outcomes: QuestionOutcome[], topK: number, threshold: number): CalibrationPoint {
  let withHit = 0;
  let lost = 0;
  let unanswerable = 0;
  let rejected = 0;
  for (const outcome of outcomes) {
    const score = decisiveScore(outcome, topK);
    if (outcome.question.answerable) {
      if (score === undefined) continue;
      withHit += 1;
      if (score < threshold) lost += 1;
    } else {
      unanswerable += 1;
      if ((score ?? 0) < threshold) rejected += 1;
    }
  }
  return {
    threshold,
    answerableLoss: withHit > 0 ? lost / withHit : Number.NaN,
    unanswerableRejected: unanswerable > 0 ? rejected / unanswerable : Number.NaN,
    answerableWithHit: withHit,
    unanswerable,
  };
}

/**
 * The highest threshold (on a 0.005 grid) at which no corpus loses more than `maximumLoss` of its
 * answerable hits: every corpus counts, so a small corpus's new phrasings are not outvoted by a
 * large one's.
 */
export function calibrateThreshold(options: { runs: { outcomes: QuestionOutcome[]; topK: number }[]; maximumLoss: number }): number {
  let best = 0;
  for (let step = 0; step <= 200; step += 1) {
    const threshold = step / 200;
    const within = options.runs.every((run) => {
      const loss = calibrationPoint(run.outcomes, run.topK, threshold).answerableLoss;
      return Number.isNaN(loss) || loss <= options.maximumLoss;
    });
    if (!within) break;
    best = threshold;
  }
  return best;
}
