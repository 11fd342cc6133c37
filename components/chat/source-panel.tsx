"use client";

import Link from "next/link";
import { useEffect, useId, useMemo, useRef, useState } from "react";
import type { ChatSourceData } from "@/lib/contracts/chat-message";
import { highlightRanges, segmentText, type TextRange } from "@/components/chat/passage-highlight";
import type { ChunkView } from "@/lib/domain/chunk-view";
import { AlertIcon, CloseIcon, ExternalIcon, FileTypeIcon } from "@/components/ui/icons";
import { documentHref, kindFromName, locationLabel } from "@/components/ui/format";
import { useMediaQuery } from "@/components/ui/use-media-query";

export interface SourceSelection {
  messageId: string;
  source: ChatSourceData;
  /** The answer sentences that cite this source (markers removed). */
  claims: string[];
}

/**
 * The page the answer relied on. A source names its chunk's first page, but a chunk can span
 * pages; its page spans (fetched once per source) tell which page holds the first highlight.
 */
function useReliedPage(source: ChatSourceData, firstRange: TextRange | undefined): number | null {
  const spansPage = source.pageStart !== null && source.pageEnd !== null && source.pageEnd !== source.pageStart;
  const [chunk, setChunk] = useState<{ id: string; value: ChunkView | null } | null>(null);

  useEffect(() => {
    if (!spansPage || source.documentDeleted) return;
    let cancelled = false;
    fetch(`/api/documents/${encodeURIComponent(source.documentId)}/chunks?ids=${encodeURIComponent(source.chunkId)}`)
      .then((response) => (response.ok ? (response.json() as Promise<{ chunks: ChunkView[] }>) : { chunks: [] }))
      .then((body) => {
        if (!cancelled) setChunk({ id: source.chunkId, value: body.chunks[0] ?? null });
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [spansPage, source.documentDeleted, source.documentId, source.chunkId]);

  const fallback = source.page ?? source.pageStart;
  const loaded = chunk?.id === source.chunkId ? chunk.value : null;
  if (!loaded || !firstRange) return fallback;
  // The passage is the chunk's text; its offsets map straight onto the chunk's page spans.
  const offset = loaded.text === source.text ? 0 : Math.max(0, loaded.text.indexOf(source.text));
  const position = offset + firstRange.start;
  return loaded.pageSpans.find((span) => position >= span.start && position < span.end)?.page ?? fallback;
}

function PanelContent({ selection, onClose, titleId }: { selection: SourceSelection; onClose: () => void; titleId: string }) {
  const { source, claims } = selection;
  const headingRef = useRef<HTMLHeadingElement>(null);
  const firstMarkRef = useRef<HTMLElement>(null);
  const ranges = useMemo(() => highlightRanges(source.text, claims), [source.text, claims]);
  const segments = useMemo(() => segmentText(source.text, ranges), [source.text, ranges]);
  const location = locationLabel(source);
  const page = useReliedPage(source, ranges[0]);
  const highlighted = segments.some((segment) => segment.highlighted);

  // Keyboard and screen-reader users land on the panel; the first highlight is brought into view.
  useEffect(() => {
    headingRef.current?.focus({ preventScroll: true });
    firstMarkRef.current?.scrollIntoView({ block: "center", behavior: "smooth" });
  }, [selection]);

  const firstHighlight = segments.findIndex((segment) => segment.highlighted);
  return (
    <div className="flex h-full flex-col" data-testid="source-panel">
      <div className="flex items-start gap-3 border-b border-zinc-200 px-4 py-3 dark:border-zinc-800">
        <span className="mt-0.5 grid size-6 shrink-0 place-items-center rounded-md bg-indigo-600 font-mono text-xs font-semibold text-white">{source.index}</span>
        <div className="min-w-0 flex-1">
          <h2 id={titleId} ref={headingRef} tabIndex={-1} className="flex items-center gap-1.5 font-semibold outline-none">
            <FileTypeIcon kind={kindFromName(source.documentName)} className="h-5 w-4" />
            <span className="truncate" data-testid="source-panel-document">
              {source.documentName}
            </span>
          </h2>
          {location && (
            <p className="mt-0.5 text-sm text-zinc-500" data-testid="source-panel-location">
              {location.startsWith("page") ? location.charAt(0).toUpperCase() + location.slice(1) : location}
            </p>
          )}
        </div>
        <button
          type="button"
          onClick={onClose}
          aria-label="Close source"
          className="rounded-md p-1.5 text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900 dark:hover:bg-zinc-800 dark:hover:text-zinc-100"
        >
          <CloseIcon className="size-5" />
        </button>
      </div>

      <div className="flex-1 space-y-4 overflow-y-auto px-4 py-4">
        {source.documentDeleted && (
          <p className="flex items-start gap-2 rounded-lg bg-zinc-100 px-3 py-2 text-sm text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300" data-testid="source-deleted">
            <AlertIcon className="mt-0.5 size-4 shrink-0" />
            This document has been deleted from the library. The passage below is what the answer was based on.
          </p>
        )}
        <div>
          <h3 className="mb-2 text-xs font-medium uppercase tracking-wide text-zinc-500">Passage</h3>
          <blockquote
            className="whitespace-pre-wrap rounded-lg border border-zinc-200 bg-zinc-50 px-3 py-2.5 text-sm leading-relaxed text-zinc-800 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-200"
            data-testid="source-passage"
          >
            {segments.map((segment, position) => {
              if (!segment.highlighted) return <span key={position}>{segment.text}</span>;
              return (
                <mark key={position} ref={position === firstHighlight ? firstMarkRef : undefined} className="passage-highlight" data-testid="passage-highlight">
                  {segment.text}
                </mark>
              );
            })}
          </blockquote>
          <p className="mt-2 text-xs text-zinc-500">{highlighted ? "Highlighted: the sentences the answer relied on." : "The answer drew on this passage as a whole."}</p>
        </div>
      </div>

      {!source.documentDeleted && (
        <div className="border-t border-zinc-200 px-4 py-3 dark:border-zinc-800">
          <Link
            href={documentHref({ documentId: source.documentId, chunkId: source.chunkId, page })}
            className="inline-flex items-center gap-1.5 rounded-lg bg-indigo-600 px-3 py-2 text-sm font-medium text-white hover:bg-indigo-700"
            data-testid="open-document"
          >
            <ExternalIcon />
            {page !== null ? `Open document at page ${page}` : "Open document at this passage"}
          </Link>
        </div>
      )}
    </div>
  );
}

/**
 * The cited passage beside the chat on wide screens, and as a modal bottom sheet on phones (a
 * native <dialog>, so focus stays inside and Escape closes it).
 */
export function SourcePanel({ selection, onClose }: { selection: SourceSelection | null; onClose: () => void }) {
  const wide = useMediaQuery("(min-width: 1024px)", true);
  const dialogRef = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (selection && !wide && !dialog.open) dialog.showModal();
    if ((!selection || wide) && dialog.open) dialog.close();
  }, [selection, wide]);

  useEffect(() => {
    if (!selection || !wide) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") onClose();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [selection, wide, onClose]);

  if (wide) {
    if (!selection) return null;
    return (
      <aside aria-labelledby={titleId} className="flex w-[26rem] shrink-0 flex-col border-l border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-950">
        <PanelContent selection={selection} onClose={onClose} titleId={titleId} />
      </aside>
    );
  }
  return (
    <dialog
      ref={dialogRef}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      onClick={(event) => {
        if (event.target === dialogRef.current) onClose();
      }}
      className="mx-0 mb-0 mt-auto h-[85dvh] max-h-none w-full max-w-none rounded-t-2xl border-t border-zinc-200 bg-white p-0 text-zinc-900 shadow-2xl dark:border-zinc-800 dark:bg-zinc-950 dark:text-zinc-100"
    >
      {selection && <PanelContent selection={selection} onClose={onClose} titleId={titleId} />}
    </dialog>
  );
}
