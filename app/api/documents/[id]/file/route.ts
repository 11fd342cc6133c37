import { Readable } from "node:stream";
import { requireDocument } from "@/lib/documents/document-service";
import { AppError } from "@/lib/errors";
import { CONTENT_TYPES } from "@/lib/contracts/documents";
import { apiHandler, otherMethods } from "@/lib/server/api-handler";
import { getAppServices } from "@/lib/server/app-services";
import { isAccessControlEnabled } from "@/lib/auth/access-service";
import { FILE_CONTENT_SECURITY_POLICY, servedFileCacheControl } from "@/lib/http/security-headers";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = apiHandler("/api/documents/[id]/file", async (_request: Request, context: { params: Promise<{ id: string }> }) => {
  const { id } = await context.params;
  const services = getAppServices();
  const document = requireDocument(services, id);
  if (!(await services.fileStore.exists(document.sha256))) {
    throw new AppError("document.file_missing", "The stored file of this document is missing.");
  }
  const stream = Readable.toWeb(Readable.from(services.fileStore.openReadStream(document.sha256))) as ReadableStream<Uint8Array>;
  const encodedName = encodeURIComponent(document.name);
  // Only PDFs are shown by the browser itself; anything else is a download, never a page.
  const disposition = document.kind === "pdf" ? "inline" : "attachment";
  return new Response(stream, {
    headers: {
      "Content-Type": CONTENT_TYPES[document.kind],
      "Content-Length": String(document.sizeBytes),
      "Content-Disposition": `${disposition}; filename*=UTF-8''${encodedName}`,
      "X-Content-Type-Options": "nosniff",
      // The sandboxing CSP keeps a hostile file inert.
      "Content-Security-Policy": FILE_CONTENT_SECURITY_POLICY,
      "Cache-Control": servedFileCacheControl({ accessControl: isAccessControlEnabled() }),
      ETag: `"${document.sha256}"`,
    },
  });
});

// Other methods answer 405 after the access check, not before it (lib/server/api-handler.ts).
export const { POST, PUT, PATCH, DELETE } = otherMethods("/api/documents/[id]/file", ["GET"]);
