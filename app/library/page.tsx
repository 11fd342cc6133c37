import type { Metadata } from "next";
import { DocumentLibrary } from "@/components/library/document-library";
import { listDocumentViews } from "@/lib/documents/document-service";
import { getAppServices } from "@/lib/server/app-services";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Library" };

export default function LibraryPage() {
  // The first list is rendered on the server, so the page never flashes an empty state.
  const services = getAppServices();
  return (
    <main id="main" className="mx-auto max-w-6xl px-4 py-8 sm:px-6 2xl:max-w-7xl">
      <DocumentLibrary initialDocuments={listDocumentViews(services)} maxUploadBytes={services.config.upload.maxBytes} embeddingModel={services.embedder.modelId} />
    </main>
  );
}
