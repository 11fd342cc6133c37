import { describe, expect, it } from "vitest";
import { countTokens, splitByTokens } from "@/lib/text/tokens";

// Each of these words is a single cl100k_base token, with or without its leading space.
const WORD_LIST = ["the", "plan", "covers", "dental", "care", "for", "all", "employees", "and", "their", "families"];

/** `count` single-token words in a fixed pseudo-random (not periodic) order. */
function wordText(count: number): string {
  let state = 12345;
  return Array.from({ length: count }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return WORD_LIST[Math.floor((state / 2147483648) * WORD_LIST.length)] ?? "the";
  }).join(" ");
}

/** Merges consecutive pieces on their longest shared suffix/prefix, recovering the original text. */
function mergeOverlapping(pieces: string[]): { text: string; overlaps: string[] } {
  let text = pieces[0] ?? "";
  const overlaps: string[] = [];
  for (const piece of pieces.slice(1)) {
    let shared = 0;
    for (let length = Math.min(text.length, piece.length); length > 0; length -= 1) {
      if (text.endsWith(piece.slice(0, length))) {
        shared = length;
        break;
      }
    }
    overlaps.push(piece.slice(0, shared));
    text += piece.slice(shared);
  }
  return { text, overlaps };
}

describe("countTokens", () => {
  it("counts cl100k_base tokens", () => {
    expect(countTokens("")).toBe(0);
    expect(countTokens("hello")).toBe(1);
    expect(countTokens("Hello, world!")).toBe(4);
    expect(countTokens(wordText(50))).toBe(50);
  });

  it("grows with the text and counts non-Latin text", () => {
    expect(countTokens(wordText(200))).toBe(4 * countTokens(wordText(50)));
    expect(countTokens("日本語の文章")).toBeGreaterThan(1);
    expect(countTokens("😀")).toBeGreaterThan(0);
  });

  it("treats special-token text as ordinary text instead of throwing", () => {
    expect(countTokens("<|endoftext|>")).toBeGreaterThan(1);
  });
});

describe("splitByTokens", () => {
  it("returns the text unchanged when it fits", () => {
    const text = wordText(40);
    expect(splitByTokens({ text, maxTokens: 40, overlapTokens: 10 })).toEqual([text]);
    expect(splitByTokens({ text: "short", maxTokens: 5, overlapTokens: 0 })).toEqual(["short"]);
  });

  it("cuts into consecutive pieces of at most maxTokens that reassemble the text", () => {
    const text = wordText(250);
    const pieces = splitByTokens({ text, maxTokens: 60, overlapTokens: 0 });
    expect(pieces).toHaveLength(5);
    for (const piece of pieces) expect(countTokens(piece)).toBeLessThanOrEqual(60);
    expect(pieces.map(countTokens)).toEqual([60, 60, 60, 60, 10]);
    expect(pieces.join("")).toBe(text);
  });

  it("overlaps consecutive pieces by overlapTokens and still covers the text", () => {
    const text = wordText(250);
    const pieces = splitByTokens({ text, maxTokens: 60, overlapTokens: 15 });
    // A step of 45 tokens: pieces start at 0, 45, 90, 135, 180 and 225 (which reaches the end).
    expect(pieces).toHaveLength(6);
    expect(pieces.map(countTokens)).toEqual([60, 60, 60, 60, 60, 25]);
    for (const piece of pieces) expect(countTokens(piece)).toBeLessThanOrEqual(60);
    const { text: merged, overlaps } = mergeOverlapping(pieces);
    expect(merged).toBe(text);
    for (const overlap of overlaps) expect(countTokens(overlap)).toBe(15);
  });

  it("always moves forward even when the overlap is not smaller than the maximum", () => {
    const text = wordText(30);
    const pieces = splitByTokens({ text, maxTokens: 10, overlapTokens: 10 });
    // Steps of one token: pieces start at tokens 0..20.
    expect(pieces).toHaveLength(21);
    expect(mergeOverlapping(pieces).text).toBe(text);
    for (const piece of pieces) expect(countTokens(piece)).toBeLessThanOrEqual(10);
  });

  it.each([
    ["CJK", "日本語の文章はとても長くて句読点がありません".repeat(20)],
    ["emoji", "😀🎉🚀🧾📄".repeat(40)],
    ["accented Latin", "Ça coûte très cher à Zürich, déjà évalué. ".repeat(20)],
  ])("never cuts a multi-byte character in two (%s)", (_name, text) => {
    for (const maxTokens of [3, 5, 7, 16, 37]) {
      const pieces = splitByTokens({ text, maxTokens, overlapTokens: 0 });
      expect(pieces.length).toBeGreaterThan(1);
      for (const piece of pieces) {
        expect(piece).not.toContain("\uFFFD");
        expect(countTokens(piece)).toBeLessThanOrEqual(maxTokens);
      }
      expect(pieces.join("").replace(/\s+/g, "")).toBe(text.replace(/\s+/g, ""));
    }
  });

  it("keeps every character when multi-byte pieces overlap", () => {
    const text = "😀🎉🚀🧾📄".repeat(40);
    const pieces = splitByTokens({ text, maxTokens: 12, overlapTokens: 4 });
    for (const piece of pieces) {
      expect(piece).not.toContain("\uFFFD");
      expect(countTokens(piece)).toBeLessThanOrEqual(12);
    }
    expect(mergeOverlapping(pieces).text).toBe(text);
  });
});
