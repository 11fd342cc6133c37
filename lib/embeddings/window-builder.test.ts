import { describe, expect, it } from "vitest";
import { buildWindows } from "@/lib/embeddings/window-builder";

/** A stand-in tokenizer: one token per whitespace-separated word. */
function countWords(text: string): number {
  return text.split(/\s+/).filter((word) => word.length > 0).length;
}

/** `count` sentences "Sn w w w." of `wordsEach` words each (the label counts as a word). */
function sentences(count: number, wordsEach: number): string[] {
  return Array.from({ length: count }, (_, index) => {
    const filler = Array.from({ length: wordsEach - 1 }, (_, word) => `w${index}x${word}`);
    return `S${index} ${filler.join(" ")}.`.replace(/ \.$/, ".");
  });
}

function windowsOf(text: string, maxTokens: number, overlapTokens: number): string[] {
  return buildWindows({ text, maxTokens, overlapTokens, countTokens: countWords });
}

describe("buildWindows", () => {
  it("returns no windows for empty text", () => {
    expect(windowsOf("", 10, 2)).toEqual([]);
    expect(windowsOf("   \n ", 10, 2)).toEqual([]);
  });

  it("returns one window with all sentences when the text fits", () => {
    const text = sentences(3, 4).join(" ");
    expect(windowsOf(text, 12, 4)).toEqual([text]);
  });

  it("keeps every window within maxTokens, overlapping by whole sentences, covering all sentences", () => {
    const all = sentences(40, 5);
    const windows = windowsOf(all.join(" "), 20, 6);
    expect(windows.length).toBeGreaterThan(5);
    for (const window of windows) expect(countWords(window)).toBeLessThanOrEqual(20);

    for (const sentence of all) expect(windows.some((window) => window.includes(sentence))).toBe(true);

    for (let index = 1; index < windows.length; index += 1) {
      const previous = windows[index - 1] ?? "";
      const current = windows[index] ?? "";
      const previousSentences = all.filter((sentence) => previous.includes(sentence));
      const currentSentences = all.filter((sentence) => current.includes(sentence));
      // Windows are built from whole sentences.
      expect(previousSentences.join(" ")).toBe(previous);
      expect(currentSentences.join(" ")).toBe(current);
      // The next window starts with the last sentence of the previous one (5 words ≤ 6 of overlap)...
      const shared = currentSentences.filter((sentence) => previousSentences.includes(sentence));
      expect(shared).toEqual(previousSentences.slice(-shared.length));
      expect(shared).toHaveLength(1);
      expect(countWords(shared.join(" "))).toBeLessThanOrEqual(6);
      // ...and brings new sentences.
      expect(currentSentences.length).toBeGreaterThan(shared.length);
    }
  });

  it("does not overlap when no sentence fits in the overlap", () => {
    const all = sentences(12, 5);
    const windows = windowsOf(all.join(" "), 10, 4);
    expect(windows).toEqual(Array.from({ length: 6 }, (_, index) => `${all[2 * index]} ${all[2 * index + 1]}`));
  });

  it("always moves forward, even with an overlap as large as a window", () => {
    const all = sentences(10, 3);
    const windows = windowsOf(all.join(" "), 9, 9);
    // Windows of three sentences advancing one sentence at a time.
    expect(windows).toEqual(Array.from({ length: 8 }, (_, index) => all.slice(index, index + 3).join(" ")));
    expect(windows.at(-1)?.endsWith(all.at(-1) ?? "?")).toBe(true);
    for (const window of windows) expect(countWords(window)).toBeLessThanOrEqual(9);
  });

  it("cuts a sentence longer than a window at word boundaries", () => {
    const words = Array.from({ length: 45 }, (_, index) => `word${index}`);
    const long = `${words.join(" ")}.`;
    const text = `Short start here. ${long} Short end here.`;
    const windows = windowsOf(text, 10, 3);
    for (const window of windows) expect(countWords(window)).toBeLessThanOrEqual(10);
    const windowWords = new Set(windows.flatMap((window) => window.split(" ")));
    // Every word survives intact (no word is cut in the middle).
    for (const word of [...words.slice(0, -1), `${words.at(-1)}.`]) expect(windowWords.has(word)).toBe(true);
    for (const word of windowWords) expect(text.split(/\s+/)).toContain(word);
    expect(windows[0]?.startsWith("Short start here.")).toBe(true);
    expect(windows.at(-1)?.endsWith("Short end here.")).toBe(true);
  });

  it("measures with the tokenizer it is given", () => {
    const text = sentences(12, 4).join(" ");
    // Two tokens per word: a 16-token window holds 8 words, i.e. two sentences.
    const doubled = buildWindows({ text, maxTokens: 16, overlapTokens: 0, countTokens: (value) => 2 * countWords(value) });
    expect(doubled).toHaveLength(6);
    for (const window of doubled) expect(countWords(window)).toBe(8);
    expect(windowsOf(text, 16, 0)).toHaveLength(3);
  });
});
