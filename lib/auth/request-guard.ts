import { NextResponse, type NextRequest } from "next/server";
import { routeKind, signInPath } from "@/lib/auth/access-policy";
import { checkCredentials, getAccessServices } from "@/lib/auth/access-service";
import { isSecureRequest, sessionCookieAttributes, sessionCookieName, sessionIdFrom } from "@/lib/auth/session-cookie";
import { AppError } from "@/lib/errors";
import { getConfig } from "@/lib/config";
import { clientKey } from "@/lib/http/rate-limit";
import { assertAllowedHost, assertSameOrigin } from "@/lib/http/request-origin";
import { errorResponse } from "@/lib/http/error-response";

/**
 * The one access check: `proxy.ts` runs it before every page, and `apiHandler`
 * (lib/server/api-handler.ts) before every API route (document files and streams included).
 * Anonymous API calls get 401 `auth.required`, anonymous page views a redirect to the sign-in
 * page. Without AUTH_TOKEN every request passes.
 */

/** The error response every route gives (lib/http/error-response.ts), with the challenge a 401 names. */
function jsonError(error: unknown): NextResponse {
  const response = errorResponse(error);
  if (response.status === 401) response.headers.set("WWW-Authenticate", 'Bearer realm="cited"');
  return response;
}

/**
 * The answer to a request for a host name this app is not served as (421), to a state-changing
 * request another site's page sent (403; lib/http/request-origin.ts), or to one without valid
 * credentials (401, 429 or a redirect to sign in), or undefined when it may go on. Takes a plain
 * `Request`: the proxy calls it for pages, and every API route calls it through `apiHandler`
 * (lib/server/api-handler.ts), because a proxy matching a route makes Next buffer its request body
 * (and cut it at 10 MB), which would break streamed uploads and their limits.
 */
export function accessRefusal(request: Request): NextResponse | undefined {
  try {
    // Open mode too: there, these are the only thing between another site's page and the library.
    assertAllowedHost(request, getConfig().http.allowedHosts);
    assertSameOrigin(request);
  } catch (error) {
    const response = jsonError(error);
    response.headers.set("Cache-Control", "no-store");
    return response;
  }
  const services = getAccessServices();
  if (!services.enabled) return undefined;
  const { pathname, search } = new URL(request.url);
  const kind = routeKind(pathname);
  if (kind === "public") return undefined;

  let response: NextResponse;
  try {
    const result = checkCredentials(services, {
      authorization: request.headers.get("authorization"),
      sessionId: sessionIdFrom(request),
      client: clientKey(request),
    });
    if (result.status === "authenticated") return undefined;
    if (result.status === "rejected" && result.method === "bearer") {
      response = jsonError(new AppError("auth.invalid_token", "The bearer token is not valid."));
    } else if (kind === "api") {
      response = jsonError(new AppError("auth.required", "Sign in at /sign-in, or send the access token as Authorization: Bearer <AUTH_TOKEN>."));
    } else {
      response = NextResponse.redirect(new URL(signInPath(pathname, search), request.url), 303);
    }
    // A dead session cookie is of no further use to the browser.
    // Cleared with the attributes it was set with: a `__Host-` cookie is only replaced by a Secure one.
    if (result.status === "rejected" && result.method === "session") {
      const secure = isSecureRequest(request);
      response.cookies.set(sessionCookieName(secure), "", sessionCookieAttributes({ secure, maxAgeSeconds: 0 }));
    }
  } catch (error) {
    response = jsonError(error);
  }
  response.headers.set("Cache-Control", "no-store");
  return response;
}

/**
 * Lets the request through (`NextResponse.next(pass)`; `pass` can hand new request headers to the
 * route) or answers it with 401, 429 or a redirect to sign in.
 */
export function guardRequest(request: NextRequest, pass?: Parameters<typeof NextResponse.next>[0]): NextResponse {
  return accessRefusal(request) ?? NextResponse.next(pass);
}
