import { get_encoding, type Tiktoken } from "tiktoken";

/**
 * Token counting with tiktoken's `cl100k_base`, the unit of chunk sizes and of the chat's
 * context budget. One encoder per process: creating it costs ~50 ms and WASM memory.
 */

let encoder: Tiktoken | undefined;

function getEncoder(): Tiktoken {
  encoder ??= get_encoding("cl100k_base");
  return encoder;
}

/** Number of cl100k_base tokens in `text`. */
export function countTokens(text: string): number {
  if (text.length === 0) return 0;
  return getEncoder().encode_ordinary(text).length;
}

/** Splits `text` into consecutive pieces of at most `maxTokens` tokens, overlapping by `overlapTokens`. */
export function splitByTokens(options: { text: string; maxTokens: number; overlapTokens: number }): string[] {
  const encoder = getEncoder();
  const tokens = encoder.encode_ordinary(options.text);
  if (tokens.length <= options.maxTokens) return [options.text];
  const maxTokens = Math.max(1, options.maxTokens);
  const decoder = new TextDecoder("utf-8", { fatal: false });
  // A token boundary can fall inside a multi-byte character (CJK, emoji): pieces only start and
  // end where a character starts, so no character is cut in two and lost.
  const startsCharacter = (index: number): boolean => {
    const token = tokens[index];
    if (token === undefined) return true;
    const firstByte = encoder.decode_single_token_bytes(token)[0] ?? 0;
    return (firstByte & 0xc0) !== 0x80;
  };
  const pieces: string[] = [];
  let start = 0;
  while (start < tokens.length) {
    let end = Math.min(tokens.length, start + maxTokens);
    while (end > start + 1 && !startsCharacter(end)) end -= 1;
    // A single character longer than `maxTokens` tokens: keep it whole.
    while (end < tokens.length && !startsCharacter(end)) end += 1;
    const piece = decoder.decode(encoder.decode(tokens.slice(start, end)));
    if (piece.trim().length > 0) pieces.push(piece);
    if (end >= tokens.length) break;
    let next = Math.max(start + 1, end - Math.max(0, options.overlapTokens));
    while (next < end && !startsCharacter(next)) next += 1;
    start = next;
  }
  return pieces;
}
