import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasProductionBuild, startApp, waitForDocuments, type RunningApp } from "@/tests/support/app-server";
import { startOpenAITestServer, type OpenAITestServer } from "@/scripts/support/openai-test-server";

/**
 * Embedding models are never mixed: one Chroma collection per model and dimension. Indexing
 * with the local model, then restarting the same DATA_DIR with OpenAI embeddings (served by a
 * local OpenAI-compatible test server, through the real @ai-sdk/openai provider) must show the
 * old documents as "needs reindex", search only the new model's collection, and reindex cleanly,
 * retrying embedding calls that fail with 429/5xx.
 */

const skip = !hasProductionBuild();
if (skip) console.log("embedding-models: skipped — no production build (npm test builds it)");

const MARKDOWN = "# Fleet\n\n## Vehicles\n\nCompany cars are serviced every twelve months at the central garage.\n";

async function upload(app: RunningApp, name: string, text: string): Promise<string> {
  const body = new FormData();
  body.append("file", new Blob([text]), name);
  const response = await fetch(`${app.baseUrl}/api/documents`, { method: "POST", body });
  expect(response.status).toBe(202);
  return ((await response.json()) as { documents: { id: string }[] }).documents[0]?.id ?? "";
}

async function search(app: RunningApp, query: string): Promise<{ documentId: string }[]> {
  const response = await fetch(`${app.baseUrl}/api/search`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, threshold: 0 }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { results: { documentId: string }[] }).results;
}

describe.skipIf(skip)("switching the embedding model", () => {
  let dataDirectory: string;
  let openai: OpenAITestServer;
  let documentId = "";

  beforeAll(async () => {
    dataDirectory = await fs.mkdtemp(path.join(os.tmpdir(), "cited-models-"));
    openai = await startOpenAITestServer();
  });

  afterAll(async () => {
    await openai?.close();
    await fs.rm(dataDirectory, { recursive: true, force: true });
  });

  it("indexes with the local model first", async () => {
    const app = await startApp({ dataDirectory });
    try {
      documentId = await upload(app, "fleet.md", MARKDOWN);
      const final = await waitForDocuments({ baseUrl: app.baseUrl, ids: [documentId], timeoutMs: 60_000 });
      expect(final[documentId]).toMatchObject({ status: "ready", embeddingModel: "all-MiniLM-L6-v2", needsReindex: false });
      expect((await search(app, "When are company cars serviced?"))[0]?.documentId).toBe(documentId);
    } finally {
      await app.stop({ keepData: true });
    }
  });

  it("after a switch to OpenAI embeddings, shows needs-reindex, searches only the new collection, and reindexes with retries", async () => {
    const app = await startApp({
      dataDirectory,
      environment: {
        OPENAI_API_KEY: "test-key",
        OPENAI_BASE_URL: openai.baseUrl,
        CHAT_MODEL: "test-model",
        EMBEDDING_PROVIDER: "openai",
        EMBEDDING_MODEL: "text-embedding-3-small",
      },
    });
    try {
      const health = (await (await fetch(`${app.baseUrl}/api/health`)).json()) as { embedding: { model: string; dimensions: number }; vectorStore: { collection: string } };
      expect(health.embedding).toMatchObject({ model: "text-embedding-3-small", dimensions: 1536 });
      expect(health.vectorStore.collection).toBe("cited_text-embedding-3-small_1536");

      const before = (await (await fetch(`${app.baseUrl}/api/documents/${documentId}`)).json()) as { document: { status: string; needsReindex: boolean; embeddingModel: string } };
      expect(before.document).toMatchObject({ status: "ready", needsReindex: true, embeddingModel: "all-MiniLM-L6-v2" });
      // The old vectors live in the MiniLM collection: the OpenAI collection has nothing yet.
      expect(await search(app, "When are company cars serviced?")).toEqual([]);

      openai.reset();
      openai.failEmbeddings({ count: 2, status: 429, retryAfterSeconds: 1 });
      const reindex = await fetch(`${app.baseUrl}/api/documents/${documentId}/reindex`, { method: "POST" });
      expect(reindex.status).toBe(202);
      const final = await waitForDocuments({ baseUrl: app.baseUrl, ids: [documentId], timeoutMs: 60_000 });
      expect(final[documentId]).toMatchObject({ status: "ready", embeddingModel: "text-embedding-3-small", needsReindex: false });
      const embeddingCalls = openai.requests.filter((request) => request.path === "/v1/embeddings");
      // Two refused calls, then the successful one, at least a Retry-After apart.
      expect(embeddingCalls.length).toBeGreaterThanOrEqual(3);
      const first = embeddingCalls[0]?.receivedAt ?? 0;
      const third = embeddingCalls[2]?.receivedAt ?? 0;
      expect(third - first).toBeGreaterThanOrEqual(1_500);
      expect(embeddingCalls[0]?.headers.authorization).toBe("Bearer test-key");
      expect((await search(app, "When are company cars serviced?"))[0]?.documentId).toBe(documentId);
    } finally {
      await app.stop({ keepData: true });
    }
  });
});
