import { describe, expect, it } from "vitest";
import { mergePartResults, questionParts, uncoveredWords } from "@/lib/retrieval/question-parts";

describe("questionParts", () => {
  it("splits a question that joins a second question with ', and what/how …'", () => {
    expect(
      questionParts("How does choosing an in-network provider affect the out-of-pocket costs, and what are the covered services under hospice care according to the plan?"),
    ).toEqual(["How does choosing an in-network provider affect the out-of-pocket costs", "what are the covered services under hospice care according to the plan?"]);
    expect(questionParts("How does the plan address TMJ symptoms and what are the covered services for TMJ treatment?")).toHaveLength(2);
  });

  it("splits consecutive questions", () => {
    expect(questionParts("What is the annual deductible? How much is the specialist copay?")).toEqual(["What is the annual deductible?", "How much is the specialist copay?"]);
  });

  it("keeps one question whole: 'and' between words, or a second part too short to search alone", () => {
    expect(questionParts("What are the financial responsibilities for in-network and out-of-network providers?")).toEqual([]);
    expect(questionParts("How has Apple's revenue changed, and why?")).toEqual([]);
    expect(questionParts("What is prior-authorization in Northwind Standard?")).toEqual([]);
  });
});

describe("mergePartResults", () => {
  const keys = (item: string) => item.split("+");

  it("keeps the whole question's lead, then each part's best result, then the rest", () => {
    expect(mergePartResults({ whole: ["a", "b", "c", "d", "e"], parts: [["x", "y"], ["z"]], keys, limit: 5 })).toEqual(["a", "b", "x", "z", "c"]);
  });

  it("adds nothing for a part whose best result is already listed, also as a near-duplicate's location", () => {
    expect(mergePartResults({ whole: ["a", "b", "c", "d"], parts: [["b", "x"], ["z"]], keys, limit: 4 })).toEqual(["a", "b", "z", "c"]);
    expect(mergePartResults({ whole: ["a+q", "b", "c"], parts: [["q", "r"]], keys, limit: 3 })).toEqual(["a+q", "b", "c"]);
  });

  it("honours the limit and a custom lead", () => {
    expect(mergePartResults({ whole: ["a", "b", "c"], parts: [["x"]], keys, limit: 2, lead: 1 })).toEqual(["a", "x"]);
    expect(mergePartResults({ whole: ["a", "b"], parts: [[]], keys, limit: 5 })).toEqual(["a", "b"]);
  });
});

describe("uncoveredWords", () => {
  const question = "How does the prior authorization process in Northwind Health Plus affect the coinsurance responsibilities?";
  const ignored = new Set(["northwind", "health", "plus", "benefits", "details"]);

  it("lists the question's words the text never mentions, without title words", () => {
    const text = "Prior authorization is a process in which the plan reviews a service before you receive it, and it may affect your claim.";
    expect(uncoveredWords({ question, text, ignored })).toEqual(["coinsurance", "responsibilities"]);
  });

  it("counts a word as mentioned by another form of it, and skips short words and numbers", () => {
    const text = "The prior authorization process affects your coinsurance: your responsibility is 20 %.";
    expect(uncoveredWords({ question, text, ignored })).toEqual([]);
    expect(uncoveredWords({ question: "What does the pdf say in 2023 on use of hospice?", text: "", ignored })).toEqual(["hospice"]);
  });
});
