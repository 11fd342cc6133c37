import { NextResponse } from "next/server";
import { toChunkView } from "@/lib/domain/chunk-view";
import { requireDocument } from "@/lib/documents/document-service";
import { apiHandler, otherMethods } from "@/lib/server/api-handler";
import { getAppServices } from "@/lib/server/app-services";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const MAXIMUM_IDS = 100;

/**
 * A document's chunks in order: text, pages or section, page spans and token count.
 * `?ids=a,b` returns only those chunks (the chat's source panel needs one chunk's page spans).
 */
export const GET = apiHandler("/api/documents/[id]/chunks", async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const { id } = await context.params;
  const services = getAppServices();
  requireDocument(services, id);
  const ids = new URL(request.url).searchParams
    .get("ids")
    ?.split(",")
    .map((value) => value.trim())
    .filter(Boolean)
    .slice(0, MAXIMUM_IDS);
  const chunks = ids
    ? [...services.registry.getChunks(ids).values()].filter((chunk) => chunk.documentId === id).sort((left, right) => left.chunkIndex - right.chunkIndex)
    : services.registry.listChunks(id);
  return NextResponse.json({ chunks: chunks.map(toChunkView) });
});

// Other methods answer 405 after the access check, not before it (lib/server/api-handler.ts).
export const { POST, PUT, PATCH, DELETE } = otherMethods("/api/documents/[id]/chunks", ["GET"]);
