import { chunkBlocksWithOverlap, type ChunkDraftWithOverlap } from "@/lib/ingest/chunker";
import type { ParsedDocument } from "@/lib/contracts/documents";
import { buildPassages, inferPassageHeadings, type Passage } from "@/lib/domain/passages";

/**
 * The text work between parsing and embedding: chunks, and each chunk's retrieval passages with
 * the heading each passage falls under. It tokenises every sentence, so it runs in the parse
 * worker beside the parser (lib/ingest/parse-worker.ts), under the same time and memory budget,
 * never on the server's request thread.
 */

export interface ChunkingOptions {
  sizeTokens: number;
  overlapTokens: number;
}

export interface PreparedChunk {
  draft: ChunkDraftWithOverlap;
  /** Passages of the chunk's own text; at least one. */
  passages: Passage[];
  /** The inferred heading of each passage (for chunks without a section path), else null. */
  headings: (string | null)[];
}

/** Chunks a parsed document and cuts each chunk into retrieval passages. */
export function prepareChunks(options: { parsed: ParsedDocument; chunking: ChunkingOptions }): PreparedChunk[] {
  const drafts = chunkBlocksWithOverlap({ blocks: options.parsed.blocks, ...options.chunking });
  // Passages cover each chunk's own text (not the overlap it repeats), one page each. Without a
  // section path (PDF) their context is the last heading-like line, carried across chunks.
  let lastHeading: string | null = null;
  return drafts.map((draft) => {
    let passages = buildPassages({ text: draft.text, pageSpans: draft.pageSpans, from: draft.newTextStart });
    if (passages.length === 0) passages = [{ start: 0, end: draft.text.length, page: draft.pageStart }];
    const inferred = inferPassageHeadings({ text: draft.text, from: draft.newTextStart, passages, previousHeading: lastHeading });
    lastHeading = inferred.lastHeading;
    return { draft, passages, headings: inferred.headings };
  });
}
