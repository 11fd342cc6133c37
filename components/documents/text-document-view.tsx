"use client";

import { useEffect, useMemo, useRef } from "react";
import { overlapLength } from "@/components/documents/chunk-view";
import type { ChunkView } from "@/lib/domain/chunk-view";

/**
 * A DOCX, Markdown or text document shown as its indexed text: the chunks in order, each with
 * its metadata. Chunks overlap by design, so the repeated start of each chunk is left out and
 * the document reads once through; the cited chunk is shown whole, highlighted and scrolled to.
 */
export function TextDocumentView({ chunks, citedChunkId }: { chunks: ChunkView[]; citedChunkId: string | null }) {
  const citedRef = useRef<HTMLElement>(null);
  const pieces = useMemo(
    () =>
      chunks.map((chunk, position) => {
        const previous = chunks[position - 1];
        const skip = chunk.id === citedChunkId || !previous ? 0 : overlapLength(previous.text, chunk.text);
        const showSection = chunk.section !== null && chunk.section !== previous?.section;
        return { chunk, text: chunk.text.slice(skip).replace(/^\s+/, ""), trimmed: skip > 0, showSection };
      }),
    [chunks, citedChunkId],
  );

  useEffect(() => {
    citedRef.current?.scrollIntoView({ block: "center" });
    citedRef.current?.focus({ preventScroll: true });
  }, [citedChunkId]);

  if (chunks.length === 0) return <p className="text-sm text-zinc-500">This document has no indexed text yet.</p>;

  return (
    <div className="space-y-1" data-testid="text-document">
      {pieces.map(({ chunk, text, trimmed, showSection }) => {
        const cited = chunk.id === citedChunkId;
        return (
          <section
            key={chunk.id}
            ref={cited ? citedRef : undefined}
            tabIndex={cited ? -1 : undefined}
            aria-label={`Chunk ${chunk.chunkIndex + 1}${cited ? " (cited)" : ""}`}
            data-testid="document-chunk"
            data-chunk-id={chunk.id}
            data-cited={cited || undefined}
            className={`group scroll-mt-24 rounded-lg px-4 py-3 outline-none ${
              cited ? "bg-yellow-50 ring-2 ring-yellow-400 dark:bg-yellow-950/30 dark:ring-yellow-600" : "hover:bg-zinc-50 dark:hover:bg-zinc-900/50"
            }`}
          >
            {showSection && <h2 className="mb-2 text-base font-semibold">{chunk.section}</h2>}
            <p className={`mb-1.5 flex flex-wrap gap-x-2 text-xs text-zinc-500 ${cited ? "" : "opacity-70 group-hover:opacity-100"}`}>
              <span className="font-mono font-semibold">#{chunk.chunkIndex + 1}</span>
              {chunk.section && !showSection && <span className="truncate">{chunk.section}</span>}
              <span>· {chunk.tokenCount} tokens</span>
              {trimmed && <span>· overlap with #{chunk.chunkIndex} hidden</span>}
              {cited && <span className="font-medium text-yellow-700 dark:text-yellow-400">· Cited passage</span>}
            </p>
            <div className="whitespace-pre-wrap text-[0.95rem] leading-relaxed text-zinc-800 dark:text-zinc-200">{text}</div>
          </section>
        );
      })}
    </div>
  );
}
