import type { ChunkRecord } from "@/lib/storage/registry-types";

/** What the viewer needs of a chunk (the registry record minus storage details). */
export type ChunkView = Pick<ChunkRecord, "id" | "chunkIndex" | "text" | "pageStart" | "pageEnd" | "section" | "pageSpans" | "tokenCount">;

/** Converts a registry chunk to the view the chunks API and the document page send. */
export function toChunkView(chunk: ChunkRecord): ChunkView {
  const { id, chunkIndex, text, pageStart, pageEnd, section, pageSpans, tokenCount } = chunk;
  return { id, chunkIndex, text, pageStart, pageEnd, section, pageSpans, tokenCount };
}
