import { describe, expect, it } from "vitest";
import { parseCsv, parseCsvRecords } from "@/lib/evaluation/csv";
import { answerFactRecall, answerWordRecall, statedNumbers } from "@/lib/evaluation/answer-recall";
import { citationMatch, citedInGoldDocuments, firstHitRank, isHit, isHitOnePageOff, summarize, type QuestionOutcome } from "@/lib/evaluation/metrics";
import { globToRegExp, parseCsvQuestions, parseJsonLinesQuestions, type EvaluationQuestion } from "@/lib/evaluation/questions";

describe("parseCsv", () => {
  it("reads quoted fields with commas, doubled quotes and line breaks, CRLF and a BOM", () => {
    const text = '\uFEFFQuestion,Source Docs,Answer\r\n"How, exactly?",*AAPL*,"Line one\nLine ""two"""\r\nPlain,*MSFT*,\n';
    expect(parseCsv(text)).toEqual([
      ["Question", "Source Docs", "Answer"],
      ["How, exactly?", "*AAPL*", 'Line one\nLine "two"'],
      ["Plain", "*MSFT*", ""],
    ]);
  });

  it("keeps an empty last field and a quote inside an unquoted field", () => {
    expect(parseCsv('a,b"c,\n""')).toEqual([["a", 'b"c', ""], [""]]);
    expect(() => parseCsv('"open')).toThrow(/quoted field/);
  });

  it("turns rows into records by header, skipping blank rows", () => {
    expect(parseCsvRecords("A,B\n1,2\n,\n3")).toEqual([
      { A: "1", B: "2" },
      { A: "3", B: "" },
    ]);
  });
});

describe("questions", () => {
  it("reads JSON Lines with page gold, document gold and unanswerable questions", () => {
    const questions = parseJsonLinesQuestions(
      [
        '{"id": "q1", "question": "Pages?", "gold": [{"file": "a.pdf", "page": 3}]}',
        '{"question": "Docs?", "gold": [{"file": "*b*"}]}',
        '{"id": "u1", "question": "Weather?", "gold": []}',
      ].join("\n"),
      "t:",
    );
    expect(questions.map(({ id, level, answerable }) => ({ id, level, answerable }))).toEqual([
      { id: "q1", level: "page", answerable: true },
      { id: "t:2", level: "document", answerable: true },
      { id: "u1", level: "page", answerable: false },
    ]);
  });

  it("reads the sec-10q CSV as document-level gold globs", () => {
    const [question] = parseCsvQuestions('Question,Source Docs\n"Apple, net sales?","*2023 Q3 AAPL*"\n');
    expect(question).toMatchObject({ question: "Apple, net sales?", level: "document", goldDocuments: ["*2023 Q3 AAPL*"], answerable: true });
    expect(globToRegExp("*2023 Q3 AAPL*").test("2023 Q3 AAPL.pdf")).toBe(true);
    expect(globToRegExp("*AAPL*").test("2023 Q3 MSFT.pdf")).toBe(false);
    expect(globToRegExp("a?c.pdf").test("abc.pdf")).toBe(true);
    expect(globToRegExp("a(1).pdf").test("a(1).pdf")).toBe(true);
  });
});

const pageQuestion: EvaluationQuestion = {
  id: "p",
  question: "?",
  level: "page",
  goldPages: [
    { file: "a.pdf", page: 3 },
    { file: "a.pdf", page: 9 },
  ],
  goldDocuments: [],
  answerable: true,
};
const location = (page: number | null, documentName = "a.pdf", pageStart = page, pageEnd = page) => ({ documentName, page, pageStart, pageEnd });

