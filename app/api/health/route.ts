import { NextResponse, type NextRequest } from "next/server";
import { checkCredentials, getAccessServices } from "@/lib/auth/access-service";
import { SESSION_COOKIE } from "@/lib/auth/session-cookie";
import { getAppServices } from "@/lib/server/app-services";
import { isAppError } from "@/lib/errors";
import { clientKey } from "@/lib/http/rate-limit";
import { apiHandler } from "@/lib/http/api-handler";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Whether the caller may see the details (models, queue): always when access control is off. */
function maySeeDetails(request: NextRequest): boolean {
  try {
    const result = checkCredentials(getAccessServices(), {
      authorization: request.headers.get("authorization"),
      sessionId: request.cookies.get(SESSION_COOKIE)?.value,
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
  let vectorStore: { status: "ok" | "unavailable"; collection?: string; message?: string };
  try {
    const store = await services.getVectorStore();
    await store.heartbeat();
    vectorStore = { status: "ok", collection: store.collectionName };
  } catch (error) {
    vectorStore = { status: "unavailable", message: isAppError(error) ? error.message : "The vector database is not reachable." };
  }
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
