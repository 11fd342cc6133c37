import { describe, expect, it } from "vitest";
import { groupNearDuplicates, jaccard, shingles, similarAtLeast } from "@/lib/retrieval/dedup";

const PLAN = "Balance billing is when a provider bills you for the difference between what they charge and what your insurance company is willing to pay for the service.";

describe("near-duplicate grouping", () => {
  it("measures word 3-shingle overlap regardless of case, punctuation and layout", () => {
    expect(jaccard(shingles(PLAN), shingles(PLAN.toUpperCase().replace(/ /g, "\n")))).toBe(1);
    expect(jaccard(shingles("one two three four"), shingles("five six seven eight"))).toBe(0);
    expect(jaccard(shingles(""), shingles(""))).toBe(0);
    expect(shingles("two words")).toEqual(new Set(["two words"]));
  });

  it("decides 'similar enough' exactly as the full Jaccard similarity does, boundaries included", () => {
    // A small deterministic generator: sets drawn from a narrow alphabet overlap at every degree.
    let seed = 7;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    const draw = (size: number, alphabet: number) => new Set(Array.from({ length: size }, () => `w${Math.floor(next() * alphabet)}`));
    let compared = 0;
    for (let round = 0; round < 3_000; round += 1) {
      const left = draw(Math.floor(next() * 12), 14);
      const right = draw(Math.floor(next() * 12), 14);
      for (const threshold of [0.5, 0.6, 0.75, 0.8, 0.9, 1]) {
        expect(similarAtLeast({ left, right, threshold }), `${[...left].join(",")} | ${[...right].join(",")} @ ${threshold}`).toBe(jaccard(left, right) >= threshold);
        compared += 1;
      }
    }
    // A pair exactly at 0.8 (4 shared of 5 distinct) and one under it (3 of 6).
    const four = new Set(["a", "b", "c", "d"]);
    expect(similarAtLeast({ left: four, right: new Set(["a", "b", "c", "d", "e"]), threshold: 0.8 })).toBe(true);
    expect(similarAtLeast({ left: four, right: new Set(["a", "b", "c", "e", "f"]), threshold: 0.8 })).toBe(false);
    expect(compared).toBe(18_000);
  });

  it("folds the same text from another document or page into the first result's group", () => {
    const items = [
      { id: "standard p7", text: `Northwind Standard: ${PLAN}` },
      { id: "plus p7", text: `Northwind Health Plus: ${PLAN}` },
      { id: "other", text: "Prior authorization is required for some services before they are provided." },
      { id: "standard p7 again", text: PLAN },
    ];
    const groups = groupNearDuplicates({ items, text: (item) => item.text, limit: 5 });
    expect(groups.map((group) => group.leader.id)).toEqual(["standard p7", "other"]);
    expect(groups[0]?.duplicates.map((item) => item.id)).toEqual(["plus p7", "standard p7 again"]);
  });

  it("does not let duplicates take top-k slots and still collects duplicates after the limit", () => {
    const items = [
      { id: "a", text: PLAN },
      { id: "a copy", text: PLAN },
      { id: "b", text: "Something else entirely about vision exams and glasses." },
      { id: "c", text: "A third passage about dental cleanings twice a year." },
      { id: "b copy", text: "Something else entirely about vision exams and glasses." },
    ];
    const groups = groupNearDuplicates({ items, text: (item) => item.text, limit: 2 });
    expect(groups.map((group) => group.leader.id)).toEqual(["a", "b"]);
    expect(groups[1]?.duplicates.map((item) => item.id)).toEqual(["b copy"]);
  });

  it("keeps different passages apart even when they share some words", () => {
    const items = [
      { id: "1", text: "In-network providers have agreed to accept the plan's payment terms for covered services." },
      { id: "2", text: "Out-of-network providers have not agreed to the plan's payment terms and may bill you more." },
    ];
    expect(groupNearDuplicates({ items, text: (item) => item.text, limit: 5 })).toHaveLength(2);
  });
});