describe("metrics", () => {
  it("counts a page-level hit only on the attributed page, not on a chunk's page range", () => {
    expect(isHit(pageQuestion, location(3))).toBe(true);
    expect(isHit(pageQuestion, location(4, "a.pdf", 2, 5))).toBe(false);
    expect(isHit(pageQuestion, location(3, "b.pdf"))).toBe(false);
    expect(firstHitRank(pageQuestion, [location(1), location(2), location(9)], 10)).toBe(3);
    expect(firstHitRank(pageQuestion, [location(1), location(2), location(9)], 2)).toBe(0);
  });

  it("counts a page next to a gold page as one page off, never another document's", () => {
    expect(isHitOnePageOff(pageQuestion, location(3))).toBe(true);
    expect(isHitOnePageOff(pageQuestion, location(2))).toBe(true);
    expect(isHitOnePageOff(pageQuestion, location(10))).toBe(true);
    expect(isHitOnePageOff(pageQuestion, location(5))).toBe(false);
    expect(isHitOnePageOff(pageQuestion, location(4, "b.pdf"))).toBe(false);
    expect(isHitOnePageOff(pageQuestion, location(null))).toBe(false);
  });

  it("measures the share of cited pages that lie in a gold document, at page and document level", () => {
    expect(citedInGoldDocuments(pageQuestion, [location(3), location(3), location(7), location(2, "b.pdf")])).toBeCloseTo(2 / 3, 10);
    expect(citedInGoldDocuments(pageQuestion, [])).toBeNaN();
    const documentQuestion: EvaluationQuestion = { ...pageQuestion, level: "document", goldPages: [], goldDocuments: ["*AAPL*"] };
    expect(citedInGoldDocuments(documentQuestion, [location(1, "2023 Q3 AAPL.pdf"), location(4, "2023 Q3 NVDA.pdf")])).toBe(0.5);
  });

  it("scores citation match as the share of gold pages cited, zero above five cited pages", () => {
    expect(citationMatch(pageQuestion, [location(3), location(3), location(4)])).toBe(0.5);
    expect(citationMatch(pageQuestion, [location(3), location(9)])).toBe(1);
    expect(
      citationMatch(
        pageQuestion,
        [1, 2, 3, 4, 5, 9].map((page) => location(page)),
      ),
    ).toBe(0);
  });

  it("latency percentiles are 0 without outcomes", () => {
    expect(summarize([], 5).latencyP50).toBe(0);
    expect(summarize([], 5).latencyP95).toBe(0);
  });

  it("summarizes known outcomes into the table's numbers", () => {
    const unanswerable: EvaluationQuestion = { ...pageQuestion, id: "u", goldPages: [], answerable: false };
    const outcome = (question: EvaluationQuestion, ranked: ReturnType<typeof location>[], extra: Partial<QuestionOutcome> = {}): QuestionOutcome => ({
      question,
      ranked,
      rankedWithoutThreshold: ranked,
      cited: ranked.slice(0, 1),
      answered: ranked.length > 0,
      answerText: "",
      searchMilliseconds: 10,
      ...extra,
    });
    const summary = summarize(
      [
        outcome(pageQuestion, [location(3), location(4)]),
        outcome(pageQuestion, [location(1), location(2), location(9, "a.pdf", 8, 10)]),
        outcome(pageQuestion, [], { rankedWithoutThreshold: [location(9)], searchMilliseconds: 30 }),
        outcome(
          pageQuestion,
          [1, 2, 4, 5, 6, 9].map((page) => location(page)),
        ),
        outcome(unanswerable, []),
        outcome(unanswerable, [location(7)]),
      ],
      5,
    );
    expect(summary).toMatchObject({ level: "page", answerable: 4, unanswerable: 2 });
    expect(summary.hitAt1).toBeCloseTo(0.25, 10);
    expect(summary.hitAtK).toBeCloseTo(0.5, 10);
    expect(summary.mrrAt10).toBeCloseTo((1 + 1 / 3 + 0 + 1 / 6) / 4, 10);
    expect(summary.hitAtKWithoutThreshold).toBeCloseTo(0.75, 10);
    expect(summary.thresholdLoss).toBeCloseTo(1 / 3, 10);
    // One page off: page 2 of the second question and pages 2 and 4 of the fourth sit next to gold page 3.
    expect(summary.hitAt1OnePageOff).toBeCloseTo(0.25, 10);
    expect(summary.hitAtKOnePageOff).toBeCloseTo(0.75, 10);
    expect(summary.citationMatch).toBeCloseTo((0.5 + 0 + 0 + 0) / 4, 10);
    // Every cited page is in a.pdf, the gold file; the question that cites nothing is left out.
    expect(summary.citedInGoldDocuments).toBe(1);
    expect(summary.unanswerableRejected).toBe(0.5);
    expect(summary.answerableAnswered).toBe(0.75);
    expect(summary.pagesPerResult).toBe(1);
    // Top 5 of each answerable question: 10 results, one spanning pages 8–10.
    expect(summary.chunkPagesPerResult).toBeCloseTo(12 / 10, 10);
    expect(summary.latencyP95).toBe(30);
    // No question here gives a reference answer.
    expect(summary.answerWordRecall).toBeNaN();
    expect(summary.answersWithFacts).toBe(0);
  });

  it("measures how much of a reference answer's words and numbers an answer quotes", () => {
    const reference = "The Northwind Standard plan has a deductible of $2,000 per individual and $4,000 per family.";
    // Content words: northwind, standard, plan, deductible, 2000, individual, 4000, family.
    expect(answerWordRecall(reference, "Northwind Standard has a calendar year deductible of $2,000 for each individual.")).toBeCloseTo(5 / 8, 10);
    expect(answerWordRecall(reference, "Deductibles for families: 4000.")).toBeCloseTo(3 / 8, 10);
    expect(answerWordRecall(reference, "")).toBe(0);
    expect(answerWordRecall("What is it?", "anything")).toBeNaN();

    expect([...statedNumbers("$2,000, 20% and 3.50 in 2023; 1,5 and 7.0")]).toEqual(["2000", "20", "3.50", "2023", "1,5", "7"]);
    expect(answerFactRecall(reference, "It is $2000 a year for one person.")).toBe(0.5);
    expect(answerFactRecall(reference, "Both $4,000 and $2,000.")).toBe(1);
    expect(answerFactRecall("No numbers here.", "$2,000")).toBeNaN();
  });

  it("averages answer recall over the answerable questions that give a reference answer", () => {
    const withAnswer: EvaluationQuestion = { ...pageQuestion, id: "r", answer: "The copay is $30 per visit." };
    const base = { ranked: [], rankedWithoutThreshold: [], cited: [], searchMilliseconds: 1 };
    const summary = summarize(
      [
        { ...base, question: withAnswer, answered: true, answerText: "Each visit has a copay of $30." },
        { ...base, question: withAnswer, answered: false, answerText: "" },
        { ...base, question: pageQuestion, answered: true, answerText: "Unrelated." },
      ],
      5,
    );
    // Content words: copay, 30, visit; the first answer has all three, the second none.
    expect(summary.answerWordRecall).toBeCloseTo(0.5, 10);
    expect(summary.answerFactRecall).toBeCloseTo(0.5, 10);
    expect(summary.answersWithFacts).toBe(2);
  });
});
