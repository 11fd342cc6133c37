"use client";

import { useCallback, useEffect, useEffectEvent, useMemo, useReducer, useRef } from "react";
import type { DocumentView } from "@/lib/domain/document-view";
import { FILE_INPUT_ACCEPT } from "@/lib/ingest/validation/accepted-files";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { AlertIcon, CloseIcon, RefreshIcon, SearchIcon, UploadIcon } from "@/components/ui/icons";
import { apiErrorMessage } from "@/components/ui/format";
import { DocumentTable } from "@/components/library/document-table";
import { isInProgress } from "@/components/library/document-status";
import { UploadList, type UploadItem } from "@/components/library/upload-list";
import { uploadFile } from "@/components/library/upload-file";
import { EmptyLibrary } from "@/components/library/empty-library";
import { initialLibraryState, libraryReducer, type SortKey } from "@/components/library/library-state";

const POLL_INTERVAL_MS = 1_000;

const SORT_LABELS: Record<SortKey, string> = {
  newest: "Newest first",
  oldest: "Oldest first",
  "name-asc": "Name A–Z",
  "name-desc": "Name Z–A",
  size: "Largest first",
  status: "Status",
};

const STATUS_ORDER: Record<DocumentView["status"], number> = { failed: 0, parsing: 1, embedding: 1, queued: 2, ready: 3 };

function sortDocuments(documents: DocumentView[], key: SortKey): DocumentView[] {
  const byName = (left: DocumentView, right: DocumentView) => left.name.localeCompare(right.name, undefined, { sensitivity: "base", numeric: true });
  const sorted = [...documents];
  switch (key) {
    case "newest":
      return sorted.sort((left, right) => right.createdAt.localeCompare(left.createdAt));
    case "oldest":
      return sorted.sort((left, right) => left.createdAt.localeCompare(right.createdAt));
    case "name-asc":
      return sorted.sort(byName);
    case "name-desc":
      return sorted.sort((left, right) => byName(right, left));
    case "size":
      return sorted.sort((left, right) => right.sizeBytes - left.sizeBytes);
    case "status":
      return sorted.sort((left, right) => STATUS_ORDER[left.status] - STATUS_ORDER[right.status] || byName(left, right));
  }
}

interface DocumentLibraryProps {
  initialDocuments: DocumentView[];
  maxUploadBytes: number;
  embeddingModel: string;
}

/**
 * The library: a whole-page drop target, per-file uploads with progress, live indexing status
 * (polled while anything is in flight), sort and filter, reindex and delete.
 */
