"use client";

import { useCitationContext } from "@/components/chat/citation-context";
import { locationLabel } from "@/components/ui/format";

/** An inline `[n]` marker as a small button that opens the cited passage. */
export function CitationChip({ index }: { index: number }) {
  const context = useCitationContext();
  const source = context?.sources.get(index);
  if (!context || !source) {
    // A marker without a matching source (should not happen; the server filters them) stays plain text.
    return <sup className="text-xs text-zinc-400">[{index}]</sup>;
  }
  const location = locationLabel(source);
  const active = context.activeIndex === index;
  return (
    <button
      type="button"
      onClick={(event) => context.open(index, event.currentTarget)}
      aria-label={`Source ${index}: ${source.documentName}${location ? `, ${location}` : ""}`}
      aria-pressed={active}
      title={`${source.documentName}${location ? ` · ${location}` : ""}`}
      data-testid="citation-chip"
      data-citation={index}
      className={`mx-0.5 inline-flex h-[1.15rem] min-w-[1.15rem] -translate-y-px items-center justify-center rounded-md px-1 align-middle font-mono text-[0.7rem] font-semibold leading-none transition-colors ${
        active
          ? "bg-indigo-600 text-white dark:bg-indigo-500"
          : source.documentDeleted
            ? "bg-zinc-100 text-zinc-500 line-through hover:bg-zinc-200 dark:bg-zinc-800 dark:text-zinc-400"
            : "bg-indigo-50 text-indigo-700 ring-1 ring-indigo-200 hover:bg-indigo-100 dark:bg-indigo-950/70 dark:text-indigo-300 dark:ring-indigo-800 dark:hover:bg-indigo-900"
      }`}
    >
      {index}
    </button>
  );
}
