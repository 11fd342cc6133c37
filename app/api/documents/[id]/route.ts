import { NextResponse } from "next/server";
import { deleteDocument, requireDocument } from "@/lib/documents/document-service";
import { toDocumentView } from "@/lib/domain/document-view";
import { apiHandler, otherMethods } from "@/lib/server/api-handler";
import { getAppServices } from "@/lib/server/app-services";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

interface Context {
  params: Promise<{ id: string }>;
}

export const GET = apiHandler("/api/documents/[id]", async (_request: Request, context: Context) => {
  const { id } = await context.params;
  const services = getAppServices();
  return NextResponse.json({ document: toDocumentView(requireDocument(services, id), services.embedder.modelId) });
});

export const DELETE = apiHandler("/api/documents/[id]", async (_request: Request, context: Context) => {
  const { id } = await context.params;
  await deleteDocument(getAppServices(), id);
  return new NextResponse(null, { status: 204 });
});

// Other methods answer 405 after the access check, not before it (lib/server/api-handler.ts).
export const { POST, PUT, PATCH } = otherMethods("/api/documents/[id]", ["GET", "DELETE"]);
