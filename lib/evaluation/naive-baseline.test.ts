import { describe, expect, it } from "vitest";
import { naiveChunks, splitCharacters } from "@/lib/evaluation/naive-baseline";

describe("splitCharacters", () => {
  it("cuts at whitespace into pieces of at most the size, overlapping", () => {
    const words = Array.from({ length: 600 }, (_, index) => `word${index}`).join(" ");
    const pieces = splitCharacters(words, 1_000, 200);
    expect(pieces.length).toBeGreaterThan(4);
    for (const piece of pieces) {
      expect(piece.length).toBeLessThanOrEqual(1_000);
      expect(piece).toMatch(/^word\d+( word\d+)*$/);
    }
    // Consecutive pieces share text, and together they hold every word.
    const first = pieces[0] as string;
    const second = pieces[1] as string;
    expect(first.endsWith(second.split(" ")[0] as string) || first.includes(` ${second.split(" ")[0]} `)).toBe(true);
    expect(new Set(pieces.join(" ").split(" "))).toEqual(new Set(words.split(" ")));
  });

  it("hard-cuts a run without spaces and ignores blank text", () => {
    expect(splitCharacters("x".repeat(2_500), 1_000, 200).map((piece) => piece.length)).toEqual([1_000, 1_000, 900]);
    expect(splitCharacters("  \n ")).toEqual([]);
  });
});

describe("naiveChunks", () => {
  it("never crosses a page and keeps each chunk's page", () => {
    const chunks = naiveChunks("a.pdf", {
      kind: "pdf",
      pageCount: 2,
      blocks: [
        { kind: "paragraph", text: "First page.", page: 1 },
        { kind: "paragraph", text: "Still the first page.", page: 1 },
        { kind: "paragraph", text: "Second page.", page: 2 },
      ],
    });
    expect(chunks).toEqual([
      { documentName: "a.pdf", page: 1, text: "First page. Still the first page." },
      { documentName: "a.pdf", page: 2, text: "Second page." },
    ]);
  });
});
