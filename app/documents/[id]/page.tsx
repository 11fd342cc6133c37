import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { toChunkView } from "@/lib/domain/chunk-view";
import { PdfDocumentViewLazy } from "@/components/documents/pdf-document-view-lazy";
import { TextDocumentView } from "@/components/documents/text-document-view";
import { DocumentStatus } from "@/components/library/document-status";
import { ChevronLeftIcon, FileTypeIcon, UploadIcon } from "@/components/ui/icons";
import { distinctTitle, formatBytes, kindLabel, plural } from "@/components/ui/format";
import { LocalDate } from "@/components/ui/local-date";
import { toDocumentView } from "@/lib/domain/document-view";
import { getAppServices } from "@/lib/server/app-services";

export const dynamic = "force-dynamic";

interface DocumentPageProps {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export async function generateMetadata({ params }: DocumentPageProps): Promise<Metadata> {
  const { id } = await params;
  return { title: getAppServices().registry.getDocument(id)?.name ?? "Document" };
}

export default async function DocumentPage({ params, searchParams }: DocumentPageProps) {
  const { id } = await params;
  const query = await searchParams;
  const services = getAppServices();
  const record = services.registry.getDocument(id);
  if (!record) notFound();
  const document = toDocumentView(record, services.embedder.modelId);
  const chunks = services.registry.listChunks(id).map(toChunkView);
  const chunkParameter = single(query.chunk);
  const citedChunk = chunks.find((chunk) => chunk.id === chunkParameter);
  const requestedPage = Number.parseInt(single(query.page) ?? "", 10);
  const initialPage = Number.isFinite(requestedPage) && requestedPage > 0 ? requestedPage : (citedChunk?.pageStart ?? 1);
  const fileUrl = `/api/documents/${encodeURIComponent(id)}/file`;
  const title = distinctTitle(document.name, document.title);

  return (
    <main id="main" className={`mx-auto px-4 py-6 sm:px-6 ${document.kind === "pdf" ? "max-w-7xl" : "max-w-4xl"}`}>
      <Link href="/library" className="mb-4 inline-flex items-center gap-1 text-sm text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100">
        <ChevronLeftIcon /> Library
      </Link>
      <header className="mb-6 flex flex-wrap items-start gap-4 border-b border-zinc-200 pb-5 dark:border-zinc-800">
        <FileTypeIcon kind={document.kind} className="h-12 w-10" />
        <div className="min-w-0 flex-1">
          <h1 className="break-words text-xl font-semibold tracking-tight sm:text-2xl" data-testid="document-title">
            {document.name}
          </h1>
          {title && <p className="text-sm text-zinc-600 dark:text-zinc-400">{title}</p>}
          <p className="mt-1 text-sm text-zinc-500">
            {[
              kindLabel(document.kind),
              formatBytes(document.sizeBytes),
              document.pageCount ? plural(document.pageCount, "page") : null,
              plural(document.chunkCount, "chunk"),
              document.embeddingModel,
            ]
              .filter(Boolean)
              .join(" · ")}{" "}
            · added <LocalDate iso={document.createdAt} />
          </p>
          {document.status !== "ready" && (
            <div className="mt-2">
              <DocumentStatus document={document} />
            </div>
          )}
        </div>
        <a
          href={fileUrl}
          download={document.name}
          className="inline-flex items-center gap-1.5 rounded-lg border border-zinc-300 px-3 py-1.5 text-sm font-medium hover:bg-zinc-50 dark:border-zinc-700 dark:hover:bg-zinc-900"
        >
          <UploadIcon className="size-4 rotate-180" />
          Download original
        </a>
      </header>

      {chunkParameter && !citedChunk && (
        <p role="status" className="mb-4 rounded-lg bg-amber-50 px-4 py-2 text-sm text-amber-900 dark:bg-amber-950/40 dark:text-amber-200">
          The cited passage is no longer part of this document&apos;s index (it was reindexed since). Showing page {initialPage}.
        </p>
      )}

      {document.kind === "pdf" ? (
        <PdfDocumentViewLazy
          documentId={document.id}
          fileUrl={fileUrl}
          pageCount={document.pageCount}
          initialPage={initialPage}
          chunks={chunks}
          citedChunkId={citedChunk?.id ?? null}
        />
      ) : (
        <TextDocumentView chunks={chunks} citedChunkId={citedChunk?.id ?? null} />
      )}
    </main>
  );
}
