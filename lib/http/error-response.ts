import { NextResponse } from "next/server";
import { isAppError, toErrorBody } from "@/lib/errors";
import { logger } from "@/lib/logger";

// No `server-only` marker: the access check in proxy.ts answers with it too, and the proxy bundle
// is not a React Server Components bundle (docs/decisions/0003-access-control.md).

/**
 * The one JSON error response, for the routes and the access check alike: `{ error: { code,
 * message } }` with the code's status, and `Retry-After` when the error says when to try again.
 */
export function errorResponse(error: unknown, extraHeaders?: Record<string, string>): NextResponse {
  const { status, body } = toErrorBody(error);
  const retryAfter = isAppError(error) ? error.details?.retryAfterSeconds : undefined;
  if (typeof retryAfter === "number") extraHeaders = { ...extraHeaders, "Retry-After": String(retryAfter) };
  if (!isAppError(error)) logger.error("request.unhandled_error", { error });
  else if (status >= 500) logger.warn("request.failed", { code: body.error.code, error });
  return NextResponse.json(body, { status, headers: extraHeaders });
}
