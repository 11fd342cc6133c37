import { get_encoding, type Tiktoken } from "tiktoken";

/**
 * Token counting with tiktoken's `cl100k_base`, the unit of chunk sizes and of the chat's
 * context budget. One encoder per process: creating one takes time and WASM memory.
 *
 * tiktoken's byte-pair merge costs the square of a pre-token's length, and a pre-token is any
 * unbroken run of letters, of spaces or of punctuation (a CJK sentence has no spaces at all):
 * one run of a million letters blocked a thread for many minutes. The encoder therefore only
 * ever sees bounded pieces of the text (`boundedPieces`), cut before a space where there is
 * one and hard otherwise. A cut inside a run can shift a count by a token, which no budget
 * relies on: every count and split goes through the same pieces.
 */

let encoder: Tiktoken | undefined;

function getEncoder(): Tiktoken {
  encoder ??= get_encoding("cl100k_base");
  return encoder;
}

/** The longest piece the encoder is given; encoding one costs about a millisecond at worst. */
export const MAXIMUM_ENCODED_PIECE = 512;

function isSpace(character: string | undefined): boolean {
  return character !== undefined && /\s/.test(character);
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * Consecutive pieces of `text`, each at most MAXIMUM_ENCODED_PIECE characters, that join to
 * `text`. A piece ends where a run of spaces starts (so " word" stays whole, as the encoder
 * would see it), else at the limit, never between the two halves of a surrogate pair.
 */
export function boundedPieces(text: string): string[] {
  if (text.length <= MAXIMUM_ENCODED_PIECE) return [text];
  const pieces: string[] = [];
  let start = 0;
  while (text.length - start > MAXIMUM_ENCODED_PIECE) {
    const limit = start + MAXIMUM_ENCODED_PIECE;
    let cut = -1;
    for (let position = limit; position > start; position -= 1) {
      if (isSpace(text[position]) && !isSpace(text[position - 1])) {
        cut = position;
        break;
      }
    }
    if (cut < 0) {
      cut = limit;
      if (isLowSurrogate(text.charCodeAt(cut))) cut -= 1;
    }
    pieces.push(text.slice(start, cut));
    start = cut;
  }
  pieces.push(text.slice(start));
  return pieces;
}

/** The tokens of `text`, encoded piece by piece (decoding them gives `text` back exactly). */
function encodeBounded(text: string): Uint32Array {
  const encoder = getEncoder();
  const pieces = boundedPieces(text);
  if (pieces.length === 1) return encoder.encode_ordinary(text);
  const encoded = pieces.map((piece) => encoder.encode_ordinary(piece));
  const tokens = new Uint32Array(encoded.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of encoded) {
    tokens.set(part, offset);
    offset += part.length;
  }
  return tokens;
}

/** Number of cl100k_base tokens in `text`. */
export function countTokens(text: string): number {
  if (text.length === 0) return 0;
  if (text.length <= MAXIMUM_ENCODED_PIECE) return getEncoder().encode_ordinary(text).length;
  let count = 0;
  for (const piece of boundedPieces(text)) count += getEncoder().encode_ordinary(piece).length;
  return count;
}

/** Splits `text` into consecutive pieces of at most `maxTokens` tokens, overlapping by `overlapTokens`. */
export function splitByTokens(options: { text: string; maxTokens: number; overlapTokens: number }): string[] {
  const encoder = getEncoder();
  const tokens = encodeBounded(options.text);
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
    let piece = decoder.decode(encoder.decode(tokens.slice(start, end)));
    // Counted on its own, a piece can come to a token or two more than its slice (the bounded
    // pieces fall elsewhere in it): shorten it until its own count fits too.
    for (let excess = countTokens(piece) - maxTokens; excess > 0 && end > start + 1; excess = countTokens(piece) - maxTokens) {
      end = Math.max(start + 1, end - excess);
      while (end > start + 1 && !startsCharacter(end)) end -= 1;
      piece = decoder.decode(encoder.decode(tokens.slice(start, end)));
    }
    if (piece.trim().length > 0) pieces.push(piece);
    if (end >= tokens.length) break;
    let next = Math.max(start + 1, end - Math.max(0, options.overlapTokens));
    while (next < end && !startsCharacter(next)) next += 1;
    start = next;
  }
  return pieces;
}
