import { accessRefusal } from "@/lib/auth/request-guard";
import { AppError } from "@/lib/errors";
import { withRequestLog } from "@/lib/http/request-log";
import { errorResponse } from "@/lib/http/error-response";

/**
 * Wraps every API route handler: the access check (401/429 without valid credentials when
 * AUTH_TOKEN is set; lib/auth/request-guard.ts), then the handler, with errors mapped to the one
 * error shape and one request log line (lib/http/request-log.ts). APIs are checked here rather
 * than in proxy.ts because a proxy-matched route gets its request body buffered by Next.
 */
export function apiHandler<Incoming extends Request, Rest extends unknown[]>(
  route: string,
  handler: (request: Incoming, ...rest: Rest) => Promise<Response>,
): (request: Incoming, ...rest: Rest) => Promise<Response> {
  return withRequestLog(route, (request: Incoming, ...rest: Rest) => {
    const refusal = accessRefusal(request);
    return refusal ? Promise.resolve(refusal) : handler(request, ...rest);
  });
}

const ROUTE_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
type RouteMethod = (typeof ROUTE_METHODS)[number];

/**
 * Handlers for the methods a route does not have, to export beside its own: `405
 * request.method_not_allowed` with `Allow`, after the access check like every API call. Next's
 * own 405 for a missing export comes before any check, which told an anonymous caller which
 * routes exist (every unknown path answers 401 instead: app/api/[...path]/route.ts).
 */
export function otherMethods<const Allowed extends readonly RouteMethod[]>(
  route: string,
  allowed: Allowed,
): Record<Exclude<RouteMethod, Allowed[number]>, (request: Request) => Promise<Response>> {
  const notAllowed = apiHandler(route, (request: Request) =>
    Promise.resolve(
      errorResponse(new AppError("request.method_not_allowed", `${request.method} is not supported here; use ${allowed.join(" or ")}.`), { Allow: allowed.join(", ") }),
    ),
  );
  const handlers = Object.fromEntries(ROUTE_METHODS.filter((method) => !allowed.includes(method)).map((method) => [method, notAllowed]));
  return handlers as Record<Exclude<RouteMethod, Allowed[number]>, (request: Request) => Promise<Response>>;
}
