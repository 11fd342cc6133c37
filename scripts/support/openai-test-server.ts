import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";

/**
 * A small OpenAI-compatible HTTP server for the tests and the bench's instant-model stage:
 * `POST /v1/chat/completions` (streaming and not) and `POST /v1/embeddings`. Each chat request
 * takes the next scripted behaviour from a queue (or the default one), and every request is
 * recorded with its body and arrival time so tests can assert the prompt that was sent, the
 * number of retries and the delay between them.
 *
 * The streamed format follows OpenAI's `chat.completion.chunk` events as `@ai-sdk/openai`'s chat
 * model parses them: `data: {json}` lines, a first chunk with the assistant role, content deltas,
 * a chunk with `finish_reason: "stop"`, a usage chunk with empty `choices` when
 * `stream_options.include_usage` is set, then `data: [DONE]`.
 */

export type ModelBehaviour =
  /** Answers with `text`, streamed in deltas of `chunkSize` characters (default 4). */
  | { kind: "answer"; text: string; chunkSize?: number; delayMs?: number }
  /** Refuses with an HTTP status and an OpenAI-style error body, optionally with `Retry-After`. */
  | { kind: "status"; status: number; retryAfterSeconds?: number; message?: string }
  /** Streams `afterText`, then destroys the socket mid-stream. */
  | { kind: "broken"; afterText: string }
  /** Sends a 200 event stream whose first data line is not valid JSON. */
  | { kind: "malformed" }
  /** Never answers (or stops after streaming `afterText`), keeping the connection open. */
  | { kind: "hang"; afterText?: string };

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The parsed JSON body, or the raw text when it was not JSON. */
  body: unknown;
  /** `Date.now()` when the request arrived. */
  receivedAt: number;
  /** The behaviour a chat request was served with. */
  behaviour?: ModelBehaviour;
}

/** The parts of a chat completions request body that tests look at. */
export interface ChatCompletionsBody {
  model: string;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  max_tokens?: number;
  messages: { role: string; content: string | { type: string; text?: string }[] }[];
}

export interface OpenAITestServer {
  /** `http://127.0.0.1:<port>/v1`, the value for OPENAI_BASE_URL. */
  baseUrl: string;
  port: number;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** The chat completions requests only. */
  chatRequests(): RecordedRequest[];
  /** Appends behaviours for the next chat requests. */
  enqueue(...behaviours: ModelBehaviour[]): void;
  /** Behaviours not used yet. */
  pending(): number;
  /** The behaviour used when the queue is empty. */
  setDefault(behaviour: ModelBehaviour): void;
  /** Makes the next `count` embedding requests fail with `status` (and Retry-After, if given). */
  failEmbeddings(options: { count: number; status: number; retryAfterSeconds?: number }): void;
  /** Clears the queue and the recorded requests (the default behaviour stays). */
  reset(): void;
  close(): Promise<void>;
}

const DEFAULT_BEHAVIOUR: ModelBehaviour = { kind: "answer", text: "The documents answer this [1]." };
const EMBEDDING_DIMENSIONS = 1536;

/** The text of a chat message's content (string or content parts). */
export function messageContent(message: ChatCompletionsBody["messages"][number]): string {
  if (typeof message.content === "string") return message.content;
  return message.content.map((part) => part.text ?? "").join("");
}

/** A deterministic, normalised bag-of-words vector: equal texts get equal vectors. */
export function fakeEmbedding(text: string, dimensions = EMBEDDING_DIMENSIONS): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  const words = text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  for (const word of words.length > 0 ? words : [""]) {
    const digest = createHash("sha256").update(word).digest();
    const index = digest.readUInt32BE(0) % dimensions;
    vector[index] = (vector[index] ?? 0) + ((digest[4] ?? 0) % 2 === 0 ? 1 : -1);
  }
  const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0)) || 1;
  return vector.map((value) => value / norm);
}

