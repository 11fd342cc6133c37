import { NextResponse } from "next/server";
import { getAppServices } from "@/lib/server/app-services";
import { isAppError } from "@/lib/errors";
import { withRequestLog } from "@/lib/http/request-log";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = withRequestLog("/api/health", async () => {
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
  return NextResponse.json(
    {
      status: healthy ? "ok" : "degraded",
      embedding: { provider: services.embedder.provider, model: services.embedder.modelId, dimensions: services.embedder.dimensions },
      chat: { mode: services.config.chat.mode, model: services.config.chat.model ?? null },
      vectorStore: { ...vectorStore, embedded: services.chromaServer !== undefined },
      indexing: { queued: services.queue.size },
    },
    { status: healthy ? 200 : 503 },
  );
});
