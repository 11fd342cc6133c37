/** The session cookie: its name, its attributes and when it must be Secure. */

export const SESSION_COOKIE = "cited_session";
/**
 * The name over HTTPS. Browsers accept a `__Host-` cookie only when it is Secure, for path `/`
 * and without a Domain, so no sibling subdomain and no plain-HTTP page can plant or overwrite it.
 * Over plain HTTP (a LAN address) they refuse such a cookie, so the plain name stays for that.
 */
export const SECURE_SESSION_COOKIE = "__Host-cited_session";

/** The session cookie's name for a request that came over HTTPS (`secure`) or not. */
export function sessionCookieName(secure: boolean): string {
  return secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
}

/** The value of cookie `name` in a `Cookie` header, if any. */
function cookieValue(header: string, name: string): string | undefined {
  for (const part of header.split(";")) {
    const separator = part.indexOf("=");
    if (separator < 0 || part.slice(0, separator).trim() !== name) continue;
    const value = part.slice(separator + 1).trim();
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  }
  return undefined;
}

/** The session id a request carries, read under the one name that fits how the request came. */
export function sessionIdFrom(request: Request): string | undefined {
  return cookieValue(request.headers.get("cookie") ?? "", sessionCookieName(isSecureRequest(request)));
}

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
