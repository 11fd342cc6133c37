import { describe, expect, it } from "vitest";
import type { QuestionOutcome } from "@/lib/evaluation/metrics";
import { calibrateThreshold, calibrationPoint, decisiveScore } from "@/lib/evaluation/threshold-calibration";

function outcome(id: string, gold: { file: string; page: number }[], results: [file: string, page: number, score: number][]): QuestionOutcome {
  const ranked = results.map(([documentName, page, score]) => ({ documentName, page, pageStart: page, pageEnd: page, score }));
  return {
    question: { id, question: id, level: "page", goldPages: gold, goldDocuments: [], answerable: gold.length > 0 },
    ranked,
    rankedWithoutThreshold: ranked,
    cited: [],
    answered: true,
    answerText: "",
    searchMilliseconds: 1,
  };
}

describe("threshold calibration", () => {
  const answerable = [
    outcome(
      "a1",
      [{ file: "x.pdf", page: 1 }],
      [
        ["x.pdf", 2, 0.9],
        ["x.pdf", 1, 0.62],
      ],
    ),
    outcome("a2", [{ file: "x.pdf", page: 3 }], [["x.pdf", 3, 0.8]]),
    outcome("a3", [{ file: "x.pdf", page: 4 }], [["x.pdf", 5, 0.8]]),
  ];
  const unanswerable = [outcome("u1", [], [["x.pdf", 9, 0.58]]), outcome("u2", [], [["x.pdf", 9, 0.7]]), outcome("u3", [], [])];

  it("counts a hit by its gold result's score and an unanswerable question by its best score", () => {
    expect(decisiveScore(answerable[0] as QuestionOutcome, 5)).toBe(0.62);
    expect(decisiveScore(answerable[2] as QuestionOutcome, 5)).toBeUndefined();
    expect(decisiveScore(unanswerable[2] as QuestionOutcome, 5)).toBe(0);
    const point = calibrationPoint([...answerable, ...unanswerable], 5, 0.65);
    expect(point.answerableWithHit).toBe(2);
    expect(point.answerableLoss).toBe(0.5);
    expect(point.unanswerableRejected).toBeCloseTo(2 / 3);
  });

  it("chooses the highest threshold at which no run loses more than allowed", () => {
    const strict = calibrateThreshold({ runs: [{ outcomes: [...answerable, ...unanswerable], topK: 5 }], maximumLoss: 0 });
    expect(strict).toBe(0.62);
    // A second corpus whose hit scores lower pulls the threshold down: every run counts.
    const other = [outcome("b1", [{ file: "y.pdf", page: 1 }], [["y.pdf", 1, 0.5]])];
    expect(
      calibrateThreshold({
        runs: [
          { outcomes: answerable, topK: 5 },
          { outcomes: other, topK: 5 },
        ],
        maximumLoss: 0,
      }),
    ).toBe(0.5);
  });
});
