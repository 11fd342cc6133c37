import { NextResponse } from "next/server";
import { z } from "zod";
import { parseJsonBody } from "@/lib/http/responses";
import { MAXIMUM_QUERY_CHARACTERS, SEARCH_MODES } from "@/lib/retrieval/search";
import { cachedSearchWithScope, type SearchCacheOutcome } from "@/lib/retrieval/search-cache";
import { apiHandler, otherMethods } from "@/lib/server/api-handler";
import { clientKey } from "@/lib/http/rate-limit";
import { getAppServices } from "@/lib/server/app-services";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const searchRequestSchema = z.object({
  query: z.string().trim().min(1, "must not be empty").max(MAXIMUM_QUERY_CHARACTERS),
  topK: z.number().int().min(1).max(50).default(5),
  threshold: z.number().min(0).max(1).optional(),
  documentIds: z.array(z.string().min(1).max(100)).max(1000).optional(),
  /** hybrid (default): vectors and BM25 fused; vector or keyword alone. */
  mode: z.enum(SEARCH_MODES).default("hybrid"),
});

// A query, a few options and up to 1000 document ids fit easily.
const SEARCH_BODY_MAX_BYTES = 1024 * 1024;

export const POST = apiHandler("/api/search", async (request: Request) => {
  const services = getAppServices();
  services.rateLimiters.searches.take(clientKey(request));
  const input = await parseJsonBody(request, searchRequestSchema, { maxBytes: SEARCH_BODY_MAX_BYTES });
  const started = performance.now();
  let cacheOutcome: SearchCacheOutcome = "computed";
  // namedDocuments: the documents the query names by proper names, which the ranking prefers (decision 0010).
  const { results, preferredDocuments: namedDocuments } = await cachedSearchWithScope({
    cache: services.searchCache,
    query: input.query,
    topK: input.topK,
    threshold: input.threshold ?? services.config.search.similarityThreshold,
    documentIds: input.documentIds,
    mode: input.mode,
    registry: services.registry,
    embedder: services.embedder,
    vectorStore: await services.getVectorStore(),
    onOutcome: (outcome) => (cacheOutcome = outcome),
  });
  // tookMs and X-Search-Cache let a client tell queueing from searching (npm run loadtest does).
  return NextResponse.json({ results, namedDocuments, tookMs: Math.round(performance.now() - started) }, { headers: { "X-Search-Cache": cacheOutcome } });
});

// Other methods answer 405 after the access check, not before it (lib/server/api-handler.ts).
export const { GET, PUT, PATCH, DELETE } = otherMethods("/api/search", ["POST"]);
