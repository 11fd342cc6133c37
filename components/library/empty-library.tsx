import Link from "next/link";
import { FileTypeIcon, UploadIcon } from "@/components/ui/icons";

/** What a new user sees: what to do first, and what happens next. */
export function EmptyLibrary({ onPick, maxMb }: { onPick: () => void; maxMb: number }) {
  return (
    <section
      aria-labelledby="empty-library-heading"
      data-testid="drop-zone"
      className="rounded-2xl border-2 border-dashed border-zinc-300 px-6 py-14 text-center dark:border-zinc-700"
    >
      <div className="mx-auto flex w-fit items-end gap-1" aria-hidden="true">
        <FileTypeIcon kind="pdf" className="h-12 w-10 -rotate-6" />
        <FileTypeIcon kind="docx" className="h-14 w-12" />
        <FileTypeIcon kind="markdown" className="h-12 w-10 rotate-6" />
      </div>
      <h2 id="empty-library-heading" className="mt-5 text-lg font-semibold">
        Your library is empty
      </h2>
      <p className="mx-auto mt-2 max-w-md text-sm text-zinc-600 dark:text-zinc-400">
        Drag handbooks, policies or notes onto this page, or choose them from your computer. Cited reads and indexes them on this server; then ask a question in{" "}
        <Link href="/" className="font-medium text-indigo-700 underline dark:text-indigo-300">
          Chat
        </Link>{" "}
        and every answer cites the page it came from.
      </p>
      <button
        type="button"
        onClick={onPick}
        className="mt-6 inline-flex items-center gap-2 rounded-lg bg-indigo-600 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-700"
      >
        <UploadIcon />
        Choose files
      </button>
      <p className="mt-3 text-xs text-zinc-500">PDF, DOCX, Markdown and TXT · up to {maxMb} MB each</p>
    </section>
  );
}
