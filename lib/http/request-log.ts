import "server-only";
import { randomUUID } from "node:crypto";
import { errorResponse } from "@/lib/http/error-response";
import { logger, withLogContext } from "@/lib/logger";

/** The response header carrying the request id (also accepted from a trusted reverse proxy). */
export const REQUEST_ID_HEADER = "x-request-id";

// An id set by a reverse proxy is kept so its access log and ours line up; anything else
// (too long, odd characters) is replaced, so a client cannot forge log structure through it.
const INCOMING_ID_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;

/** The request id of `request`: the incoming `x-request-id` when well-formed, else a new UUID. */
export function requestIdOf(request: Request): string {
  const incoming = request.headers.get(REQUEST_ID_HEADER);
  return incoming !== null && INCOMING_ID_PATTERN.test(incoming) ? incoming : randomUUID();
}

function withHeader(response: Response, name: string, value: string): Response {
  try {
    response.headers.set(name, value);
    return response;
  } catch {
    // Headers of some responses (Response.redirect, fetched ones) are immutable: copy it.
    const copy = new Response(response.body, response);
    copy.headers.set(name, value);
    return copy;
  }
}

/**
 * Wraps a route handler: every thrown error becomes the standard `{ error: { code, message } }`
 * response (internal details and stack go to the log only), the response carries `x-request-id`,
 * and one `request` line is logged with the id, route, method, status and latency. Only those
 * fields are logged, never bodies, query strings, cookies or authorization headers. Log lines
 * written while the handler runs carry the same `requestId`. For a streamed response (the chat)
 * the latency is the time to the response head, not to the end of the stream.
 */
export function withRequestLog<Incoming extends Request, Rest extends unknown[]>(
  route: string,
  handler: (request: Incoming, ...rest: Rest) => Promise<Response>,
): (request: Incoming, ...rest: Rest) => Promise<Response> {
  return (request, ...rest) => {
    const requestId = requestIdOf(request);
    return withLogContext({ requestId }, async () => {
      const started = performance.now();
      let response: Response;
      try {
        response = await handler(request, ...rest);
      } catch (error) {
        response = errorResponse(error);
      }
      const status = response.status;
      const fields = { route, method: request.method, status, latencyMs: Math.round((performance.now() - started) * 10) / 10 };
      if (status >= 500) logger.warn("request", fields);
      else logger.info("request", fields);
      return withHeader(response, REQUEST_ID_HEADER, requestId);
    });
  };
}
