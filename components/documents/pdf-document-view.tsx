"use client";

import { useEffect, useRef, useState } from "react";
import type * as PdfJsModule from "pdfjs-dist/legacy/build/pdf.mjs";
import { ChunkList } from "@/components/documents/chunk-list";
import { chunkTextOnPage } from "@/components/documents/chunk-view";
import type { ChunkView } from "@/lib/domain/chunk-view";
import { matchTextItems } from "@/components/documents/pdf-highlight";
import { AlertIcon, ChevronLeftIcon, ChevronRightIcon, MinusIcon, PlusIcon, SpinnerIcon } from "@/components/ui/icons";

type PdfJs = typeof PdfJsModule;
type PdfDocument = Awaited<ReturnType<PdfJs["getDocument"]>["promise"]>;

let pdfJsPromise: Promise<PdfJs> | undefined;

/**
 * pdf.js is loaded only on this page, on demand. Its worker is bundled as a static asset by the
 * `new URL(…, import.meta.url)` reference, so it is served by this app (no CDN) and always matches
 * the library's version.
 */
function loadPdfJs(): Promise<PdfJs> {
  pdfJsPromise ??= import("pdfjs-dist/legacy/build/pdf.mjs").then((pdfJs) => {
    pdfJs.GlobalWorkerOptions.workerSrc = new URL("pdfjs-dist/legacy/build/pdf.worker.min.mjs", import.meta.url).toString();
    return pdfJs;
  });
  return pdfJsPromise;
}

const ZOOM_STEPS = [0.5, 0.75, 1, 1.25, 1.5, 2, 3];

interface PdfDocumentViewProps {
  documentId: string;
  fileUrl: string;
  pageCount: number | null;
  initialPage: number;
  chunks: ChunkView[];
  citedChunkId: string | null;
}

/** Writes the page and highlighted chunk into the URL, so the view can be shared and survives a reload. */
function syncUrl(page: number, chunkId: string | null) {
  const parameters = new URLSearchParams(window.location.search);
  parameters.set("page", String(page));
  if (chunkId) parameters.set("chunk", chunkId);
  else parameters.delete("chunk");
  window.history.replaceState(null, "", `${window.location.pathname}?${parameters.toString()}`);
}

/**
 * A PDF rendered in the app with pdf.js: one page at a time on a canvas, with the selectable text
 * layer on top, on which the cited chunk's words are highlighted.
 */
