import { FileTypeIcon, CloseIcon } from "@/components/ui/icons";
import { ProgressBar } from "@/components/ui/progress-bar";
import { formatBytes, kindFromName } from "@/components/ui/format";

/** A file the user dropped that has not become a library document (yet, or at all). */
export interface UploadItem {
  key: string;
  name: string;
  size: number;
  /** 0–1, bytes sent. */
  progress: number;
  /** uploading: bytes in flight; checking: sent, the server validates; refused: the server said no. */
  phase: "uploading" | "checking" | "refused";
  message?: string;
}

/** The files in flight and the refused ones, each with its own bar or the server's reason. */
export function UploadList({ items, onDismiss, onDismissAll }: { items: UploadItem[]; onDismiss: (key: string) => void; onDismissAll: () => void }) {
  if (items.length === 0) return null;
  const refused = items.filter((item) => item.phase === "refused").length;
  return (
    <section aria-labelledby="uploads-heading" className="rounded-xl border border-zinc-200 dark:border-zinc-800">
      <div className="flex items-center justify-between border-b border-zinc-200 px-4 py-2 dark:border-zinc-800">
        <h2 id="uploads-heading" className="text-sm font-medium">
          Uploads
        </h2>
        {refused > 0 && (
          <button type="button" onClick={onDismissAll} className="text-xs text-zinc-500 hover:text-zinc-900 dark:hover:text-zinc-100">
            Clear refused
          </button>
        )}
      </div>
      <ul className="divide-y divide-zinc-100 dark:divide-zinc-800/70">
        {items.map((item) => (
          <li key={item.key} className="flex items-start gap-3 px-4 py-3" data-testid="upload-row" data-phase={item.phase}>
            <FileTypeIcon kind={kindFromName(item.name)} className="mt-0.5 h-7 w-6" />
            <div className="min-w-0 flex-1 space-y-1">
              <div className="flex flex-wrap items-baseline gap-x-2">
                <span className="truncate font-medium" data-testid="upload-name">
                  {item.name}
                </span>
                <span className="text-xs text-zinc-500">{formatBytes(item.size)}</span>
              </div>
              {item.phase === "refused" ? (
                <p role="alert" className="text-sm text-red-700 dark:text-red-400" data-testid="upload-error">
                  {item.message}
                </p>
              ) : (
                <div className="flex items-center gap-3">
                  <ProgressBar value={item.phase === "checking" ? undefined : item.progress} label={`Uploading ${item.name}`} />
                  <span className="text-xs text-zinc-500 tabular-nums">{item.phase === "checking" ? "Checking…" : `${Math.round(item.progress * 100)}%`}</span>
                </div>
              )}
            </div>
            {item.phase === "refused" && (
              <button
                type="button"
                onClick={() => onDismiss(item.key)}
                className="rounded p-1 text-zinc-400 hover:bg-zinc-100 hover:text-zinc-700 dark:hover:bg-zinc-800 dark:hover:text-zinc-200"
                aria-label={`Dismiss ${item.name}`}
              >
                <CloseIcon />
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
