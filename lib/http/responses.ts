import "server-only";
import { NextResponse } from "next/server";
import type { ZodType } from "zod";
import { AppError, isAppError, toErrorBody } from "@/lib/errors";
import { logger } from "@/lib/logger";

/** The one JSON error response: `{ error: { code, message } }` with the code's status. */
export function errorResponse(error: unknown, extraHeaders?: Record<string, string>): NextResponse {
  const { status, body } = toErrorBody(error);
  const retryAfter = isAppError(error) ? error.details?.retryAfterSeconds : undefined;
  if (typeof retryAfter === "number") extraHeaders = { ...extraHeaders, "Retry-After": String(retryAfter) };
  if (!isAppError(error)) logger.error("request.unhandled_error", { error });
  else if (status >= 500) logger.warn("request.failed", { code: body.error.code, error });
  return NextResponse.json(body, { status, headers: extraHeaders });
}

/** Wraps a route handler so every thrown error becomes the standard error response. */
export function handleErrors<Arguments extends unknown[]>(
  handler: (...parameters: Arguments) => Promise<Response>,
): (...parameters: Arguments) => Promise<Response> {
  return async (...parameters) => {
    try {
      return await handler(...parameters);
    } catch (error) {
      return errorResponse(error);
    }
  };
}

/** Parses a JSON request body with a zod schema; failures become `request.invalid`. */
export async function parseJsonBody<T>(request: Request, schema: ZodType<T>): Promise<T> {
  if (!(request.headers.get("content-type") ?? "").toLowerCase().includes("application/json")) {
    throw new AppError("request.invalid", "Send a JSON body with Content-Type: application/json.");
  }
  let raw: unknown;
  try {
    raw = await request.json();
  } catch {
    throw new AppError("request.invalid", "The request body is not valid JSON.");
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`).join("; ");
    throw new AppError("request.invalid", `Invalid request: ${details}`);
  }
  return parsed.data;
}
