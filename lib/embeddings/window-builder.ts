import { splitSentences } from "@/lib/text/sentences";

/**
 * Packs a text into overlapping windows of whole sentences that each fit a model's input
 * limit (measured with the model's own tokenizer). Sentences longer than a window are cut at
 * word boundaries. Used for models such as all-MiniLM-L6-v2, which lose meaning past 256
 * word-pieces: a 1000-token chunk becomes several windows that all point at the chunk.
 */
export function buildWindows(options: { text: string; maxTokens: number; overlapTokens: number; countTokens: (text: string) => number }): string[] {
  const { maxTokens, overlapTokens, countTokens } = options;
  const pieces: { text: string; tokens: number }[] = [];
  for (const sentence of splitSentences(options.text)) {
    const tokens = countTokens(sentence.text);
    if (tokens <= maxTokens) {
      pieces.push({ text: sentence.text, tokens });
      continue;
    }
    let current: string[] = [];
    let currentTokens = 0;
    for (const word of sentence.text.split(/\s+/)) {
      const wordTokens = countTokens(word);
      if (currentTokens + wordTokens > maxTokens && current.length > 0) {
        pieces.push({ text: current.join(" "), tokens: currentTokens });
        current = [];
        currentTokens = 0;
      }
      current.push(word);
      currentTokens += wordTokens;
    }
    if (current.length > 0) pieces.push({ text: current.join(" "), tokens: currentTokens });
  }
  if (pieces.length === 0) return [];

  const windows: string[] = [];
  let start = 0;
  while (start < pieces.length) {
    let end = start;
    let tokens = 0;
    while (end < pieces.length && tokens + (pieces[end]?.tokens ?? 0) <= maxTokens) {
      tokens += pieces[end]?.tokens ?? 0;
      end += 1;
    }
    if (end === start) end = start + 1;
    windows.push(
      pieces
        .slice(start, end)
        .map((piece) => piece.text)
        .join(" "),
    );
    if (end >= pieces.length) break;
    // Step back over whole sentences worth at most `overlapTokens`, but always move forward.
    let nextStart = end;
    let overlap = 0;
    while (nextStart - 1 > start && overlap + (pieces[nextStart - 1]?.tokens ?? 0) <= overlapTokens) {
      nextStart -= 1;
      overlap += pieces[nextStart]?.tokens ?? 0;
    }
    start = nextStart;
  }
  return windows;
}
