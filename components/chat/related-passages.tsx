import Link from "next/link";
import { useId } from "react";
import type { ChatRelatedPassage } from "@/lib/contracts/chat-message";
import { FileTypeIcon } from "@/components/ui/icons";
import { documentHref, kindFromName, locationLabel } from "@/components/ui/format";

/**
 * The closest passages under a "not in the documents" answer: not sources, never cited, each a
 * link to the passage in the document viewer, so the reader can check the "no" for themselves.
 */
export function RelatedPassages({ passages }: { passages: ChatRelatedPassage[] }) {
  const headingId = useId();
  if (passages.length === 0) return null;
  return (
    <section className="mt-4" aria-labelledby={headingId} data-testid="related-passages">
      <h3 id={headingId} className="text-xs font-medium uppercase tracking-wide text-zinc-500 dark:text-zinc-400">
        Closest passages
      </h3>
      <p className="mb-2 mt-0.5 text-xs text-zinc-500">Not relevant enough to cite; they may still help you find the answer.</p>
      <ul className="grid gap-2">
        {passages.map((passage) => {
          const location = locationLabel(passage);
          const body = (
            <>
              <span className="flex items-center gap-1.5">
                <FileTypeIcon kind={kindFromName(passage.documentName)} className="h-4 w-3.5" />
                <span className={`truncate font-medium ${passage.documentDeleted ? "text-zinc-500 line-through" : ""}`}>{passage.documentName}</span>
                <span className="shrink-0 text-xs text-zinc-500">{passage.documentDeleted ? "· document deleted" : location ? `· ${location}` : ""}</span>
              </span>
              <span className="mt-1 line-clamp-2 text-xs text-zinc-600 dark:text-zinc-400">{passage.excerpt}</span>
            </>
          );
          const className = "flex flex-col rounded-lg border border-dashed border-zinc-300 px-3 py-2 text-left text-sm dark:border-zinc-700";
          return (
            <li key={`${passage.chunkId}:${passage.page ?? ""}`}>
              {passage.documentDeleted ? (
                <div className={className} data-testid="related-passage">
                  {body}
                </div>
              ) : (
                <Link
                  href={documentHref(passage)}
                  className={`${className} hover:border-zinc-400 hover:bg-zinc-50 dark:hover:border-zinc-600 dark:hover:bg-zinc-900`}
                  data-testid="related-passage"
                >
                  {body}
                </Link>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
