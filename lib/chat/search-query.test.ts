import { describe, expect, it } from "vitest";
import { buildSearchQuery, looksLikeFollowUp } from "@/lib/chat/search-query";

describe("looksLikeFollowUp", () => {
  it.each([
    "and for dependents?",
    "What about Spain?",
    "How about contractors working abroad for a year?",
    "Also the managers?",
    "Does it apply to part-time staff working remotely?",
    "Is that also true for employees hired after January?",
  ])("treats %j as a follow-up", (question) => expect(looksLikeFollowUp(question)).toBe(true));

  it.each(["How many days of paid vacation do employees get per year?", "What is the daily meal allowance on business trips abroad?"])("treats %j as standalone", (question) =>
    expect(looksLikeFollowUp(question)).toBe(false),
  );

  it("treats any short question as a follow-up", () => {
    expect(looksLikeFollowUp("Dental coverage?")).toBe(true);
    expect(looksLikeFollowUp("one two three four five six")).toBe(true);
    expect(looksLikeFollowUp("seven words make a standalone question here")).toBe(false);
  });
});

describe("buildSearchQuery", () => {
  const first = "How much of the health insurance premium does the company pay?";

  it("uses a single question as is", () => {
    expect(buildSearchQuery([first])).toBe(first);
  });

  it("combines a follow-up with the earlier question, latest first", () => {
    expect(buildSearchQuery([first, "and for dependents?"])).toBe(`and for dependents?\n${first}`);
  });

  it("uses a standalone question alone even after other turns", () => {
    const standalone = "What is the daily meal allowance on business trips abroad?";
    expect(buildSearchQuery([first, standalone])).toBe(standalone);
  });

  it("adds at most two earlier turns, most recent first", () => {
    expect(
      buildSearchQuery([
        "turn one is about vacation days for staff",
        "turn two is about dental coverage for staff",
        "turn three is about sick leave rules for staff",
        "and for interns?",
      ]),
    ).toBe("and for interns?\nturn three is about sick leave rules for staff\nturn two is about dental coverage for staff");
  });

  it("ignores blank turns and trims whitespace", () => {
    expect(buildSearchQuery(["  ", `  ${first}  `, "", " and for dependents? "])).toBe(`and for dependents?\n${first}`);
    expect(buildSearchQuery([])).toBe("");
    expect(buildSearchQuery(["   "])).toBe("");
  });
});
