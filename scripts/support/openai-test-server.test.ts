import { createOpenAI } from "@ai-sdk/openai";
import { embedMany, generateText, streamText } from "ai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startOpenAITestServer, type OpenAITestServer } from "@/scripts/support/openai-test-server";

/** The scripted OpenAI-compatible test server speaks the format @ai-sdk/openai expects. */

let server: OpenAITestServer;
let provider: ReturnType<typeof createOpenAI>;

beforeAll(async () => {
  server = await startOpenAITestServer();
  provider = createOpenAI({ apiKey: "test-key", baseURL: server.baseUrl });
});

afterAll(async () => {
  await server.close();
});

beforeEach(() => server.reset());

describe("OpenAI test server", () => {
  it("streams a scripted answer in small deltas, with usage", async () => {
    server.enqueue({ kind: "answer", text: "Twenty days [1].", chunkSize: 2 });
    const result = streamText({ model: provider.chat("test-model"), prompt: "How many days?", maxRetries: 0 });
    const deltas: string[] = [];
    for await (const part of result.textStream) deltas.push(part);
    expect(deltas.join("")).toBe("Twenty days [1].");
    expect(deltas.length).toBe(8);
    expect((await result.totalUsage).outputTokens).toBe(3);
    expect(await result.finishReason).toBe("stop");
    const [request] = server.chatRequests();
    expect(request?.body).toMatchObject({ model: "test-model", stream: true, stream_options: { include_usage: true } });
    expect(request?.headers.authorization).toBe("Bearer test-key");
  });

  it("answers without streaming", async () => {
    server.enqueue({ kind: "answer", text: "Non-streamed." });
    const result = await generateText({ model: provider.chat("test-model"), prompt: "Hi", maxRetries: 0 });
    expect(result.text).toBe("Non-streamed.");
  });

  it("uses the default behaviour when the queue is empty", async () => {
    const result = await generateText({ model: provider.chat("test-model"), prompt: "Hi", maxRetries: 0 });
    expect(result.text).toBe("The documents answer this [1].");
  });

  it("returns deterministic, normalised embeddings", async () => {
    const { embeddings } = await embedMany({ model: provider.embedding("text-embedding-3-small"), values: ["dental care", "dental care", "parking"], maxRetries: 0 });
    expect(embeddings).toHaveLength(3);
    expect(embeddings[0]).toHaveLength(1536);
    expect(embeddings[0]).toEqual(embeddings[1]);
    expect(embeddings[0]).not.toEqual(embeddings[2]);
    expect(Math.hypot(...(embeddings[0] ?? []))).toBeCloseTo(1, 6);
  });

  it("records retries honouring Retry-After", async () => {
    server.enqueue({ kind: "status", status: 429, retryAfterSeconds: 1 }, { kind: "answer", text: "ok" });
    const result = await generateText({ model: provider.chat("test-model"), prompt: "Hi", maxRetries: 1 });
    expect(result.text).toBe("ok");
    const [first, second] = server.chatRequests();
    expect((second?.receivedAt ?? 0) - (first?.receivedAt ?? 0)).toBeGreaterThanOrEqual(950);
    expect(server.pending()).toBe(0);
  });

  it("breaks, sends malformed data and hangs on request", async () => {
    server.enqueue({ kind: "broken", afterText: "Half an" });
    const broken = streamText({ model: provider.chat("test-model"), prompt: "Hi", maxRetries: 0, onError: () => undefined });
    let text = "";
    await expect(async () => {
      for await (const part of broken.textStream) text += part;
    }).rejects.toThrow();
    expect(text).toBe("Half an");

    server.enqueue({ kind: "malformed" });
    const malformed = streamText({ model: provider.chat("test-model"), prompt: "Hi", maxRetries: 0, onError: () => undefined });
    const types: string[] = [];
    for await (const part of malformed.fullStream) types.push(part.type);
    expect(types).toContain("error");

    server.enqueue({ kind: "hang" });
    const hanging = streamText({ model: provider.chat("test-model"), prompt: "Hi", maxRetries: 0, abortSignal: AbortSignal.timeout(300) });
    const hangTypes: string[] = [];
    for await (const part of hanging.fullStream) hangTypes.push(part.type);
    expect(hangTypes).toContain("abort");
  });
});
