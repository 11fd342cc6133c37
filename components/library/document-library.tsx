"use client";

import { useCallback, useEffect, useRef, useState } from "react";

interface LibraryDocument {
  id: string;
  name: string;
  kind: string;
  sizeBytes: number;
  status: "queued" | "parsing" | "embedding" | "ready" | "failed";
  needsReindex: boolean;
  progress: { chunksEmbedded: number; chunksTotal: number };
  pageCount: number | null;
  chunkCount: number;
  embeddingModel: string | null;
  error: { code: string; message: string } | null;
  createdAt: string;
}

interface UploadResult {
  name: string;
  status: "accepted" | "duplicate" | "rejected";
  error?: { code: string; message: string };
}

const POLL_INTERVAL_MS = 1_000;

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function statusLabel(document: LibraryDocument): string {
  switch (document.status) {
    case "queued":
      return "Queued";
    case "parsing":
      return "Parsing…";
    case "embedding":
      return `Embedding ${document.progress.chunksEmbedded}/${document.progress.chunksTotal}`;
    case "ready":
      return document.needsReindex ? "Needs reindex" : "Ready";
    case "failed":
      return "Failed";
  }
}

/** The document list with a file-picker upload and live status (polling). */
export function DocumentLibrary() {
  const [documents, setDocuments] = useState<LibraryDocument[]>([]);
  const [uploadMessages, setUploadMessages] = useState<UploadResult[]>([]);
  const [uploading, setUploading] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);

  const refresh = useCallback(async () => {
    try {
      const response = await fetch("/api/documents", { cache: "no-store" });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const body = (await response.json()) as { documents: LibraryDocument[] };
      setDocuments(body.documents);
      setLoadError(null);
    } catch {
      setLoadError("Could not load the library. Retrying…");
    }
  }, []);

  useEffect(() => {
    const first = setTimeout(() => void refresh(), 0);
    const timer = setInterval(() => void refresh(), POLL_INTERVAL_MS);
    return () => {
      clearTimeout(first);
      clearInterval(timer);
    };
  }, [refresh]);

  const upload = async (files: FileList | null) => {
    if (!files || files.length === 0) return;
    const form = new FormData();
    for (const file of Array.from(files)) form.append("file", file, file.name);
    setUploading(true);
    try {
      const response = await fetch("/api/documents", { method: "POST", body: form });
      const body = (await response.json()) as { results?: UploadResult[]; error?: { code: string; message: string } };
      setUploadMessages(body.results ?? (body.error ? [{ name: "Upload", status: "rejected", error: body.error }] : []));
    } catch {
      setUploadMessages([{ name: "Upload", status: "rejected", error: { code: "network", message: "The upload did not reach the server." } }]);
    } finally {
      setUploading(false);
      if (inputRef.current) inputRef.current.value = "";
      void refresh();
    }
  };

  const remove = async (document: LibraryDocument) => {
    if (!window.confirm(`Delete "${document.name}" and its index?`)) return;
    await fetch(`/api/documents/${document.id}`, { method: "DELETE" });
    void refresh();
  };

  return (
    <div className="space-y-6">
      <div className="rounded-lg border border-dashed border-zinc-300 p-6 dark:border-zinc-700">
        <label className="flex cursor-pointer flex-col items-center gap-2 text-sm">
          <span className="font-medium">{uploading ? "Uploading…" : "Choose PDF, DOCX, Markdown or text files"}</span>
          <input
            ref={inputRef}
            type="file"
            multiple
            accept=".pdf,.docx,.md,.markdown,.txt"
            disabled={uploading}
            onChange={(event) => void upload(event.target.files)}
            className="text-sm"
            data-testid="file-input"
          />
        </label>
      </div>

      {uploadMessages.length > 0 && (
        <ul className="space-y-1 text-sm" aria-live="polite" data-testid="upload-results">
          {uploadMessages.map((result, index) => (
            <li key={`${result.name}-${index}`} className={result.status === "accepted" ? "text-emerald-700 dark:text-emerald-400" : "text-red-700 dark:text-red-400"}>
              <span className="font-medium">{result.name}</span>: {result.status === "accepted" ? "uploaded" : result.error?.message}
            </li>
          ))}
        </ul>
      )}

      {loadError && <p className="text-sm text-amber-700">{loadError}</p>}

      {documents.length === 0 ? (
        <p className="text-zinc-600 dark:text-zinc-400">No documents yet. Upload PDF, DOCX, Markdown or text files to make them searchable.</p>
      ) : (
        <table className="w-full text-left text-sm" data-testid="document-table">
          <thead className="border-b border-zinc-200 text-zinc-500 dark:border-zinc-800">
            <tr>
              <th className="py-2 font-medium">Name</th>
              <th className="py-2 font-medium">Size</th>
              <th className="py-2 font-medium">Pages</th>
              <th className="py-2 font-medium">Chunks</th>
              <th className="py-2 font-medium">Status</th>
              <th className="py-2 font-medium">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {documents.map((document) => (
              <tr key={document.id} className="border-b border-zinc-100 dark:border-zinc-900" data-status={document.status}>
                <td className="py-2">{document.name}</td>
                <td className="py-2">{formatSize(document.sizeBytes)}</td>
                <td className="py-2">{document.pageCount ?? "—"}</td>
                <td className="py-2">{document.chunkCount || "—"}</td>
                <td className="py-2">
                  {statusLabel(document)}
                  {document.error && <span className="block text-xs text-red-700 dark:text-red-400">{document.error.message}</span>}
                </td>
                <td className="py-2 text-right">
                  <button type="button" onClick={() => void remove(document)} className="text-xs text-zinc-500 hover:text-red-700">
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
