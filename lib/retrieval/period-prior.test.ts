import { describe, expect, it } from "vitest";
import { periodPriors, periodsIn, requestedPeriod } from "@/lib/retrieval/period-prior";

const TITLES = new Map([
  ["aapl-22q3", "2022 Q3 AAPL"],
  ["aapl-23q1", "2023 Q1 AAPL"],
  ["intc-23q1", "10-Q - 04/27/2023 - Intel Corporation (2023 Q1 INTC)"],
  ["aapl-23q3", "2023 Q3 AAPL"],
  ["handbook", "Employee Handbook"],
]);

describe("periodsIn", () => {
  it("reads quarters written either way round, and spelled-out quarters", () => {
    expect(periodsIn("2023 Q3 AAPL")).toEqual([{ year: 2023, quarter: 3 }]);
    expect(periodsIn("What did Intel report in Q1 2023?")).toEqual([{ year: 2023, quarter: 1 }]);
    expect(periodsIn("In the first quarter of 2023, and the Q3 FY2022 report")).toEqual([
      { year: 2023, quarter: 1 },
      { year: 2022, quarter: 3 },
    ]);
    expect(periodsIn("10-Q - 10/28/2022 - Intel Corporation (2022 Q3 INTC)")).toEqual([{ year: 2022, quarter: 3 }]);
  });

  it("finds nothing in text without a quarter", () => {
    expect(periodsIn("Northwind Standard Benefits Details")).toEqual([]);
    expect(periodsIn("Q5 2023, 2023 Q0, the first quarterback")).toEqual([]);
  });
});

describe("requestedPeriod", () => {
  it("recognises named periods, named years and questions for the latest report", () => {
    expect(requestedPeriod("Apple's Q2 2023 10-Q")).toEqual({ periods: [{ year: 2023, quarter: 2 }], latest: false });
    expect(requestedPeriod("How did Apple do in fiscal 2022?")).toEqual({ periods: [{ year: 2022, quarter: null }], latest: false });
    expect(requestedPeriod("In the latest 10-Q, how did margins change?").latest).toBe(true);
    expect(requestedPeriod("What changed in the most recent quarter?").latest).toBe(true);
    expect(requestedPeriod("What does Northwind Standard cover?")).toEqual({ periods: [], latest: false });
  });
});

describe("periodPriors", () => {
  it("lifts the documents of the period a question names", () => {
    const priors = periodPriors({ query: "What did the company disclose in the first quarter of 2023?", titles: TITLES });
    expect(priors.get("aapl-23q1")).toBe(1);
    expect(priors.get("intc-23q1")).toBe(1);
    expect(priors.get("aapl-22q3")).toBe(0);
    expect(priors.has("handbook")).toBe(false);
  });

  it("lifts every quarter of a named year, and the latest period for the latest report", () => {
    const year = periodPriors({ query: "Revenue in fiscal 2023", titles: TITLES });
    expect([year.get("aapl-23q1"), year.get("aapl-23q3"), year.get("aapl-22q3")]).toEqual([1, 1, 0]);
    const latest = periodPriors({ query: "What was the gross margin in the most recent 10-Q?", titles: TITLES });
    expect([...latest].filter(([, prior]) => prior > 0).map(([id]) => id)).toEqual(["aapl-23q3"]);
  });

  it("dates a document by the single year its title names, and asks for the latest only in those words", () => {
    const titles = new Map([
      ["policy-2023", "Travel Policy 2023"],
      ["policy-2024", "Travel_Policy_FY2024"],
      ["span", "Plan 2023-2024"],
    ]);
    const year = periodPriors({ query: "What did the travel policy say in 2023?", titles });
    expect([...year]).toEqual([
      ["policy-2023", 1],
      ["policy-2024", 0],
    ]);
    expect([...periodPriors({ query: "What does the newest travel policy allow?", titles })].filter(([, prior]) => prior > 0).map(([id]) => id)).toEqual(["policy-2024"]);
    // "Last quarter" is a time the question is about, not a request for the latest document.
    expect(requestedPeriod("What did the company earn last quarter?").latest).toBe(false);
  });

  it("does nothing without a requested period or without documents that have periods", () => {
    expect(periodPriors({ query: "What is the copay?", titles: TITLES }).size).toBe(0);
    expect(
      periodPriors({
        query: "the latest report",
        titles: new Map([
          ["a", "Employee Handbook"],
          ["b", "Benefits"],
        ]),
      }).size,
    ).toBe(0);
  });
});
