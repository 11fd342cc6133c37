import { NextResponse, type NextRequest } from "next/server";
import { checkCredentials, getAccessServices } from "@/lib/auth/access-service";
import { sessionIdFrom } from "@/lib/auth/session-cookie";
import { getAppServices } from "@/lib/server/app-services";
import { clientKey } from "@/lib/http/rate-limit";
import { apiHandler, otherMethods } from "@/lib/server/api-handler";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Whether the caller may see the details (models, queue): always when access control is off. */
function maySeeDetails(request: NextRequest): boolean {
  try {
    const result = checkCredentials(getAccessServices(), {
      authorization: request.headers.get("authorization"),
      sessionId: sessionIdFrom(request),
      client: clientKey(request),
    });
    return result.status === "authenticated";
  } catch {
    return false;
  }
}

// A liveness probe: open even with access control on, but anonymous callers learn the status only.
export const GET = apiHandler("/api/health", async (request: NextRequest) => {
  const services = getAppServices();
  // Shared by every caller for a second: a flood of anonymous probes costs Chroma one heartbeat.
  const vectorStore = await services.vectorStoreHealth();
  const healthy = vectorStore.status === "ok";
  if (!maySeeDetails(request)) return NextResponse.json({ status: healthy ? "ok" : "degraded" }, { status: healthy ? 200 : 503 });
  return NextResponse.json(
    {
      status: healthy ? "ok" : "degraded",
      embedding: {
        provider: services.embedder.provider,
        model: services.embedder.modelId,
        dimensions: services.embedder.dimensions,
        // Busy time ÷ wall time over an interval is the pipeline efficiency (npm run bench).
        statistics: services.embedder.statistics(),
      },
      chat: { mode: services.config.chat.mode, model: services.config.chat.model ?? null },
      vectorStore: { ...vectorStore, embedded: services.chromaServer !== undefined },
      indexing: { queued: services.queue.size },
      searchCache: services.searchCache.statistics(),
    },
    { status: healthy ? 200 : 503 },
  );
});

// Other methods answer 405 after the access check, not before it (lib/server/api-handler.ts).
export const { POST, PUT, PATCH, DELETE } = otherMethods("/api/health", ["GET"]);
