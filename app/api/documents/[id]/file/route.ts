import { Readable } from "node:stream";
import { requireDocument } from "@/lib/documents/document-service";
import { AppError } from "@/lib/errors";
import { handleErrors } from "@/lib/http/responses";
import { CONTENT_TYPES } from "@/lib/ingest/types";
import { getAppServices } from "@/lib/server/app-services";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = handleErrors(async (_request: Request, context: { params: Promise<{ id: string }> }) => {
  const { id } = await context.params;
  const services = getAppServices();
  const document = requireDocument(services, id);
  if (!(await services.fileStore.exists(document.sha256))) {
    throw new AppError("document.file_missing", "The stored file of this document is missing.");
  }
  const stream = Readable.toWeb(Readable.from(services.fileStore.openReadStream(document.sha256))) as ReadableStream<Uint8Array>;
  const encodedName = encodeURIComponent(document.name);
  return new Response(stream, {
    headers: {
      "Content-Type": CONTENT_TYPES[document.kind],
      "Content-Length": String(document.sizeBytes),
      "Content-Disposition": `inline; filename*=UTF-8''${encodedName}`,
      "X-Content-Type-Options": "nosniff",
      // Stored files are immutable (content-addressed); the HTML-free CSP keeps a hostile file inert.
      "Content-Security-Policy": "default-src 'none'; sandbox",
      "Cache-Control": "private, max-age=3600",
      ETag: `"${document.sha256}"`,
    },
  });
});
