import { NextResponse } from "next/server";
import { listDocumentViews } from "@/lib/documents/document-service";
import { handleUpload } from "@/lib/ingest/upload";
import { errorResponse } from "@/lib/http/error-response";
import { apiHandler, otherMethods } from "@/lib/server/api-handler";
import { getAppServices } from "@/lib/server/app-services";
import { AppError } from "@/lib/errors";
import { clientKey } from "@/lib/http/rate-limit";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = apiHandler("/api/documents", () => {
  const services = getAppServices();
  return Promise.resolve(NextResponse.json({ documents: listDocumentViews(services) }));
});

export const POST = apiHandler("/api/documents", async (request: Request) => {
  const services = getAppServices();
  services.rateLimiters.uploads.take(clientKey(request));
  const results = await handleUpload({ request, services });
  const accepted = results.filter((result) => result.status === "accepted");
  if (accepted.length > 0) {
    return NextResponse.json({ documents: accepted.map((result) => result.document), results }, { status: 202 });
  }
  // Nothing accepted: answer with the first refusal's code and status, and every file's result.
  const first = results[0];
  const error = first && first.status !== "accepted" ? new AppError(first.error.code, first.error.message) : new AppError("upload.no_files", "No file was accepted.");
  const response = errorResponse(error);
  const body = (await response.json()) as Record<string, unknown>;
  return NextResponse.json({ ...body, results }, { status: response.status });
});

// Other methods answer 405 after the access check, not before it (lib/server/api-handler.ts).
export const { PUT, PATCH, DELETE } = otherMethods("/api/documents", ["GET", "POST"]);
