"use client";

import { useEffect, useRef } from "react";
import { chunkLocation } from "@/components/documents/chunk-view";
import type { ChunkView } from "@/lib/domain/chunk-view";

interface ChunkListProps {
  documentId: string;
  chunks: ChunkView[];
  activeChunkId: string | null;
  onSelect: (chunk: ChunkView) => void;
}

/** A PDF's chunks with their metadata; choosing one shows its page with the chunk highlighted. */
export function ChunkList({ documentId, chunks, activeChunkId, onSelect }: ChunkListProps) {
  const activeRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    activeRef.current?.scrollIntoView({ block: "nearest" });
  }, [activeChunkId]);

  return (
    <div>
      <h2 className="mb-2 flex items-baseline justify-between text-sm font-semibold">
        Chunks <span className="text-xs font-normal text-zinc-500">{chunks.length} indexed</span>
      </h2>
      {chunks.length === 0 ? (
        <p className="text-sm text-zinc-500">This document has no chunks yet (it is not indexed).</p>
      ) : (
        <ol className="space-y-2" data-testid="chunk-list" data-document-id={documentId}>
          {chunks.map((chunk) => {
            const active = chunk.id === activeChunkId;
            return (
              <li key={chunk.id}>
                <button
                  ref={active ? activeRef : undefined}
                  type="button"
                  onClick={() => onSelect(chunk)}
                  aria-current={active ? "true" : undefined}
                  data-testid="chunk-item"
                  data-chunk-id={chunk.id}
                  className={`w-full rounded-lg border px-3 py-2 text-left transition-colors ${
                    active
                      ? "border-yellow-400 bg-yellow-50 dark:border-yellow-600 dark:bg-yellow-950/30"
                      : "border-zinc-200 hover:bg-zinc-50 dark:border-zinc-800 dark:hover:bg-zinc-900"
                  }`}
                >
                  <span className="flex flex-wrap items-center gap-x-2 text-xs text-zinc-500">
                    <span className="font-mono font-semibold text-zinc-700 dark:text-zinc-300">#{chunk.chunkIndex + 1}</span>
                    <span>{chunkLocation(chunk)}</span>
                    <span>· {chunk.tokenCount} tokens</span>
                    {active && <span className="ml-auto font-medium text-yellow-700 dark:text-yellow-400">Cited</span>}
                  </span>
                  {chunk.section && chunk.pageStart !== null && <span className="mt-0.5 block truncate text-xs text-zinc-500">{chunk.section}</span>}
                  <span className="mt-1 line-clamp-3 text-xs text-zinc-700 dark:text-zinc-300">{chunk.text}</span>
                </button>
              </li>
            );
          })}
        </ol>
      )}
    </div>
  );
}
