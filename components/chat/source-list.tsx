"use client";

import { useMemo } from "react";
import type { ChatSourceData } from "@/lib/contracts/chat-message";
import { citingSentences, highlightRanges } from "@/components/chat/passage-highlight";
import { FileTypeIcon } from "@/components/ui/icons";
import { kindFromName, locationLabel } from "@/components/ui/format";

/** A card's excerpt: the passage from the first sentence the answer relied on, else its start. */
function excerpt(source: ChatSourceData, answerText: string): string {
  const first = highlightRanges(source.text, citingSentences(answerText, source.index))[0];
  const text = source.text.replace(/\s+/g, " ");
  if (!first || first.start === 0) return text;
  return `…${source.text.slice(first.start).replace(/\s+/g, " ")}`;
}

interface SourceListProps {
  sources: ChatSourceData[];
  answerText: string;
  activeIndex: number | null;
  onOpen: (index: number, trigger: HTMLElement) => void;
}

/** The answer's sources as cards under it; each opens the passage panel. */
export function SourceList({ sources, answerText, activeIndex, onOpen }: SourceListProps) {
  const excerpts = useMemo(() => new Map(sources.map((source) => [source.index, excerpt(source, answerText)])), [sources, answerText]);
  if (sources.length === 0) return null;
  return (
    <div className="mt-4">
      <h3 className="mb-2 text-xs font-medium uppercase tracking-wide text-zinc-500 dark:text-zinc-400">Sources</h3>
      <ol className="grid gap-2 sm:grid-cols-2" data-testid="source-list">
        {sources.map((source) => {
          const location = locationLabel(source);
          const active = activeIndex === source.index;
          return (
            <li key={source.index}>
              <button
                type="button"
                onClick={(event) => onOpen(source.index, event.currentTarget)}
                aria-pressed={active}
                data-testid="source-card"
                className={`flex w-full items-start gap-2.5 rounded-lg border px-3 py-2 text-left text-sm transition-colors ${
                  active
                    ? "border-indigo-400 bg-indigo-50/70 dark:border-indigo-600 dark:bg-indigo-950/40"
                    : "border-zinc-200 hover:border-zinc-300 hover:bg-zinc-50 dark:border-zinc-800 dark:hover:border-zinc-700 dark:hover:bg-zinc-900"
                }`}
              >
                <span className="mt-0.5 grid size-5 shrink-0 place-items-center rounded bg-indigo-100 font-mono text-[0.7rem] font-semibold text-indigo-700 dark:bg-indigo-950 dark:text-indigo-300">
                  {source.index}
                </span>
                <span className="min-w-0 flex-1">
                  <span className="flex items-center gap-1.5">
                    <FileTypeIcon kind={kindFromName(source.documentName)} className="h-4 w-3.5" />
                    <span className={`truncate font-medium ${source.documentDeleted ? "text-zinc-500 line-through" : ""}`}>{source.documentName}</span>
                  </span>
                  <span className="mt-0.5 block text-xs text-zinc-500">{source.documentDeleted ? "Document deleted" : (location ?? "Passage")}</span>
                  <span className="mt-1 line-clamp-2 text-xs text-zinc-600 dark:text-zinc-400">{excerpts.get(source.index)}</span>
                </span>
              </button>
            </li>
          );
        })}
      </ol>
    </div>
  );
}
