"use client";

import dynamic from "next/dynamic";
import { SpinnerIcon } from "@/components/ui/icons";

/**
 * The PDF viewer runs only in the browser (canvas, worker): skipping server rendering keeps
 * pdf.js and its worker reference out of the server bundle entirely.
 */
export const PdfDocumentViewLazy = dynamic(() => import("@/components/documents/pdf-document-view").then((module) => module.PdfDocumentView), {
  ssr: false,
  loading: () => (
    <div className="grid min-h-96 place-items-center rounded-lg bg-zinc-100 text-sm text-zinc-500 dark:bg-zinc-900" role="status">
      <span className="flex items-center gap-2">
        <SpinnerIcon /> Opening the PDF…
      </span>
    </div>
  ),
});
