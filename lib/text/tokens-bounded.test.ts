import type * as Tiktoken from "tiktoken";
import { describe, expect, it, vi } from "vitest";
import { unbrokenLetters } from "@/tests/support/hostile-text";

/**
 * tiktoken's merge costs the square of an unbroken run's length (issue 16): whatever the text,
 * the encoder is only ever handed bounded pieces. The encoder is wrapped to record the longest
 * input it was given, so the test measures what was asked of it, not how long it took.
 */

const longestInput = vi.hoisted(() => ({ value: 0 }));

vi.mock("tiktoken", async (importOriginal) => {
  const original = await importOriginal<typeof Tiktoken>();
  return {
    ...original,
    get_encoding: (name: Parameters<typeof original.get_encoding>[0]) => {
      const encoder = original.get_encoding(name);
      const encodeOrdinary = encoder.encode_ordinary.bind(encoder);
      encoder.encode_ordinary = (text: string) => {
        longestInput.value = Math.max(longestInput.value, text.length);
        return encodeOrdinary(text);
      };
      return encoder;
    },
  };
});

const { boundedPieces, countTokens, MAXIMUM_ENCODED_PIECE, splitByTokens } = await import("@/lib/text/tokens");
const { chunkBlocks } = await import("@/lib/ingest/chunker");

describe("bounded token counting", () => {
  it("never hands the encoder a run longer than the bound: letters, spaces, punctuation, CJK", () => {
    for (const text of [unbrokenLetters(200_000), " ".repeat(50_000), "!".repeat(50_000), "漢字".repeat(25_000)]) {
      longestInput.value = 0;
      expect(countTokens(text)).toBeGreaterThan(0);
      expect(longestInput.value).toBeLessThanOrEqual(MAXIMUM_ENCODED_PIECE);
    }
  });

  it("chunks a one-line file of letters with bounded encoder inputs, losing no letter", () => {
    const text = unbrokenLetters(100_000);
    longestInput.value = 0;
    const chunks = chunkBlocks({ blocks: [{ kind: "paragraph", text }], sizeTokens: 1000, overlapTokens: 0 });
    expect(longestInput.value).toBeLessThanOrEqual(MAXIMUM_ENCODED_PIECE);
    expect(chunks.map((chunk) => chunk.text).join("")).toBe(text);
    for (const chunk of chunks) expect(chunk.tokenCount).toBeLessThanOrEqual(1000);
  });

  it("splits by tokens with bounded encoder inputs and gives back every character", () => {
    const text = "漢字かな".repeat(5_000);
    longestInput.value = 0;
    const pieces = splitByTokens({ text, maxTokens: 300, overlapTokens: 0 });
    expect(longestInput.value).toBeLessThanOrEqual(MAXIMUM_ENCODED_PIECE);
    expect(pieces.join("")).toBe(text);
  });

  it("cuts prose before a space, so ordinary text counts as it did whole", async () => {
    const prose = Array.from({ length: 400 }, (_, index) => `Sentence ${index} covers dental care abroad.`).join(" ");
    const pieces = boundedPieces(prose);
    expect(pieces.join("")).toBe(prose);
    for (const piece of pieces.slice(1)) expect(piece.startsWith(" ")).toBe(true);
    const actual = await vi.importActual<typeof Tiktoken>("tiktoken");
    expect(countTokens(prose)).toBe(actual.get_encoding("cl100k_base").encode_ordinary(prose).length);
  });

  it("never cuts a surrogate pair in two", () => {
    const text = "😀".repeat(2_000);
    for (const piece of boundedPieces(text)) expect(piece.length % 2).toBe(0);
  });
});
