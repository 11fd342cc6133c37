import { bearerToken, tokenFingerprint, tokensMatch } from "@/lib/auth/credentials";
import type { SessionStore } from "@/lib/auth/session-store";

/**
 * Which requests need credentials, and whether a request has valid ones. Pure: the proxy and
 * the routes feed it headers and the session store.
 */

/** How a path is guarded: `public` paths are always served, `api` answers 401, `page` redirects to sign-in. */
export type RouteKind = "public" | "api" | "page";

// Everything else needs credentials. The health probe stays open but answers anonymous callers
// with its status only (app/api/health/route.ts); sign-out only ends the session it is sent.
const PUBLIC_PATHS = new Set(["/sign-in", "/api/auth/sign-in", "/api/auth/sign-out", "/api/health", "/favicon.ico", "/icon.svg"]);
// Build output: hashed JS and CSS bundles the sign-in page itself needs, no data.
const PUBLIC_PREFIXES = ["/_next/static/"];

/** Classifies a (normalised) request path. */
export function routeKind(pathname: string): RouteKind {
  if (PUBLIC_PATHS.has(pathname) || PUBLIC_PREFIXES.some((prefix) => pathname.startsWith(prefix))) return "public";
  if (pathname === "/api" || pathname.startsWith("/api/")) return "api";
  return "page";
}

export type AuthenticationResult =
  | { status: "authenticated"; method: "bearer" | "session" }
  /** No credentials at all. */
  | { status: "anonymous" }
  /** Credentials that do not work: a wrong bearer token, or an expired, revoked or unknown session. */
  | { status: "rejected"; method: "bearer" | "session" };

/** Checks the bearer token (preferred when present) or the session cookie of a request. */
export function authenticate(options: { authorization: string | null | undefined; sessionId: string | undefined; token: string; sessions: SessionStore }): AuthenticationResult {
  const presented = bearerToken(options.authorization);
  if (presented !== undefined) {
    return tokensMatch(presented, options.token) ? { status: "authenticated", method: "bearer" } : { status: "rejected", method: "bearer" };
  }
  if (options.sessionId) {
    const session = options.sessions.find({ sessionId: options.sessionId, tokenFingerprint: tokenFingerprint(options.token) });
    return session ? { status: "authenticated", method: "session" } : { status: "rejected", method: "session" };
  }
  return { status: "anonymous" };
}

/** The sign-in page URL path that returns to `pathname` + `search` afterwards. */
export function signInPath(pathname: string, search: string): string {
  const query = new URLSearchParams(search);
  // Next's client-navigation marker is no part of the page's address.
  query.delete("_rsc");
  const rest = query.toString();
  const next = `${pathname}${rest ? `?${rest}` : ""}`;
  return next === "/" ? "/sign-in" : `/sign-in?next=${encodeURIComponent(next)}`;
}
