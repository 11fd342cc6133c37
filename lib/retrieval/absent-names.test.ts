import { describe, expect, it } from "vitest";
import { absentNames } from "@/lib/retrieval/absent-names";

const library = new Set(["amazon", "apple", "revenue", "northwind", "standard", "plan"]);
const absent = (query: string, correctable: (word: string) => boolean = () => false) =>
  absentNames({ query, passagesContaining: (word) => (library.has(word) ? 3 : 0), correctable });

describe("absentNames", () => {
  it("finds names the library never mentions", () => {
    expect(absent("What was Costco's revenue in fiscal 2023?")).toEqual(["costco"]);
    expect(absent("How much did PayPal and Venmo process?")).toEqual(["paypal", "venmo"]);
    // "Lay" is too short to tell from an abbreviation.
    expect(absent("What was Frito-Lay's operating profit?")).toEqual(["frito"]);
  });

  it("ignores names the library knows, plain words, a sentence's first word, acronyms and typos", () => {
    expect(absent("What was Amazon's revenue?")).toEqual([]);
    expect(absent("does the standard plan cover acupuncture?")).toEqual([]);
    expect(absent("Acupuncture: does the Northwind Standard plan pay?")).toEqual([]);
    expect(absent("Does the Standard plan help pay for IVF?")).toEqual([]);
    expect(absent("Does Northwnd Standard cover it?", (word) => word === "northwnd")).toEqual([]);
  });
});
