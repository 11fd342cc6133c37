import { AppError } from "@/lib/errors";
import { apiHandler } from "@/lib/server/api-handler";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// Unknown API paths answer in the API's own error shape, after the access check, so an anonymous
// caller cannot tell which routes exist (401 for every path).
const notFound = apiHandler("/api/[...path]", (request: Request) => Promise.reject(new AppError("route.not_found", `There is no API at ${new URL(request.url).pathname}.`)));

export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
