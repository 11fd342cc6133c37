import type { DocumentView } from "@/lib/domain/document-view";
import { ProgressBar } from "@/components/ui/progress-bar";
import { SpinnerIcon } from "@/components/ui/icons";

const BADGE = "inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap";

/** True while a document is still moving through the indexing pipeline. */
export function isInProgress(status: DocumentView["status"]): boolean {
  return status === "queued" || status === "parsing" || status === "embedding";
}

function statusText(document: DocumentView): string {
  switch (document.status) {
    case "queued":
      return "Queued";
    case "parsing":
      return "Parsing";
    case "embedding":
      return document.progress.chunksTotal > 0 ? `Embedding ${document.progress.chunksEmbedded}/${document.progress.chunksTotal}` : "Embedding";
    case "ready":
      return "Ready";
    case "failed":
      return "Failed";
  }
}

/** Status badge with indexing progress (parsing → embedding n/N → ready) and the failure reason. */
export function DocumentStatus({ document }: { document: DocumentView }) {
  const { status, progress } = document;
  return (
    <div className="flex min-w-0 flex-col gap-1" data-testid="document-status" data-status={status}>
      <div className="flex flex-wrap items-center gap-1.5">
        {status === "ready" && <span className={`${BADGE} bg-emerald-50 text-emerald-700 dark:bg-emerald-950/60 dark:text-emerald-300`}>Ready</span>}
        {status === "failed" && <span className={`${BADGE} bg-red-50 text-red-700 dark:bg-red-950/60 dark:text-red-300`}>Failed</span>}
        {status === "queued" && <span className={`${BADGE} bg-zinc-100 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300`}>Queued</span>}
        {(status === "parsing" || status === "embedding") && (
          <span className={`${BADGE} bg-indigo-50 text-indigo-700 dark:bg-indigo-950/60 dark:text-indigo-300`}>
            <SpinnerIcon className="size-3" />
            {statusText(document)}
          </span>
        )}
        {document.needsReindex && (
          <span
            className={`${BADGE} bg-amber-50 text-amber-800 dark:bg-amber-950/60 dark:text-amber-300`}
            title={`Indexed with ${document.embeddingModel ?? "another model"}; search skips it until it is reindexed.`}
          >
            Needs reindex
          </span>
        )}
      </div>
      {status === "embedding" && progress.chunksTotal > 0 && <ProgressBar value={progress.chunksEmbedded / progress.chunksTotal} label={`Embedding ${document.name}`} />}
      {(status === "parsing" || status === "queued") && <ProgressBar label={`Indexing ${document.name}`} />}
      {status === "failed" && document.error && <p className="text-xs text-red-700 dark:text-red-400">{document.error.message}</p>}
    </div>
  );
}
