import { ChromaClient, type Collection } from "chromadb";
import { Agent, request } from "undici";
import { createDeadline } from "@/lib/async/deadline";

/**
 * How Cited talks to a Chroma server: the chromadb client with a deadline on every request, and a
 * direct REST transport for the nearest-neighbour query every search makes.
 */

export interface ChromaConnection {
  url: string;
  tenant?: string;
  database?: string;
  authToken?: string;
  requestTimeoutMs: number;
}

/** The part of the client's internal HTTP layer used to give every request a deadline. */
interface InterceptableChromaClient {
  apiClient: { interceptors: { request: { use: (interceptor: (request: Request) => Request) => void } } };
}

/** Creates a Chroma client with request timeouts for `connection`. */
export function createChromaClient(connection: ChromaConnection): ChromaClient {
  const url = new URL(connection.url);
  const headers: Record<string, string> = {};
  if (connection.authToken) {
    headers.Authorization = `Bearer ${connection.authToken}`;
    headers["X-Chroma-Token"] = connection.authToken;
  }
  const client = new ChromaClient({
    host: url.hostname,
    port: url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80,
    ssl: url.protocol === "https:",
    tenant: connection.tenant,
    database: connection.database,
    headers,
  });
  // The client builds a `Request` and fetches it itself, so fetch options such as an undici
  // dispatcher with timeouts never reach the wire (a frozen server hung requests for minutes).
  // The deadline therefore rides on each request's own signal: connect, headers and body.
  (client as unknown as InterceptableChromaClient).apiClient.interceptors.request.use(
    (request) =>
      new Request(request, {
        signal: createDeadline({ signal: request.signal, milliseconds: connection.requestTimeoutMs, message: "The vector store did not answer in time." }).signal,
      }),
  );
  return client;
}

/** What Chroma's query endpoint answers when asked for ids and distances only. */
interface QueryResponse {
  ids?: string[][];
  distances?: (number | null)[][];
}

/**
 * Nearest-neighbour queries sent straight to Chroma's REST API through a keep-alive undici pool.
 * Every search makes one, on the request thread, and the client's path (a `Request` built three
 * times, web streams, an abort signal per call for the deadline) cost that thread several times
 * the CPU of this one (docs/performance.md, *The vector query*).
 * The pool's connect, headers and body timeouts are the deadline; a failure of any kind is
 * `store.unavailable`, as with the client.
 */
export function createQueryTransport(options: { connection: ChromaConnection; collection: Collection }): (body: object) => Promise<QueryResponse> {
  const { connection, collection } = options;
  // The origin only, as the client (createChromaClient) is given host, port and protocol.
  const endpoint = `${new URL(connection.url).origin}/api/v2/tenants/${encodeURIComponent(collection.tenant)}/databases/${encodeURIComponent(collection.database)}/collections/${encodeURIComponent(collection.id)}/query`;
  const timeout = connection.requestTimeoutMs;
  const dispatcher = new Agent({ connect: { timeout }, headersTimeout: timeout, bodyTimeout: timeout });
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (connection.authToken) {
    headers.authorization = `Bearer ${connection.authToken}`;
    headers["x-chroma-token"] = connection.authToken;
  }
  return async (body) => {
    const response = await request(endpoint, { method: "POST", dispatcher, headers, body: JSON.stringify(body) });
    if (response.statusCode < 200 || response.statusCode >= 300) {
      const detail = await response.body.text().catch(() => "");
      throw new Error(`Chroma answered the query with HTTP ${response.statusCode}: ${detail.slice(0, 300)}`);
    }
    return (await response.body.json()) as QueryResponse;
  };
}
