import "server-only";
import type { ZodType } from "zod";
import { AppError } from "@/lib/errors";
import { mediaTypeOf } from "@/lib/http/request-origin";

/** Largest JSON body accepted by default (a long chat history fits comfortably). */
export const MAXIMUM_JSON_BODY_BYTES = 8 * 1024 * 1024;

/**
 * Reads a request body as text, refusing it with `request.too_large` as soon as it passes
 * `maxBytes` (announced or counted while streaming), so a huge body is never buffered whole.
 */
export async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  const tooLarge = () => new AppError("request.too_large", `The request body is larger than ${Math.round(maxBytes / 1024 / 1024)} MB.`, { details: { maxBytes } });
  const announced = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(announced) && announced > maxBytes) throw tooLarge();
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Parses a JSON request body with a zod schema; failures become `request.invalid`, bodies over `maxBytes` `request.too_large`. */
export async function parseJsonBody<T>(request: Request, schema: ZodType<T>, options: { maxBytes?: number } = {}): Promise<T> {
  // The media type itself, not a substring: `text/plain; x=application/json` is a form's post.
  if (mediaTypeOf(request.headers.get("content-type")) !== "application/json") {
    throw new AppError("request.invalid", "Send a JSON body with Content-Type: application/json.");
  }
  const text = await readBodyText(request, options.maxBytes ?? MAXIMUM_JSON_BODY_BYTES);
  let raw: unknown;
  try {
    raw = JSON.parse(text) as unknown;
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
