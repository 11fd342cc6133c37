import type { TextBlock } from "@/lib/contracts/documents";
import type { PageSpan } from "@/lib/storage/registry-types";
import { splitSentences } from "@/lib/text/sentences";
import { countTokens, splitByTokens } from "@/lib/text/tokens";

/**
 * Token-based chunking (tiktoken cl100k_base) that respects structure: chunks are packed from
 * whole sentences, table rows and list lines; a chunk prefers to end at a paragraph boundary
 * and to start at a heading; consecutive chunks overlap by whole sentences. Every character of
 * a chunk keeps the page it came from (`pageSpans`) so citations can name the exact page.
 */

export interface ChunkDraft {
  chunkIndex: number;
  text: string;
  pageStart: number | null;
  pageEnd: number | null;
  /** Heading path as "Heading 1 > Heading 2", or null. */
  section: string | null;
  sectionPath: string[];
  pageSpans: PageSpan[];
  tokenCount: number;
}

/** A chunk draft with where its own text starts (see `chunkBlocksWithOverlap`). */
export interface ChunkDraftWithOverlap extends ChunkDraft {
  /**
   * Everything before this offset repeats the end of the previous chunk (the overlap).
   * Retrieval passages are built from here on, so no text is indexed twice.
   */
  newTextStart: number;
}

interface Unit {
  text: string;
  tokens: number;
  page: number | undefined;
  sectionPath: string[];
  blockIndex: number;
  /** Separator placed before this unit when the previous unit is in the same block. */
  innerSeparator: string;
  isHeading: boolean;
}

const BLOCK_SEPARATOR = "\n\n";
// A chunk is cut early at a paragraph or heading boundary only if it is at least this full.
const MINIMUM_FILL_FOR_EARLY_CUT = 0.6;

function blockToUnits(options: { block: TextBlock; blockIndex: number; sizeTokens: number }): Unit[] {
  const { block, blockIndex, sizeTokens } = options;
  const base = {
    page: block.page,
    sectionPath: block.sectionPath ?? [],
    blockIndex,
    isHeading: block.kind === "heading",
  };
  let pieces: { text: string; separator: string }[];
  if (block.kind === "table" || block.kind === "list" || block.kind === "code") {
    pieces = block.text
      .split("\n")
      .filter((line) => line.trim().length > 0)
      .map((line) => ({ text: line, separator: "\n" }));
  } else if (block.kind === "heading") {
    pieces = [{ text: block.text.trim(), separator: " " }];
  } else {
    pieces = splitSentences(block.text).map((sentence) => ({ text: sentence.text, separator: " " }));
  }
  const units: Unit[] = [];
  for (const piece of pieces) {
    const tokens = countTokens(piece.text);
    if (tokens <= sizeTokens) {
      units.push({ ...base, text: piece.text, tokens, innerSeparator: piece.separator });
      continue;
    }
    // A single sentence or row longer than a chunk: cut it by tokens rather than drop any of it.
    for (const part of splitByTokens({ text: piece.text, maxTokens: sizeTokens, overlapTokens: 0 })) {
      units.push({ ...base, text: part, tokens: countTokens(part), innerSeparator: " " });
    }
  }
  return units;
}

function joinUnits(units: Unit[]): { text: string; pageSpans: PageSpan[]; starts: number[] } {
  let text = "";
  const pageSpans: PageSpan[] = [];
  const starts: number[] = [];
  units.forEach((unit, index) => {
    const previous = index > 0 ? units[index - 1] : undefined;
    if (previous) text += previous.blockIndex === unit.blockIndex ? unit.innerSeparator : BLOCK_SEPARATOR;
    const start = text.length;
    starts.push(start);
    text += unit.text;
    if (unit.page === undefined) return;
    const last = pageSpans[pageSpans.length - 1];
    if (last && last.page === unit.page) last.end = text.length;
    else pageSpans.push({ page: unit.page, start, end: text.length });
  });
  return { text, pageSpans, starts };
}

function separatorTokens(previous: Unit | undefined, unit: Unit): number {
  if (!previous) return 0;
  return previous.blockIndex === unit.blockIndex && unit.innerSeparator === " " ? 0 : 1;
}

/** Splits parsed blocks into overlapping, token-bounded chunks with page and section metadata. */
export function chunkBlocks(options: { blocks: TextBlock[]; sizeTokens: number; overlapTokens: number }): ChunkDraft[] {
  return chunkBlocksWithOverlap(options).map(({ newTextStart: _newTextStart, ...draft }) => draft);
}

