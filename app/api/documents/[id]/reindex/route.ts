import { NextResponse } from "next/server";
import { reindexDocument } from "@/lib/documents/document-service";
import { apiHandler, otherMethods } from "@/lib/server/api-handler";
import { getAppServices } from "@/lib/server/app-services";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = apiHandler("/api/documents/[id]/reindex", async (_request: Request, context: { params: Promise<{ id: string }> }) => {
  const { id } = await context.params;
  const document = await reindexDocument(getAppServices(), id);
  return NextResponse.json({ document }, { status: 202 });
});

// Other methods answer 405 after the access check, not before it (lib/server/api-handler.ts).
export const { GET, PUT, PATCH, DELETE } = otherMethods("/api/documents/[id]/reindex", ["POST"]);
