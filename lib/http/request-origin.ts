import { AppError } from "@/lib/errors";

/**
 * Requests from other sites, and requests for other host names (issue 16).
 *
 * - A state-changing request (POST, PUT, PATCH, DELETE) made by a browser must come from a page of
 *   this app. SameSite=Lax cookies alone do not stop it: in open mode there is no cookie at all, a
 *   form can post multipart or `text/plain` to any address without a preflight, and a page on
 *   another port of the same machine is "same-site". Browsers say where a request comes from in
 *   `Sec-Fetch-Site` (and `Origin`, which is all older ones send); a request with neither is not
 *   from a browser page (curl, scripts, the CLI) and has no ambient credentials to abuse.
 * - Every request must name a host this app is served as (`ALLOWED_HOSTS`, by default the address
 *   it listens on): a DNS-rebinding page reaches 127.0.0.1 under its own host name, so its
 *   requests carry that name in `Host`.
 */

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Host names the app answers to; `undefined`: any (listening on every interface, no list set). */
export type AllowedHosts = readonly string[] | undefined;

/** The host name of a `Host` header value, lower-cased, without port or IPv6 brackets. */
export function hostNameOf(host: string): string {
  const trimmed = host.trim().toLowerCase();
  const bracketed = /^\[([^\]]*)\]/.exec(trimmed);
  if (bracketed) return bracketed[1] ?? "";
  return trimmed.replace(/:\d*$/, "").replace(/\.$/, "");
}

/** Throws `request.host_not_allowed` unless the request's `Host` is one of `allowed`. */
export function assertAllowedHost(request: Request, allowed: AllowedHosts): void {
  if (allowed === undefined) return;
  const host = request.headers.get("host");
  if (host !== null && allowed.includes(hostNameOf(host))) return;
  throw new AppError(
    "request.host_not_allowed",
    `This app is not served as ${host === null ? "a request without a Host header" : `"${hostNameOf(host)}"`}; add it to ALLOWED_HOSTS to allow it.`,
  );
}

/** Throws `request.cross_site` for a state-changing request that a page of another site (or origin) sent. */
export function assertSameOrigin(request: Request): void {
  if (!UNSAFE_METHODS.has(request.method.toUpperCase())) return;
  const fetchSite = request.headers.get("sec-fetch-site");
  const origin = request.headers.get("origin");
  if (fetchSite !== null) {
    // "none": typed or bookmarked by the user, not sent by a page.
    if (fetchSite === "same-origin" || fetchSite === "none") return;
    throw crossSite();
  }
  if (origin === null) return;
  const host = request.headers.get("host");
  let originHost: string | undefined;
  try {
    originHost = origin === "null" ? undefined : new URL(origin).host.toLowerCase();
  } catch {
    originHost = undefined;
  }
  if (originHost === undefined || host === null || originHost !== host.trim().toLowerCase()) throw crossSite();
}

function crossSite(): AppError {
  return new AppError("request.cross_site", "This request came from another site's page; changes are accepted only from this app's own pages.");
}

/**
 * The media type of a `Content-Type` header, lower-cased, without parameters, or undefined when
 * the header is missing or not a well-formed `type/subtype`: `text/plain; x=application/json` is
 * `text/plain`, never JSON.
 */
export function mediaTypeOf(contentType: string | null): string | undefined {
  if (contentType === null) return undefined;
  const essence = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  return /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(essence) ? essence : undefined;
}
