import Link from "next/link";
import type { DocumentView } from "@/lib/domain/document-view";
import { DocumentStatus, isInProgress } from "@/components/library/document-status";
import { FileTypeIcon, RefreshIcon, TrashIcon } from "@/components/ui/icons";
import { distinctTitle, formatBytes, kindLabel, plural } from "@/components/ui/format";
import { LocalDate } from "@/components/ui/local-date";

interface DocumentTableProps {
  documents: DocumentView[];
  busyIds: ReadonlySet<string>;
  onReindex: (document: DocumentView) => void;
  onDelete: (document: DocumentView) => void;
}

const TH = "px-3 py-2 text-left text-xs font-medium uppercase tracking-wide text-zinc-500 dark:text-zinc-400";
const TD = "px-3 py-3 align-top";

/** The library as a table; on phones the secondary columns fold into a line under the name. */
export function DocumentTable({ documents, busyIds, onReindex, onDelete }: DocumentTableProps) {
  return (
    <div className="overflow-x-auto rounded-xl border border-zinc-200 dark:border-zinc-800">
      <table className="w-full text-sm" data-testid="document-table">
        <thead className="border-b border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900/50">
          <tr>
            <th scope="col" className={TH}>
              Name
            </th>
            <th scope="col" className={`${TH} hidden text-right md:table-cell`}>
              Size
            </th>
            <th scope="col" className={`${TH} hidden text-right md:table-cell`}>
              Pages
            </th>
            <th scope="col" className={`${TH} hidden text-right md:table-cell`}>
              Chunks
            </th>
            <th scope="col" className={`${TH} hidden sm:table-cell`}>
              Status
            </th>
            <th scope="col" className={`${TH} hidden xl:table-cell`}>
              Added
            </th>
            <th scope="col" className={`${TH} hidden 2xl:table-cell`}>
              Embedding model
            </th>
            <th scope="col" className={TH}>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800/70">
          {documents.map((document) => {
            const busy = busyIds.has(document.id);
            const title = distinctTitle(document.name, document.title);
            return (
              <tr
                key={document.id}
                data-testid="document-row"
                data-document-id={document.id}
                data-status={document.status}
                className="hover:bg-zinc-50/70 dark:hover:bg-zinc-900/40"
              >
                <td className={`${TD} max-w-0 w-full md:w-auto md:max-w-xs`}>
                  <div className="flex items-start gap-2.5">
                    <FileTypeIcon kind={document.kind} className="h-8 w-7" />
                    <div className="min-w-0">
                      <Link
                        href={`/documents/${document.id}`}
                        className="block truncate font-medium text-zinc-900 hover:text-indigo-700 hover:underline dark:text-zinc-100 dark:hover:text-indigo-300"
                        title={document.name}
                        data-testid="document-name"
                      >
                        {document.name}
                      </Link>
                      {title && (
                        <p className="truncate text-xs text-zinc-500" title={title}>
                          {title}
                        </p>
                      )}
                      <p className="mt-0.5 text-xs text-zinc-500 md:hidden">
                        {[
                          kindLabel(document.kind),
                          formatBytes(document.sizeBytes),
                          document.pageCount ? plural(document.pageCount, "page") : null,
                          document.chunkCount ? plural(document.chunkCount, "chunk") : null,
                        ]
                          .filter(Boolean)
                          .join(" · ")}
                      </p>
                      {/* On phones the status column folds in here, leaving the name room. */}
                      <div className="mt-1.5 sm:hidden">
                        <DocumentStatus document={document} />
                      </div>
                    </div>
                  </div>
                </td>
                <td className={`${TD} hidden whitespace-nowrap text-right tabular-nums text-zinc-600 md:table-cell dark:text-zinc-400`}>{formatBytes(document.sizeBytes)}</td>
                <td className={`${TD} hidden text-right tabular-nums text-zinc-600 md:table-cell dark:text-zinc-400`}>{document.pageCount ?? "—"}</td>
                <td className={`${TD} hidden text-right tabular-nums text-zinc-600 md:table-cell dark:text-zinc-400`}>{document.chunkCount || "—"}</td>
                <td className={`${TD} hidden min-w-32 sm:table-cell`}>
                  <DocumentStatus document={document} />
                </td>
                <td className={`${TD} hidden whitespace-nowrap text-zinc-600 xl:table-cell dark:text-zinc-400`}>
                  <LocalDate iso={document.createdAt} />
                </td>
                <td className={`${TD} hidden whitespace-nowrap text-xs text-zinc-600 2xl:table-cell dark:text-zinc-400`}>
                  <code>{document.embeddingModel ?? "—"}</code>
                </td>
                <td className={`${TD} whitespace-nowrap text-right`}>
                  <div className="flex justify-end gap-1">
                    {(document.status === "ready" || document.status === "failed") && (
                      <button
                        type="button"
                        onClick={() => onReindex(document)}
                        disabled={busy || isInProgress(document.status)}
                        className="inline-flex items-center gap-1 rounded-md px-2 py-1 text-xs font-medium text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 disabled:opacity-40 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100"
                        aria-label={`Reindex ${document.name}`}
                        title="Index again"
                      >
                        <RefreshIcon />
                        <span className="hidden sm:inline">{document.status === "failed" ? "Retry" : "Reindex"}</span>
                      </button>
                    )}
                    <button
                      type="button"
                      onClick={() => onDelete(document)}
                      disabled={busy}
                      className="inline-flex items-center gap-1 rounded-md px-2 py-1 text-xs font-medium text-zinc-600 hover:bg-red-50 hover:text-red-700 disabled:opacity-40 dark:text-zinc-400 dark:hover:bg-red-950/40 dark:hover:text-red-300"
                      aria-label={`Delete ${document.name}`}
                      title="Delete"
                    >
                      <TrashIcon />
                      <span className="hidden sm:inline">Delete</span>
                    </button>
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
