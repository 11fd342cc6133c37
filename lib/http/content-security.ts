import { buildContentSecurityPolicy } from "./security-headers";

/**
 * The per-request, nonce-based Content-Security-Policy of pages, as pure functions for `proxy.ts`.
 * Next reads the policy from the *request* header `Content-Security-Policy`, takes the nonce out of
 * it and puts it on its own inline and bootstrap scripts; the browser enforces the same policy from
 * the response header. API answers, build assets and stored files keep the static policies that
 * `next.config.ts` sets by path, so each response carries exactly one policy.
 */

const NONCE_BYTES = 16;

/** A fresh, unguessable CSP nonce: base64 of 16 random bytes from the platform's CSPRNG. */
export function generateNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
  return btoa(String.fromCharCode(...bytes));
}

/**
 * True for requests that may render an HTML page (or its RSC payload): everything except API
 * routes and Next's build assets, which get their policy from `next.config.ts` instead.
 */
export function isPageRequest(pathname: string): boolean {
  return !/^\/(?:api|_next)(?:\/|$)/.test(pathname);
}

/** The request headers to hand to the page render and the policy to send with its response. */
export interface PageContentSecurity {
  nonce: string;
  policy: string;
  requestHeaders: Headers;
}

/**
 * Builds the nonce policy of one page request: copies the incoming headers and sets `x-nonce` and
 * `Content-Security-Policy` on the copy (any client-sent values are replaced, never trusted).
 */
export function pageContentSecurity(incoming: Headers, options: { nonce: string; development?: boolean }): PageContentSecurity {
  const policy = buildContentSecurityPolicy({ nonce: options.nonce, development: options.development ?? false });
  const requestHeaders = new Headers(incoming);
  requestHeaders.set("x-nonce", options.nonce);
  requestHeaders.set("Content-Security-Policy", policy);
  return { nonce: options.nonce, policy, requestHeaders };
}
