/**
 * Security headers of every response, as pure functions so `next.config.ts` (static headers of APIs,
 * assets and files) and `proxy.ts` (per-request nonce policy of pages) build the same policy. No
 * `server-only` marker and no path aliases: next.config.ts imports this file before any bundler runs.
 */

/** Options of the page Content-Security-Policy. */
export interface ContentSecurityPolicyOptions {
  /**
   * A fresh, unguessable per-request nonce (base64). With it, scripts need the nonce and trust
   * propagates with 'strict-dynamic'; without it, inline scripts must be allowed, because the App
   * Router inlines its hydration and flight data (`self.__next_f.push(…)`) into every page.
   */
  nonce?: string;
  /** `next dev` evaluates code (React refresh, source maps) and talks to its HMR websocket. */
  development?: boolean;
}

const NONCE_PATTERN = /^[A-Za-z0-9+/_-]{16,}={0,2}$/;

/** The Content-Security-Policy of the app's pages and API responses. */
export function buildContentSecurityPolicy(options: ContentSecurityPolicyOptions = {}): string {
  const { nonce, development = false } = options;
  if (nonce !== undefined && !NONCE_PATTERN.test(nonce)) throw new Error("A CSP nonce must be base64 of at least 16 characters.");
  const scriptSources = nonce === undefined ? ["'self'", "'unsafe-inline'"] : ["'self'", `'nonce-${nonce}'`, "'strict-dynamic'"];
  if (development) scriptSources.push("'unsafe-eval'");
  const directives: [string, ...string[]][] = [
    ["default-src", "'self'"],
    ["script-src", ...scriptSources],
    // React sets style attributes and Next inlines critical CSS; styles cannot run code.
    ["style-src", "'self'", "'unsafe-inline'"],
    // pdf.js paints pages on canvases and may hand images and fonts over as blob:/data: URLs.
    ["img-src", "'self'", "data:", "blob:"],
    ["font-src", "'self'", "data:"],
    ["connect-src", "'self'", ...(development ? ["ws:", "wss:"] : [])],
    // The pdf.js worker is a same-origin static asset; blob: covers pdf.js's fallback worker.
    ["worker-src", "'self'", "blob:"],
    ["frame-src", "'none'"],
    ["object-src", "'none'"],
    ["base-uri", "'self'"],
    ["form-action", "'self'"],
    ["frame-ancestors", "'none'"],
  ];
  return directives.map((directive) => directive.join(" ")).join("; ");
}

/**
 * The policy of stored uploads served back (`/api/documents/[id]/file`): a sandbox with no
 * sources, so even an HTML or SVG file opened directly is an inert, opaque-origin document.
 */
export const FILE_CONTENT_SECURITY_POLICY = "default-src 'none'; sandbox; frame-ancestors 'none'";

/** Headers sent with every response, besides the Content-Security-Policy. */
export const BASE_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  // Document ids in URLs stay inside the app.
  "Referrer-Policy": "same-origin",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
});

/** All security headers for `next.config.ts` `headers()` or a proxy, as name/value pairs. */
export function securityHeaders(options: ContentSecurityPolicyOptions = {}): { key: string; value: string }[] {
  return [{ key: "Content-Security-Policy", value: buildContentSecurityPolicy(options) }, ...Object.entries(BASE_SECURITY_HEADERS).map(([key, value]) => ({ key, value }))];
}

/**
 * Cache-Control of a served document file. Behind a sign-in it is never stored by the browser:
 * a cached copy would outlive sign-out on a shared computer. An open app (loopback only) lets the
 * browser keep it for an hour; the files are content-addressed, so a kept copy is never stale.
 */
export function servedFileCacheControl(options: { accessControl: boolean }): string {
  return options.accessControl ? "private, no-store" : "private, max-age=3600";
}

/** Sent with sign-out and revoke-all: the browser drops what it cached for this origin (HTTPS and localhost only). */
export const CLEAR_CACHE_HEADER = { "Clear-Site-Data": '"cache"' } as const;
