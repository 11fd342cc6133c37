import type { NextRequest } from "next/server";
import { guardRequest } from "@/lib/auth/request-guard";
import { isDevelopmentServer } from "@/lib/config";
import { generateNonce, isPageRequest, pageContentSecurity } from "@/lib/http/content-security";

/**
 * Next.js proxy (formerly middleware; Node.js runtime): every page request passes the access
 * check first; the sign-in page is let through by the policy in lib/auth/access-policy.ts.
 * API routes are not matched: for a matched route Next buffers the whole request body in memory
 * (cut at 10 MB), which would defeat streamed uploads and their size limits. They run the same
 * check in `apiHandler` (lib/http/api-handler.ts), which every API route handler goes through.
 *
 * Pages also get their strict Content-Security-Policy here, with a fresh nonce per request: Next
 * reads it from the request header to nonce its inline scripts, and the browser from the response
 * (redirects and errors from the access check included). APIs and assets keep the static policy of
 * next.config.ts.
 */
export function proxy(request: NextRequest) {
  if (!isPageRequest(request.nextUrl.pathname)) return guardRequest(request);
  const security = pageContentSecurity(request.headers, { nonce: generateNonce(), development: isDevelopmentServer() });
  const response = guardRequest(request, { request: { headers: security.requestHeaders } });
  response.headers.set("Content-Security-Policy", security.policy);
  return response;
}

export const config = {
  matcher: ["/((?!_next/static/|api/).*)"],
};