export function DocumentLibrary({ initialDocuments, maxUploadBytes, embeddingModel }: DocumentLibraryProps) {
  const [state, dispatch] = useReducer(libraryReducer, initialDocuments, initialLibraryState);
  const { documents, uploads, query, sortKey, dragActive, pendingDelete, deleting, busyIds, notice, announcement, reindexingAll } = state;
  const setNotice = (value: string | null) => dispatch({ type: "notice-changed", notice: value });
  const inputRef = useRef<HTMLInputElement>(null);
  const uploadCounter = useRef(0);
  const knownStatuses = useRef(new Map(initialDocuments.map((document) => [document.id, document.status])));

  const refresh = useCallback(async () => {
    try {
      const response = await fetch("/api/documents", { cache: "no-store" });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const body = (await response.json()) as { documents: DocumentView[] };
      // Screen-reader users hear when a document finishes, instead of having to watch the table.
      const finished: string[] = [];
      for (const document of body.documents) {
        const before = knownStatuses.current.get(document.id);
        if (before !== undefined && before !== document.status && (document.status === "ready" || document.status === "failed")) {
          finished.push(`${document.name} ${document.status === "ready" ? "is ready" : "failed to index"}`);
        }
      }
      knownStatuses.current = new Map(body.documents.map((document) => [document.id, document.status]));
      if (finished.length > 0) dispatch({ type: "announced", announcement: `${finished.join(". ")}.` });
      dispatch({ type: "documents-loaded", documents: body.documents });
    } catch {
      dispatch({ type: "notice-changed", notice: "Could not reach the server to refresh the library. It will retry." });
    }
  }, []);

  const needsPolling = documents.some((document) => isInProgress(document.status)) || uploads.some((upload) => upload.phase !== "refused");

  useEffect(() => {
    if (!needsPolling) return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      await refresh();
      if (!cancelled) timer = setTimeout(() => void tick(), POLL_INTERVAL_MS);
    };
    timer = setTimeout(() => void tick(), POLL_INTERVAL_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [needsPolling, refresh]);

  // Documents added elsewhere (another tab, `npm run ingest`) show up when the user comes back.
  useEffect(() => {
    const onFocus = () => void refresh();
    window.addEventListener("focus", onFocus);
    return () => window.removeEventListener("focus", onFocus);
  }, [refresh]);

  const startUploads = (files: File[]) => {
    if (files.length === 0) return;
    const batch = files.map((file) => {
      uploadCounter.current += 1;
      return { file, key: `upload-${uploadCounter.current}` };
    });
    dispatch({ type: "uploads-started", uploads: batch.map(({ file, key }): UploadItem => ({ key, name: file.name, size: file.size, progress: 0, phase: "uploading" })) });
    for (const { file, key } of batch) {
      void uploadFile({
        file,
        onProgress: (fraction) => dispatch({ type: "upload-progressed", key, change: fraction >= 1 ? { progress: 1, phase: "checking" } : { progress: fraction } }),
      }).then((outcome) => {
        if (outcome.status === "accepted") {
          knownStatuses.current.set(outcome.document.id, outcome.document.status);
          dispatch({ type: "upload-accepted", key, document: outcome.document });
        } else {
          dispatch({ type: "upload-refused", key, name: file.name, message: outcome.message });
        }
      });
    }
  };

  const onWindowDrop = useEffectEvent((files: File[]) => startUploads(files));

  // The whole window is the drop zone: a file dropped anywhere on the page is uploaded, and the
  // browser never navigates away to display it.
  useEffect(() => {
    let depth = 0;
    const carriesFiles = (event: DragEvent) => Array.from(event.dataTransfer?.types ?? []).includes("Files");
    const onDragEnter = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      depth += 1;
      dispatch({ type: "drag-changed", active: true });
    };
    const onDragOver = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = "copy";
    };
    const onDragLeave = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) dispatch({ type: "drag-changed", active: false });
    };
    const onDrop = (event: DragEvent) => {
      if (!carriesFiles(event) && (event.dataTransfer?.files.length ?? 0) === 0) return;
      event.preventDefault();
      depth = 0;
      dispatch({ type: "drag-changed", active: false });
      onWindowDrop(Array.from(event.dataTransfer?.files ?? []));
    };
    window.addEventListener("dragenter", onDragEnter);
    window.addEventListener("dragover", onDragOver);
    window.addEventListener("dragleave", onDragLeave);
    window.addEventListener("drop", onDrop);
    return () => {
      window.removeEventListener("dragenter", onDragEnter);
      window.removeEventListener("dragover", onDragOver);
      window.removeEventListener("dragleave", onDragLeave);
      window.removeEventListener("drop", onDrop);
    };
  }, []);

  const reindex = async (document: DocumentView): Promise<boolean> => {
    dispatch({ type: "reindex-changed", id: document.id, busy: true });
    try {
      const response = await fetch(`/api/documents/${encodeURIComponent(document.id)}/reindex`, { method: "POST" });
      const body: unknown = await response.json().catch(() => null);
      if (!response.ok) {
        setNotice(`Could not reindex "${document.name}": ${apiErrorMessage(body, `HTTP ${response.status}`)}`);
        return false;
      }
      const updated = (body as { document?: DocumentView } | null)?.document;
      if (updated) {
        knownStatuses.current.set(updated.id, updated.status);
        dispatch({ type: "document-updated", document: updated });
      }
      return true;
    } catch {
      setNotice(`Could not reindex "${document.name}": the server is unreachable.`);
      return false;
    } finally {
      dispatch({ type: "reindex-changed", id: document.id, busy: false });
    }
  };

  const staleDocuments = documents.filter((document) => document.needsReindex);

  const reindexAll = async () => {
    dispatch({ type: "reindex-all-changed", active: true });
    // One at a time: the server queues them anyway, and a failure names its document.
    for (const document of staleDocuments) await reindex(document);
    dispatch({ type: "reindex-all-changed", active: false });
    void refresh();
  };

  const confirmDelete = async () => {
    if (!pendingDelete) return;
    const document = pendingDelete;
    dispatch({ type: "delete-started" });
    try {
      const response = await fetch(`/api/documents/${encodeURIComponent(document.id)}`, { method: "DELETE" });
      if (!response.ok && response.status !== 404) {
        const body: unknown = await response.json().catch(() => null);
        setNotice(`Could not delete "${document.name}": ${apiErrorMessage(body, `HTTP ${response.status}`)}`);
      } else {
        dispatch({ type: "document-deleted", document });
      }
    } catch {
      setNotice(`Could not delete "${document.name}": the server is unreachable.`);
    } finally {
      dispatch({ type: "delete-ended" });
    }
  };

  const visible = useMemo(() => {
    const needle = query.trim().toLowerCase();
    const filtered = needle ? documents.filter((document) => document.name.toLowerCase().includes(needle) || (document.title ?? "").toLowerCase().includes(needle)) : documents;
    return sortDocuments(filtered, sortKey);
  }, [documents, query, sortKey]);

  const openPicker = () => inputRef.current?.click();
  const maxMb = Math.round(maxUploadBytes / 1024 / 1024);
  const empty = documents.length === 0 && uploads.length === 0;

  return (
    <div className="space-y-6" data-testid="library">
      <input
        ref={inputRef}
        type="file"
        multiple
        accept={FILE_INPUT_ACCEPT}
        className="sr-only"
        tabIndex={-1}
        aria-hidden="true"
        data-testid="file-input"
        onChange={(event) => {
          startUploads(Array.from(event.target.files ?? []));
          event.target.value = "";
        }}
      />

      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Library</h1>
          <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">Drop files anywhere on this page. PDF, Word (.docx), Markdown and text, up to {maxMb} MB each.</p>
        </div>
        <button
          type="button"
          onClick={openPicker}
          className="inline-flex items-center gap-2 rounded-lg bg-indigo-600 px-3.5 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-700"
        >
          <UploadIcon />
          Upload files
        </button>
      </div>

      <p className="sr-only" aria-live="polite" role="status">
        {announcement}
      </p>

      {notice && (
        <div
          role="alert"
          className="flex items-start gap-2 rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950/40 dark:text-amber-200"
        >
          <AlertIcon className="mt-0.5 size-4 shrink-0" />
          <p className="flex-1">{notice}</p>
          <button type="button" onClick={() => setNotice(null)} aria-label="Dismiss message" className="rounded p-0.5 hover:bg-amber-100 dark:hover:bg-amber-900/50">
            <CloseIcon />
          </button>
        </div>
      )}

      {staleDocuments.length > 0 && (
        <div className="flex flex-wrap items-center gap-3 rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950/40 dark:text-amber-200">
          <p className="flex-1">
            {staleDocuments.length === 1 ? "1 document was" : `${staleDocuments.length} documents were`} indexed with another embedding model. Search uses{" "}
            <code className="font-medium">{embeddingModel}</code> and skips them until they are reindexed.
          </p>
          <button
            type="button"
            onClick={() => void reindexAll()}
            disabled={reindexingAll}
            className="inline-flex items-center gap-1.5 rounded-md bg-amber-600 px-3 py-1.5 font-medium text-white hover:bg-amber-700 disabled:opacity-60"
          >
            <RefreshIcon />
            {reindexingAll ? "Reindexing…" : `Reindex all (${staleDocuments.length})`}
          </button>
        </div>
      )}

      <UploadList items={uploads} onDismiss={(key) => dispatch({ type: "upload-dismissed", key })} onDismissAll={() => dispatch({ type: "refused-uploads-dismissed" })} />

      {empty ? (
        <EmptyLibrary onPick={openPicker} maxMb={maxMb} />
      ) : (
        documents.length > 0 && (
          <section aria-label="Documents" className="space-y-3">
            <div className="flex flex-wrap items-center gap-3">
              <label className="relative min-w-48 flex-1 sm:max-w-xs">
                <span className="sr-only">Filter by name</span>
                <SearchIcon className="pointer-events-none absolute left-2.5 top-1/2 size-4 -translate-y-1/2 text-zinc-400" />
                <input
                  type="search"
                  value={query}
                  onChange={(event) => dispatch({ type: "query-changed", query: event.target.value })}
                  placeholder="Filter by name"
                  className="w-full rounded-lg border border-zinc-300 bg-white py-1.5 pl-8 pr-3 text-sm placeholder:text-zinc-400 dark:border-zinc-700 dark:bg-zinc-900"
                />
              </label>
              <label className="flex items-center gap-2 text-sm text-zinc-600 dark:text-zinc-400">
                Sort
                <select
                  value={sortKey}
                  onChange={(event) => dispatch({ type: "sort-changed", sortKey: event.target.value as SortKey })}
                  className="rounded-lg border border-zinc-300 bg-white px-2 py-1.5 text-sm text-zinc-900 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
                >
                  {(Object.keys(SORT_LABELS) as SortKey[]).map((key) => (
                    <option key={key} value={key}>
                      {SORT_LABELS[key]}
                    </option>
                  ))}
                </select>
              </label>
              <p className="ml-auto text-sm text-zinc-500" aria-live="polite">
                {visible.length === documents.length ? `${documents.length} ${documents.length === 1 ? "document" : "documents"}` : `${visible.length} of ${documents.length}`}
              </p>
            </div>
            {visible.length > 0 ? (
              <DocumentTable
                documents={visible}
                busyIds={busyIds}
                onReindex={(document) => void reindex(document)}
                onDelete={(document) => dispatch({ type: "delete-asked", document })}
              />
            ) : (
              <p className="rounded-xl border border-dashed border-zinc-300 px-4 py-8 text-center text-sm text-zinc-500 dark:border-zinc-700">
                No document name contains “{query.trim()}”.
              </p>
            )}
          </section>
        )
      )}

      {dragActive && (
        <div aria-hidden="true" className="pointer-events-none fixed inset-0 z-40 grid place-items-center bg-indigo-600/10 p-6 backdrop-blur-[1px]">
          <div className="grid h-full w-full place-items-center rounded-3xl border-2 border-dashed border-indigo-500 bg-white/70 dark:bg-zinc-950/70">
            <div className="text-center">
              <UploadIcon className="mx-auto size-10 text-indigo-600 dark:text-indigo-400" />
              <p className="mt-3 text-lg font-semibold">Drop to add to the library</p>
              <p className="text-sm text-zinc-600 dark:text-zinc-400">PDF, Word, Markdown or text</p>
            </div>
          </div>
        </div>
      )}

      <ConfirmDialog
        open={pendingDelete !== null}
        title={`Delete “${pendingDelete?.name ?? ""}”?`}
        confirmLabel="Delete document"
        destructive
        busy={deleting}
        onConfirm={() => void confirmDelete()}
        onCancel={() => dispatch({ type: "delete-asked", document: null })}
      >
        <p>The file, its chunks and its vectors are removed, and chat answers will no longer cite it.</p>
        <p className="mt-2">Past conversations keep their quotes, marked as from a deleted document.</p>
      </ConfirmDialog>
    </div>
  );
}
