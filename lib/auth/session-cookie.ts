/** The session cookie: its name, its attributes and when it must be Secure. */

export const SESSION_COOKIE = "cited_session";

export interface SessionCookieAttributes {
  httpOnly: true;
  sameSite: "lax";
  secure: boolean;
  path: "/";
  maxAge: number;
}

/**
 * Attributes of the session cookie. HttpOnly keeps it from scripts; SameSite=Lax keeps it off
 * cross-site POSTs (CSRF) while a link from chat or mail into the portal still works.
 */
export function sessionCookieAttributes(options: { secure: boolean; maxAgeSeconds: number }): SessionCookieAttributes {
  return { httpOnly: true, sameSite: "lax", secure: options.secure, path: "/", maxAge: Math.max(0, Math.floor(options.maxAgeSeconds)) };
}

/** True when the client reached us over HTTPS: directly, or through a TLS-terminating proxy (`X-Forwarded-Proto`). */
export function isSecureRequest(request: Request): boolean {
  const forwarded = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase();
  if (forwarded) return forwarded === "https";
  return new URL(request.url).protocol === "https:";
}
