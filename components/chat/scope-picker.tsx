"use client";

import { useEffect, useId, useRef, useState } from "react";
import type { DocumentView } from "@/lib/domain/document-view";
import { FileTypeIcon, FilterIcon } from "@/components/ui/icons";

export type ScopeDocument = Pick<DocumentView, "id" | "name" | "kind" | "status">;

interface ScopePickerProps {
  documents: ScopeDocument[];
  selected: string[];
  onChange: (ids: string[]) => void;
  onRefresh: () => void;
}

/** Restricts the question to chosen documents (sent as `documentIds`); none chosen means the whole library. */
export function ScopePicker({ documents, selected, onChange, onRefresh }: ScopePickerProps) {
  const [open, setOpen] = useState(false);
  const [filter, setFilter] = useState("");
  const containerRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelId = useId();

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: MouseEvent) => {
      if (!containerRef.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") {
        event.stopPropagation();
        setOpen(false);
        buttonRef.current?.focus();
      }
    };
    document.addEventListener("mousedown", onPointer);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("mousedown", onPointer);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  const ready = documents.filter((document) => document.status === "ready");
  const needle = filter.trim().toLowerCase();
  const shown = needle ? documents.filter((document) => document.name.toLowerCase().includes(needle)) : documents;
  const selectedReady = selected.filter((id) => ready.some((document) => document.id === id));
  const label =
    selectedReady.length === 0
      ? "All documents"
      : selectedReady.length === 1
        ? (ready.find((document) => document.id === selectedReady[0])?.name ?? "1 document")
        : `${selectedReady.length} documents`;

  const toggle = (id: string) => onChange(selected.includes(id) ? selected.filter((value) => value !== id) : [...selected, id]);

  return (
    <div ref={containerRef} className="relative">
      <button
        ref={buttonRef}
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => {
          if (!open) onRefresh();
          setOpen(!open);
        }}
        className={`inline-flex max-w-64 items-center gap-1.5 rounded-full px-2.5 py-1 text-xs font-medium ring-1 transition-colors ${
          selectedReady.length > 0
            ? "bg-indigo-50 text-indigo-800 ring-indigo-200 dark:bg-indigo-950/60 dark:text-indigo-200 dark:ring-indigo-800"
            : "text-zinc-600 ring-zinc-200 hover:bg-zinc-50 dark:text-zinc-300 dark:ring-zinc-700 dark:hover:bg-zinc-800"
        }`}
        data-testid="scope-button"
      >
        <FilterIcon className="size-3.5 shrink-0" />
        <span className="sr-only">Search in: </span>
        <span className="truncate">{label}</span>
      </button>
      {open && (
        <div
          id={panelId}
          role="group"
          aria-label="Documents to search"
          className="absolute bottom-full left-0 z-20 mb-2 w-[min(22rem,calc(100vw-2rem))] rounded-xl border border-zinc-200 bg-white shadow-xl dark:border-zinc-700 dark:bg-zinc-900"
        >
          <div className="border-b border-zinc-100 p-2 dark:border-zinc-800">
            <input
              type="search"
              value={filter}
              onChange={(event) => setFilter(event.target.value)}
              placeholder="Filter documents"
              aria-label="Filter documents"
              className="w-full rounded-md border border-zinc-200 bg-transparent px-2 py-1 text-sm dark:border-zinc-700"
              autoFocus
            />
          </div>
          {documents.length === 0 ? (
            <p className="p-4 text-sm text-zinc-500">No documents yet. Add some in the library.</p>
          ) : (
            <ul className="max-h-64 overflow-y-auto py-1">
              {shown.map((document) => {
                const disabled = document.status !== "ready";
                return (
                  <li key={document.id}>
                    <label className={`flex items-center gap-2 px-3 py-1.5 text-sm ${disabled ? "opacity-50" : "cursor-pointer hover:bg-zinc-50 dark:hover:bg-zinc-800"}`}>
                      <input type="checkbox" checked={selected.includes(document.id)} disabled={disabled} onChange={() => toggle(document.id)} className="accent-indigo-600" />
                      <FileTypeIcon kind={document.kind} className="h-4 w-3.5" />
                      <span className="min-w-0 flex-1 truncate">{document.name}</span>
                      {disabled && <span className="text-xs text-zinc-500">{document.status === "failed" ? "failed" : "indexing"}</span>}
                    </label>
                  </li>
                );
              })}
            </ul>
          )}
          <div className="flex items-center justify-between border-t border-zinc-100 px-3 py-2 text-xs dark:border-zinc-800">
            <span className="text-zinc-500">{selectedReady.length === 0 ? "Searching the whole library" : `${selectedReady.length} of ${ready.length} selected`}</span>
            <button type="button" onClick={() => onChange([])} disabled={selected.length === 0} className="font-medium text-indigo-700 disabled:opacity-40 dark:text-indigo-300">
              Search all
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
