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
});
