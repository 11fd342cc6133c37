import { NextResponse, type NextRequest } from "next/server";
import { routeKind, signInPath } from "@/lib/auth/access-policy";
import { checkCredentials, getAccessServices } from "@/lib/auth/access-service";
import { SESSION_COOKIE } from "@/lib/auth/session-cookie";
import { AppError, isAppError, toErrorBody } from "@/lib/errors";
import { clientKey } from "@/lib/http/rate-limit";

/**
 * The one access check, run by `proxy.ts` before every route (pages, APIs, document files,
 * streams): anonymous API calls get 401 `auth.required`, anonymous page views a redirect to
 * the sign-in page. Without AUTH_TOKEN every request passes.
 */

function jsonError(error: unknown): NextResponse {
  const { status, body } = toErrorBody(error);
  const response = NextResponse.json(body, { status });
  const retryAfter = isAppError(error) ? error.details?.retryAfterSeconds : undefined;
  if (typeof retryAfter === "number") response.headers.set("Retry-After", String(retryAfter));
  if (status === 401) response.headers.set("WWW-Authenticate", 'Bearer realm="cited"');
  return response;
}

/**
 * Lets the request through (`NextResponse.next(pass)`; `pass` can hand new request headers to the
 * route) or answers it with 401, 429 or a redirect to sign in.
 */
export function guardRequest(request: NextRequest, pass?: Parameters<typeof NextResponse.next>[0]): NextResponse {
  const services = getAccessServices();
  if (!services.enabled) return NextResponse.next(pass);
  const { pathname, search } = request.nextUrl;
  const kind = routeKind(pathname);
  if (kind === "public") return NextResponse.next(pass);

  let response: NextResponse;
  try {
    const result = checkCredentials(services, {
      authorization: request.headers.get("authorization"),
      sessionId: request.cookies.get(SESSION_COOKIE)?.value,
      client: clientKey(request),
    });
    if (result.status === "authenticated") return NextResponse.next(pass);
    if (result.status === "rejected" && result.method === "bearer") {
      response = jsonError(new AppError("auth.invalid_token", "The bearer token is not valid."));
    } else if (kind === "api") {
      response = jsonError(new AppError("auth.required", "Sign in at /sign-in, or send the access token as Authorization: Bearer <AUTH_TOKEN>."));
    } else {
      response = NextResponse.redirect(new URL(signInPath(pathname, search), request.url), 303);
    }
    // A dead session cookie is of no further use to the browser.
    if (result.status === "rejected" && result.method === "session") response.cookies.delete(SESSION_COOKIE);
  } catch (error) {
    response = jsonError(error);
  }
  response.headers.set("Cache-Control", "no-store");
  return response;
}