function approximateTokens(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function sendJson(response: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}

function pieces(text: string, size: number): string[] {
  const result: string[] = [];
  for (let index = 0; index < text.length; index += size) result.push(text.slice(index, index + size));
  return result;
}

const wait = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/** Starts the server on a free 127.0.0.1 port. */
export async function startOpenAITestServer(options: { defaultBehaviour?: ModelBehaviour } = {}): Promise<OpenAITestServer> {
  const queue: ModelBehaviour[] = [];
  const requests: RecordedRequest[] = [];
  const embeddingFailures: { count: number; status: number; retryAfterSeconds?: number } = { count: 0, status: 500 };
  const sockets = new Set<Socket>();
  let defaultBehaviour = options.defaultBehaviour ?? DEFAULT_BEHAVIOUR;
  let completionCounter = 0;

  async function streamCompletion(response: http.ServerResponse, body: ChatCompletionsBody, behaviour: ModelBehaviour): Promise<void> {
    completionCounter += 1;
    const id = `chatcmpl-test-${completionCounter}`;
    const created = Math.floor(Date.now() / 1000);
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
      `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: body.model, system_fingerprint: null, choices, ...extra })}\n\n`;
    const delta = (content: string) => chunk([{ index: 0, delta: { content }, logprobs: null, finish_reason: null }]);
    response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    if (behaviour.kind === "malformed") {
      response.write('data: {"id": "chatcmpl-broken", "choices": [{"delta": {"content": "Hel\n\n');
      response.end("data: [DONE]\n\n");
      return;
    }
    response.write(chunk([{ index: 0, delta: { role: "assistant", content: "" }, logprobs: null, finish_reason: null }]));
    const text = behaviour.kind === "answer" ? behaviour.text : behaviour.kind === "broken" || behaviour.kind === "hang" ? (behaviour.afterText ?? "") : "";
    const size = behaviour.kind === "answer" ? Math.max(1, behaviour.chunkSize ?? 4) : 4;
    for (const piece of pieces(text, size)) {
      if (response.destroyed) return;
      response.write(delta(piece));
      await wait(behaviour.kind === "answer" ? (behaviour.delayMs ?? 2) : 2);
    }
    if (behaviour.kind === "broken") {
      // Let the deltas reach the client, then cut the connection without ending the response.
      await wait(100);
      response.socket?.destroy();
      return;
    }
    if (behaviour.kind === "hang") return;
    response.write(chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: "stop" }]));
    if (body.stream_options?.include_usage) {
      const promptTokens = body.messages.reduce((sum, message) => sum + approximateTokens(messageContent(message)), 0);
      const completionTokens = approximateTokens(text);
      response.write(chunk([], { usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens } }));
    }
    response.end("data: [DONE]\n\n");
  }

  function completeAtOnce(response: http.ServerResponse, body: ChatCompletionsBody, behaviour: ModelBehaviour): void {
    if (behaviour.kind === "hang") return;
    if (behaviour.kind === "malformed") {
      response.writeHead(200, { "content-type": "application/json" });
      response.end('{"id": "chatcmpl-broken", "choices": [');
      return;
    }
    if (behaviour.kind === "broken") {
      response.writeHead(200, { "content-type": "application/json" });
      response.write(`{"id": "chatcmpl-broken", "choices": [{"index": 0, "message": {"role": "assistant", "content": ${JSON.stringify(behaviour.afterText)}`);
      setTimeout(() => response.socket?.destroy(), 50);
      return;
    }
    const text = behaviour.kind === "answer" ? behaviour.text : "";
    completionCounter += 1;
    const promptTokens = body.messages.reduce((sum, message) => sum + approximateTokens(messageContent(message)), 0);
    sendJson(response, 200, {
      id: `chatcmpl-test-${completionCounter}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      choices: [{ index: 0, message: { role: "assistant", content: text, refusal: null }, logprobs: null, finish_reason: "stop" }],
      usage: { prompt_tokens: promptTokens, completion_tokens: approximateTokens(text), total_tokens: promptTokens + approximateTokens(text) },
    });
  }

  async function handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const raw = await readBody(request);
    let body: unknown = raw;
    try {
      body = JSON.parse(raw) as unknown;
    } catch {
      // Recorded as text.
    }
    const path = (request.url ?? "/").split("?")[0] ?? "/";
    const record: RecordedRequest = { method: request.method ?? "GET", path, headers: request.headers, body, receivedAt: Date.now() };
    requests.push(record);

    if (request.method !== "POST") return sendJson(response, 405, { error: { message: "Only POST is supported.", type: "invalid_request_error" } });
    if (typeof body !== "object" || body === null) return sendJson(response, 400, { error: { message: "The body is not JSON.", type: "invalid_request_error" } });

    if (path === "/v1/embeddings") {
      if (embeddingFailures.count > 0) {
        embeddingFailures.count -= 1;
        const headers: Record<string, string> = embeddingFailures.retryAfterSeconds === undefined ? {} : { "retry-after": String(embeddingFailures.retryAfterSeconds) };
        return sendJson(response, embeddingFailures.status, { error: { message: "Scripted embedding failure.", type: "server_error" } }, headers);
      }
      const input = (body as { input?: unknown }).input;
      const dimensions = (body as { dimensions?: number }).dimensions ?? EMBEDDING_DIMENSIONS;
      const texts = (Array.isArray(input) ? (input as unknown[]) : [input]).map((item) => (typeof item === "string" ? item : JSON.stringify(item ?? "")));
      return sendJson(response, 200, {
        object: "list",
        data: texts.map((text, index) => ({ object: "embedding", index, embedding: fakeEmbedding(text, dimensions) })),
        model: (body as { model?: string }).model ?? "text-embedding-3-small",
        usage: { prompt_tokens: texts.reduce((sum, text) => sum + approximateTokens(text), 0), total_tokens: texts.reduce((sum, text) => sum + approximateTokens(text), 0) },
      });
    }

    if (path === "/v1/chat/completions") {
      const chatBody = body as ChatCompletionsBody;
      if (!Array.isArray(chatBody.messages)) return sendJson(response, 400, { error: { message: "messages is required.", type: "invalid_request_error" } });
      const behaviour = queue.shift() ?? defaultBehaviour;
      record.behaviour = behaviour;
      if (behaviour.kind === "status") {
        const headers: Record<string, string> = behaviour.retryAfterSeconds === undefined ? {} : { "retry-after": String(behaviour.retryAfterSeconds) };
        const type = behaviour.status === 429 ? "rate_limit_exceeded" : behaviour.status >= 500 ? "server_error" : "invalid_request_error";
        return sendJson(response, behaviour.status, { error: { message: behaviour.message ?? `Scripted status ${behaviour.status}.`, type, param: null, code: type } }, headers);
      }
      if (chatBody.stream) return streamCompletion(response, chatBody, behaviour);
      return completeAtOnce(response, chatBody, behaviour);
    }

    return sendJson(response, 404, { error: { message: `Unknown path ${path}.`, type: "invalid_request_error" } });
  }

  const server = http.createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { error: { message: String(error), type: "server_error" } });
      else response.destroy();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    chatRequests: () => requests.filter((request) => request.path === "/v1/chat/completions"),
    enqueue: (...behaviours) => {
      queue.push(...behaviours);
    },
    pending: () => queue.length,
    setDefault: (behaviour) => {
      defaultBehaviour = behaviour;
    },
    failEmbeddings: (failure) => {
      Object.assign(embeddingFailures, failure);
    },
    reset: () => {
      queue.length = 0;
      requests.length = 0;
      embeddingFailures.count = 0;
    },
    close: async () => {
      // Hanging responses would keep the server open forever.
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
