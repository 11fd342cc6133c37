import type { ChunkView } from "@/lib/domain/chunk-view";

export function chunkLocation(chunk: ChunkView): string {
  if (chunk.pageStart !== null) {
    return chunk.pageEnd !== null && chunk.pageEnd !== chunk.pageStart ? `Pages ${chunk.pageStart}–${chunk.pageEnd}` : `Page ${chunk.pageStart}`;
  }
  return chunk.section ?? "No section";
}

/** The part of a chunk's text that lies on `page`, from its page spans. */
export function chunkTextOnPage(chunk: ChunkView, page: number): string | null {
  const span = chunk.pageSpans.find((candidate) => candidate.page === page);
  if (span) return chunk.text.slice(span.start, span.end);
  if (chunk.pageSpans.length === 0 && chunk.pageStart !== null && chunk.pageEnd !== null && page >= chunk.pageStart && page <= chunk.pageEnd) return chunk.text;
  return null;
}

/**
 * How many leading characters of `next` repeat the end of `previous` (chunks overlap by design).
 * Used to show a text document once, in order, without the repeated passages.
 */
export function overlapLength(previous: string, next: string): number {
  const probe = next.slice(0, 40);
  if (probe.length < 20) return 0;
  let position = previous.indexOf(probe);
  while (position !== -1) {
    const tail = previous.slice(position);
    if (next.startsWith(tail)) return tail.length;
    position = previous.indexOf(probe, position + 1);
  }
  return 0;
}
