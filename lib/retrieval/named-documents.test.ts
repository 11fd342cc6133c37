import { describe, expect, it } from "vitest";
import { documentNameWords } from "@/lib/retrieval/document-names";
import { mentionsFileName, namedDocuments, namingWords, properNameRuns } from "@/lib/retrieval/named-documents";

describe("properNameRuns", () => {
  it("keeps runs of capitalised words inside a sentence, lower-cased, over spaces, hyphens and underscores", () => {
    expect(properNameRuns("How does Amazon's R&D spending compare?")).toEqual([["amazon"]]);
    expect(properNameRuns("What does the Northwind Health Plus plan cover?")).toEqual([["northwind", "health", "plus"]]);
    expect(properNameRuns("Compare the Northwind_Standard_Benefits_Details.pdf pages")).toEqual([["northwind", "standard", "benefits", "details"]]);
    expect(properNameRuns("Did Apple, Microsoft and NVIDIA report it?")).toEqual([["apple"], ["microsoft"], ["nvidia"]]);
  });

  it("takes a sentence's capitalised first word only in a longer run or when written like a name", () => {
    expect(properNameRuns("Benefits of the plan, please.")).toEqual([]);
    expect(properNameRuns("Amazon revenue?")).toEqual([]);
    expect(properNameRuns("Apple Inc revenue?")).toEqual([["apple", "inc"]]);
    expect(properNameRuns("PerksPlus limits? AAPL margins in Q3 2023.")).toEqual([["perksplus"], ["aapl"], ["q3"]]);
    expect(properNameRuns("what does my plan cover")).toEqual([]);
  });
});

describe("namedDocuments", () => {
  const nameWords = documentNameWords(
    new Map([
      ["amazon-q1", "2023 Q1 AMZN Amazon.com, Inc."],
      ["amazon-q2", "2023 Q2 AMZN Amazon.com, Inc."],
      ["apple-q1", "2023 Q1 AAPL Apple Inc."],
      ["apple-q2", "2023 Q2 AAPL Apple Inc."],
      ["perks", "PerksPlus Health and Wellness Reimbursement Program"],
      ["plus", "Northwind Health Plus Benefits Details"],
      ["standard", "Northwind Standard Benefits Details"],
      ["handbook", "Contoso Employee Handbook"],
    ]),
  );
  const named = (query: string) => [...namedDocuments({ query, nameWords })].sort();

  it("gives the name words that name only named documents, for passages elsewhere that say them", () => {
    const words = (query: string) => namingWords({ query, nameWords, named: namedDocuments({ query, nameWords }) }).sort();
    // "Northwind" names both booklets, both named: a comparison page saying "Northwind" is about them too.
    expect(words("Which of the two Northwind plans covers specialty drugs?")).toEqual(["northwind"]);
    expect(words("How did Amazon's revenue change?")).toEqual(["amazon"]);
    // "Q2" and "2023" name Apple's filings too, which the question does not name.
    expect(words("In Amazon's Q2 2023 10-Q, what changed?")).toEqual([]);
    expect(words("does my plan cover glasses?")).toEqual([]);
  });

  it("finds the documents a question names, the best-named ones only", () => {
    expect(named("How did Amazon's revenue change?")).toEqual(["amazon-q1", "amazon-q2"]);
    expect(named("In Amazon's Q2 2023 10-Q, what changed?")).toEqual(["amazon-q2"]);
    expect(named("Compare Apple and Amazon in Q1.")).toEqual(["amazon-q1", "apple-q1"]);
    expect(named("What is prior authorization in Northwind Standard?")).toEqual(["standard"]);
    expect(named("What does the PerksPlus program reimburse?")).toEqual(["perks"]);
  });

  it("names nothing from lower-case words or from a capitalised run that is mostly something else", () => {
    expect(named("how did amazon's revenue change?")).toEqual([]);
    expect(named("What does the wellness program reimburse?")).toEqual([]);
    // "Program" is a word of the perks programme's name, but the run names a plan section.
    expect(named("What does the Chronic Condition Management Program offer?")).toEqual([]);
    expect(named("What is the capital of Australia?")).toEqual([]);
  });

  it("names a document whose file name the question writes, in any case", () => {
    const fileNames = new Map([
      ["handbook", "employee_handbook.pdf"],
      ["roles", "role_library.pdf"],
      ["perks", "PerksPlus.pdf"],
    ]);
    const byFile = (query: string) => [...namedDocuments({ query, nameWords, fileNames })].sort();
    expect(byFile("what does employee_handbook.pdf say about overtime?")).toEqual(["handbook"]);
    expect(byFile("compare the employee_handbook with role_library.pdf")).toEqual(["handbook", "roles"]);
    expect(byFile("is a gym covered by perksplus.pdf?")).toEqual(["perks"]);
    // A lone word is no file name: "perksplus" without its extension is a word like any other.
    expect(byFile("is a gym covered by perksplus?")).toEqual([]);
  });
});

describe("mentionsFileName", () => {
  it("matches the whole name or a file-like stem, never a part of a longer name", () => {
    expect(mentionsFileName("see travel-policy.md.", "travel-policy.md")).toBe(true);
    expect(mentionsFileName("what does the travel-policy say?", "travel-policy.md")).toBe(true);
    expect(mentionsFileName("see old-travel-policy.md", "travel-policy.md")).toBe(false);
    expect(mentionsFileName("see travel-policy-2024.md", "travel-policy.md")).toBe(false);
    expect(mentionsFileName("what is in the report?", "report.pdf")).toBe(false);
    expect(mentionsFileName("what is in REPORT.PDF?", "report.pdf")).toBe(true);
  });
});
