import { describe, expect, it } from "vitest";
import { feedbackWords } from "@/lib/retrieval/feedback";

const FREQUENCIES = new Map([
  ["approval", 5],
  ["physician", 20],
  ["plan", 900],
  ["request", 30],
  ["northwind", 1000],
]);
const passagesContaining = (word: string) => FREQUENCIES.get(word) ?? 0;

describe("feedbackWords", () => {
  it("prefers words several feedback passages share and the library rarely holds", () => {
    const words = feedbackWords({
      passages: [
        "Your physician must request approval from the plan before the service.",
        "Approval is needed: the request goes to Northwind with the plan details.",
        "The physician sends the request.",
      ],
      query: "What is prior-authorization in Northwind Standard?",
      passagesContaining,
      totalPassages: 1000,
      limit: 3,
    });
    expect(words).toEqual(["request", "approval", "physician"]);
  });

  it("skips the question's own words, numbers, short words and words the index lacks", () => {
    const words = feedbackWords({
      passages: ["Northwind pays 80 % of the approval in 2023; ok unicorns"],
      query: "Northwind",
      passagesContaining,
      totalPassages: 1000,
    });
    expect(words).toEqual(["approval"]);
    expect(feedbackWords({ passages: [], query: "anything", passagesContaining, totalPassages: 1000 })).toEqual([]);
  });

  it("skips words in more passages than maximumPassages, and takes the next best instead", () => {
    const passages = ["The physician sends the request with the plan.", "The request and the plan details.", "A plan request for approval."];
    const options = { passages, query: "prior authorization", passagesContaining, totalPassages: 100_000, limit: 3 };
    // "plan" (900 passages) is in all three passages: it ranks second while allowed.
    expect(feedbackWords(options)).toEqual(["request", "plan", "approval"]);
    expect(feedbackWords({ ...options, maximumPassages: 899 })).toEqual(["request", "approval", "physician"]);
    expect(feedbackWords({ ...options, maximumPassages: 900 })).toEqual(["request", "plan", "approval"]);
  });
});