/** `chunkBlocks`, also telling where each chunk's own (non-overlap) text starts. */
export function chunkBlocksWithOverlap(options: { blocks: TextBlock[]; sizeTokens: number; overlapTokens: number }): ChunkDraftWithOverlap[] {
  const { sizeTokens, overlapTokens } = options;
  if (overlapTokens >= sizeTokens) throw new Error("Chunk overlap must be smaller than the chunk size.");
  const units = options.blocks.flatMap((block, blockIndex) => blockToUnits({ block, blockIndex, sizeTokens }));
  const chunks: ChunkDraftWithOverlap[] = [];

  let current: Unit[] = [];
  let currentTokens = 0;
  // Units before this index were carried over from the previous chunk as overlap.
  let firstNewUnit = 0;

  const recount = () => {
    currentTokens = current.reduce((sum, unit, index) => sum + unit.tokens + separatorTokens(current[index - 1], unit), 0);
  };

  const emit = (chunkUnits: Unit[], newUnitIndex: number) => {
    const { text, pageSpans, starts } = joinUnits(chunkUnits);
    const pages = pageSpans.map((span) => span.page);
    const sectionPath = (chunkUnits[newUnitIndex] ?? chunkUnits[0])?.sectionPath ?? [];
    chunks.push({
      chunkIndex: chunks.length,
      text,
      pageStart: pages.length > 0 ? Math.min(...pages) : null,
      pageEnd: pages.length > 0 ? Math.max(...pages) : null,
      section: sectionPath.length > 0 ? sectionPath.join(" > ") : null,
      sectionPath,
      pageSpans,
      tokenCount: countTokens(text),
      newTextStart: newUnitIndex > 0 ? (starts[newUnitIndex] ?? 0) : 0,
    });
  };

  /** Emits a chunk from the current units and keeps the tail as the next chunk's overlap. */
  const flush = (options: { preferBoundary: boolean }) => {
    if (current.length <= firstNewUnit) return;
    let cut = current.length;
    if (options.preferBoundary) {
      // Prefer ending at a block boundary when the chunk is already mostly full.
      let tokensBefore = 0;
      let bestCut = -1;
      for (let index = 0; index < current.length; index += 1) {
        const unit = current[index];
        const previous = current[index - 1];
        if (!unit) continue;
        if (index > firstNewUnit && previous && previous.blockIndex !== unit.blockIndex && tokensBefore >= sizeTokens * MINIMUM_FILL_FOR_EARLY_CUT) {
          bestCut = index;
        }
        tokensBefore += unit.tokens + separatorTokens(previous, unit);
      }
      if (bestCut > 0) cut = bestCut;
    }
    // A heading belongs with what follows it, never at the end of a chunk.
    while (cut - 1 > firstNewUnit && current[cut - 1]?.isHeading) cut -= 1;

    let chunkUnits = current.slice(0, cut);
    let leftover = current.slice(cut);
    let newUnitIndex = firstNewUnit;
    // The exact count of the joined text can exceed the estimate by a token or two: move new
    // units from the end to the next chunk or, when only one is left, drop overlap from the front.
    let tokens = countTokens(joinUnits(chunkUnits).text);
    while (tokens > sizeTokens && chunkUnits.length > 1) {
      if (chunkUnits.length - 1 > newUnitIndex) {
        leftover = [chunkUnits[chunkUnits.length - 1] as Unit, ...leftover];
        chunkUnits = chunkUnits.slice(0, -1);
      } else {
        chunkUnits = chunkUnits.slice(1);
        newUnitIndex -= 1;
      }
      tokens = countTokens(joinUnits(chunkUnits).text);
    }
    emit(chunkUnits, newUnitIndex);

    const overlap: Unit[] = [];
    if (overlapTokens > 0) {
      let overlapSize = 0;
      for (let index = chunkUnits.length - 1; index > 0; index -= 1) {
        const unit = chunkUnits[index];
        if (!unit) break;
        // The separators between overlap units count too.
        const size = overlapSize + unit.tokens + (overlap[0] ? separatorTokens(unit, overlap[0]) : 0);
        if (size > overlapTokens) break;
        overlap.unshift(unit);
        overlapSize = size;
      }
      // The exact count of the joined text can exceed the estimate by a token or two.
      while (overlap.length > 0 && countTokens(joinUnits(overlap).text) > overlapTokens) overlap.shift();
    }
    current = [...overlap, ...leftover];
    firstNewUnit = overlap.length;
    recount();
  };

  /** True when everything not yet emitted is headings, which must wait for their content. */
  const onlyHeadingsPending = () => current.length > firstNewUnit && current.slice(firstNewUnit).every((unit) => unit.isHeading);

  for (const unit of units) {
    if (unit.isHeading && currentTokens >= sizeTokens * MINIMUM_FILL_FOR_EARLY_CUT && !onlyHeadingsPending()) {
      flush({ preferBoundary: false });
    }
    const cost = () => unit.tokens + separatorTokens(current[current.length - 1], unit);
    while (currentTokens + cost() > sizeTokens && current.length > firstNewUnit) {
      if (firstNewUnit > 0 && onlyHeadingsPending()) {
        // A pending heading makes room for its content by dropping overlap, rather than ending a chunk.
        current.shift();
        firstNewUnit -= 1;
        recount();
        continue;
      }
      flush({ preferBoundary: true });
    }
    // Overlap alone may still leave no room: shed it from the front.
    while (currentTokens + cost() > sizeTokens && current.length > 0) {
      current.shift();
      firstNewUnit = Math.max(0, firstNewUnit - 1);
      recount();
    }
    current.push(unit);
    recount();
  }
  flush({ preferBoundary: false });
  // Anything left (only possible after a boundary cut) is flushed without overlap.
  while (current.length > firstNewUnit) flush({ preferBoundary: false });
  return chunks;
}