export function PdfDocumentView({ documentId, fileUrl, pageCount, initialPage, chunks, citedChunkId }: PdfDocumentViewProps) {
  const [pdf, setPdf] = useState<PdfDocument | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [page, setPage] = useState(Math.max(1, initialPage));
  const [highlightChunkId, setHighlightChunkId] = useState(citedChunkId);
  const [zoomIndex, setZoomIndex] = useState(ZOOM_STEPS.indexOf(1));
  const [width, setWidth] = useState(0);
  const [rendered, setRendered] = useState<{ key: string; highlight: "none" | "found" | "missing" } | null>(null);
  const frameRef = useRef<HTMLDivElement>(null);
  const pageRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const textLayerRef = useRef<HTMLDivElement>(null);

  const total = pdf?.numPages ?? pageCount ?? 1;
  const currentPage = Math.min(page, total);
  const zoom = ZOOM_STEPS[zoomIndex] ?? 1;
  const renderKey = `${currentPage}:${width}:${zoom}:${highlightChunkId ?? ""}`;

  useEffect(() => {
    let cancelled = false;
    let destroy: (() => Promise<void>) | undefined;
    loadPdfJs()
      .then((pdfJs) => {
        if (cancelled) return null;
        const task = pdfJs.getDocument({ url: fileUrl, isEvalSupported: false });
        destroy = () => task.destroy();
        return task.promise;
      })
      .then((document) => {
        if (document && !cancelled) setPdf(document);
      })
      .catch((error: unknown) => {
        if (!cancelled) setLoadError(error instanceof Error ? error.message : "The PDF could not be opened.");
      });
    return () => {
      cancelled = true;
      void destroy?.();
    };
  }, [fileUrl]);

  // Fit the page to the available width, and re-render when the window is resized.
  useEffect(() => {
    const frame = frameRef.current;
    if (!frame) return;
    const observer = new ResizeObserver((entries) => {
      const entry = entries[0];
      if (entry) setWidth(Math.floor(entry.contentRect.width));
    });
    observer.observe(frame);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    if (!pdf || width === 0) return;
    let cancelled = false;
    let cancelRender: (() => void) | undefined;
    const run = async () => {
      const pdfJs = await loadPdfJs();
      const pdfPage = await pdf.getPage(currentPage);
      const canvas = canvasRef.current;
      const layer = textLayerRef.current;
      const box = pageRef.current;
      if (cancelled || !canvas || !layer || !box) return;
      const natural = pdfPage.getViewport({ scale: 1 });
      const scale = ((width - 2) / natural.width) * zoom;
      const viewport = pdfPage.getViewport({ scale });
      const ratio = window.devicePixelRatio || 1;
      canvas.width = Math.floor(viewport.width * ratio);
      canvas.height = Math.floor(viewport.height * ratio);
      box.style.width = `${Math.floor(viewport.width)}px`;
      box.style.height = `${Math.floor(viewport.height)}px`;
      box.style.setProperty("--scale-factor", String(scale));
      const renderTask = pdfPage.render({ canvas, viewport, transform: ratio === 1 ? undefined : [ratio, 0, 0, ratio, 0, 0] });
      layer.replaceChildren();
      const textLayer = new pdfJs.TextLayer({ textContentSource: pdfPage.streamTextContent(), container: layer, viewport });
      cancelRender = () => {
        renderTask.cancel();
        textLayer.cancel();
      };
      await Promise.all([renderTask.promise, textLayer.render()]);
      if (cancelled) return;

      const chunk = chunks.find((candidate) => candidate.id === highlightChunkId);
      const passage = chunk ? chunkTextOnPage(chunk, currentPage) : null;
      let highlight: "none" | "found" | "missing" = "none";
      if (passage) {
        const indices = matchTextItems(textLayer.textContentItemsStr, passage);
        for (const index of indices) textLayer.textDivs[index]?.classList.add("cited-highlight");
        highlight = indices.length > 0 ? "found" : "missing";
        const first = indices[0] === undefined ? undefined : textLayer.textDivs[indices[0]];
        first?.scrollIntoView({ block: "center" });
      }
      setRendered({ key: renderKey, highlight });
    };
    run().catch((error: unknown) => {
      if (cancelled || (error instanceof Error && error.name === "RenderingCancelledException")) return;
      setLoadError(error instanceof Error ? error.message : "The page could not be rendered.");
    });
    return () => {
      cancelled = true;
      cancelRender?.();
    };
  }, [pdf, currentPage, width, zoom, highlightChunkId, chunks, renderKey]);

  const goTo = (next: number, chunkId: string | null = highlightChunkId) => {
    const clamped = Math.min(Math.max(1, next), total);
    setPage(clamped);
    setHighlightChunkId(chunkId);
    syncUrl(clamped, chunkId);
  };

  const rendering = rendered?.key !== renderKey;
  const highlightState = rendering ? null : rendered.highlight;

  return (
    <div className="flex flex-col gap-6 lg:flex-row lg:items-start">
      <section aria-label="PDF viewer" className="min-w-0 flex-1">
        <div className="sticky top-[var(--header-height)] z-10 mb-3 flex flex-wrap items-center gap-2 rounded-lg border border-zinc-200 bg-white/95 px-2 py-1.5 backdrop-blur dark:border-zinc-800 dark:bg-zinc-950/95">
          <button
            type="button"
            onClick={() => goTo(currentPage - 1)}
            disabled={currentPage <= 1}
            className="rounded-md p-1.5 hover:bg-zinc-100 disabled:opacity-30 dark:hover:bg-zinc-800"
            aria-label="Previous page"
          >
            <ChevronLeftIcon className="size-5" />
          </button>
          <label className="flex items-center gap-1.5 text-sm">
            <span className="sr-only">Page number</span>
            Page
            <input
              key={currentPage}
              type="number"
              min={1}
              max={total}
              defaultValue={currentPage}
              onKeyDown={(event) => {
                if (event.key === "Enter") goTo(Number(event.currentTarget.value) || 1);
              }}
              onBlur={(event) => {
                const value = Number(event.currentTarget.value);
                if (value && value !== currentPage) goTo(value);
              }}
              className="w-14 rounded-md border border-zinc-300 bg-transparent px-1.5 py-0.5 text-center tabular-nums dark:border-zinc-700"
              data-testid="page-input"
            />
            <span className="text-zinc-500">of {total}</span>
          </label>
          <button
            type="button"
            onClick={() => goTo(currentPage + 1)}
            disabled={currentPage >= total}
            className="rounded-md p-1.5 hover:bg-zinc-100 disabled:opacity-30 dark:hover:bg-zinc-800"
            aria-label="Next page"
          >
            <ChevronRightIcon className="size-5" />
          </button>
          <span className="mx-1 h-5 w-px bg-zinc-200 dark:bg-zinc-800" aria-hidden="true" />
          <button
            type="button"
            onClick={() => setZoomIndex((index) => Math.max(0, index - 1))}
            disabled={zoomIndex === 0}
            className="rounded-md p-1.5 hover:bg-zinc-100 disabled:opacity-30 dark:hover:bg-zinc-800"
            aria-label="Zoom out"
          >
            <MinusIcon />
          </button>
          <span className="w-12 text-center text-xs tabular-nums text-zinc-500" aria-live="polite">
            {Math.round(zoom * 100)}%
          </span>
          <button
            type="button"
            onClick={() => setZoomIndex((index) => Math.min(ZOOM_STEPS.length - 1, index + 1))}
            disabled={zoomIndex === ZOOM_STEPS.length - 1}
            className="rounded-md p-1.5 hover:bg-zinc-100 disabled:opacity-30 dark:hover:bg-zinc-800"
            aria-label="Zoom in"
          >
            <PlusIcon />
          </button>
          <span className="ml-auto flex items-center gap-1.5 text-xs text-zinc-500" role="status">
            {rendering && !loadError && (
              <>
                <SpinnerIcon className="size-3.5" /> Rendering…
              </>
            )}
            {highlightState === "found" && (
              <>
                <span aria-hidden="true" className="inline-block size-2.5 rounded-sm bg-yellow-400/70" /> Cited passage highlighted
              </>
            )}
            {highlightState === "missing" && "The cited passage could not be located on this page's text layer."}
          </span>
        </div>

        {loadError ? (
          <p role="alert" className="flex items-start gap-2 rounded-lg bg-red-50 px-4 py-3 text-sm text-red-800 dark:bg-red-950/40 dark:text-red-200">
            <AlertIcon className="mt-0.5 size-4 shrink-0" />
            The PDF could not be displayed ({loadError}).{" "}
            <a href={fileUrl} className="font-medium underline">
              Download the original
            </a>
            .
          </p>
        ) : (
          <div ref={frameRef} className="overflow-x-auto rounded-lg bg-zinc-100 p-px dark:bg-zinc-900">
            <div
              ref={pageRef}
              className="pdf-page mx-auto bg-white shadow-md"
              style={{ width: "100%", aspectRatio: "612 / 792" }}
              data-testid="pdf-page"
              data-page={currentPage}
              data-rendered={rendering ? undefined : "true"}
              data-highlight={highlightState ?? undefined}
            >
              <canvas ref={canvasRef} aria-label={`Page ${currentPage} of the document`} role="img" />
              <div ref={textLayerRef} className="textLayer" />
            </div>
          </div>
        )}
      </section>

      <aside aria-label="Chunks" className="lg:sticky lg:top-[calc(var(--header-height)+1rem)] lg:max-h-[calc(100dvh-var(--header-height)-2rem)] lg:w-80 lg:overflow-y-auto">
        <ChunkList documentId={documentId} chunks={chunks} activeChunkId={highlightChunkId} onSelect={(chunk) => goTo(chunk.pageStart ?? currentPage, chunk.id)} />
      </aside>
    </div>
  );
}
