/**
 * One error model for the whole application: every failure a client may see is an
 * `AppError` with a stable, dotted code and an HTTP status. Anything else is an internal
 * error whose details go to the log only.
 */

export const ERROR_STATUS = {
  "request.invalid": 400,
  "auth.required": 401,
  "auth.invalid_token": 401,
  "request.rate_limited": 429,
  "request.cross_site": 403,
  "request.method_not_allowed": 405,
  "request.host_not_allowed": 421,
  "request.too_large": 413,
  "request.not_multipart": 415,
  "request.malformed_multipart": 400,
  "upload.no_files": 400,
  "upload.too_many_files": 413,
  "upload.too_large": 413,
  "upload.empty_file": 400,
  "upload.unsupported_type": 415,
  "upload.content_mismatch": 415,
  "upload.invalid_name": 400,
  "upload.duplicate": 409,
  "upload.rejected": 422,
  "upload.busy": 503,
  "upload.disk_full": 507,
  "pdf.encrypted": 422,
  "pdf.invalid": 422,
  "pdf.no_text": 422,
  "pdf.too_complex": 422,
  "docx.invalid": 422,
  "docx.zip_bomb": 413,
  "docx.unsupported_variant": 422,
  "docx.no_text": 422,
  "text.invalid_encoding": 415,
  "text.no_text": 422,
  "document.not_found": 404,
  "route.not_found": 404,
  "document.not_ready": 409,
  "document.file_missing": 410,
  "search.invalid_query": 400,
  "chat.invalid_request": 400,
  "chat.question_too_long": 413,
  "chat.too_many_messages": 413,
  "chat.model_unavailable": 502,
  "chat.rate_limited": 429,
  "conversation.not_found": 404,
  "store.unavailable": 503,
  "embedding.unavailable": 503,
  "embedding.failed": 502,
  "embedding.model_mismatch": 409,
  "indexing.failed": 500,
  "indexing.timeout": 500,
  "indexing.interrupted": 422,
  "parse.timeout": 422,
  "parse.too_large": 422,
  "internal.error": 500,
} as const;

/** Every code a client may see: the keys of the table above, from the throw to the JSON body. */
export type ErrorCode = keyof typeof ERROR_STATUS;

/** True when `code` is one of the table's codes (for codes read back from storage or another process). */
export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_STATUS, code);
}

/** An error whose code and message are safe to show to a client. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.details = options?.details;
  }
}

/** True when `error` is an `AppError` (also across module copies, by shape). */
export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError || (error instanceof Error && error.name === "AppError" && typeof (error as AppError).code === "string");
}

/** An error as a client sees it, alone or beside a result (an upload's refused file). */
export interface PublicError {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

/** The public JSON body of an error: `{ error: { code, message } }`. */
export interface ErrorBody {
  error: PublicError;
}

/** Converts any thrown value into the public error body and status; internals are never exposed. */
export function toErrorBody(error: unknown): { status: number; body: ErrorBody } {
  if (isAppError(error)) {
    const body: ErrorBody = { error: { code: error.code, message: error.message } };
    if (error.details) body.error.details = error.details;
    return { status: error.status, body };
  }
  return {
    status: 500,
    body: { error: { code: "internal.error", message: "Something went wrong on the server. The details are in the server log." } },
  };
}
