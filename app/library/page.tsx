import { DocumentLibrary } from "@/components/library/document-library";

export const dynamic = "force-dynamic";

export default function LibraryPage() {
  return (
    <section className="space-y-6">
      <h1 className="text-2xl font-semibold">Library</h1>
      <DocumentLibrary />
    </section>
  );
}
