import { describe, expect, it } from "vitest";
import { generateNonce, isPageRequest, pageContentSecurity } from "@/lib/http/content-security";
import { BASE_SECURITY_HEADERS, FILE_CONTENT_SECURITY_POLICY, buildContentSecurityPolicy, securityHeaders, servedFileCacheControl } from "@/lib/http/security-headers";

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(";").map((directive) => {
      const [name = "", ...values] = directive.trim().split(/\s+/);
      return [name, values];
    }),
  );
}

describe("security headers", () => {
  it("locks down plugins, framing, base URLs and form targets", () => {
    const policy = directives(buildContentSecurityPolicy());
    expect(policy.get("default-src")).toEqual(["'self'"]);
    expect(policy.get("object-src")).toEqual(["'none'"]);
    expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
    expect(policy.get("base-uri")).toEqual(["'self'"]);
    expect(policy.get("form-action")).toEqual(["'self'"]);
    expect(policy.get("connect-src")).toEqual(["'self'"]);
    expect(policy.get("worker-src")).toEqual(["'self'", "blob:"]);
  });

  it("allows inline scripts only without a nonce, and never eval in production", () => {
    const policy = directives(buildContentSecurityPolicy());
    expect(policy.get("script-src")).toEqual(["'self'", "'unsafe-inline'"]);
    expect(buildContentSecurityPolicy()).not.toContain("unsafe-eval");
  });

  it("with a nonce, trusts only nonced scripts and what they load ('strict-dynamic'), never 'unsafe-inline'", () => {
    const nonce = Buffer.from("0123456789abcdef0123").toString("base64");
    const policy = directives(buildContentSecurityPolicy({ nonce }));
    expect(policy.get("script-src")).toEqual(["'self'", `'nonce-${nonce}'`, "'strict-dynamic'"]);
    expect(policy.get("script-src")).not.toContain("'unsafe-inline'");
  });

  it("refuses a nonce that could inject directives", () => {
    expect(() => buildContentSecurityPolicy({ nonce: "abc'; script-src *" })).toThrow(/nonce/);
    expect(() => buildContentSecurityPolicy({ nonce: "short" })).toThrow(/nonce/);
  });

  it("adds eval and the HMR websocket for next dev only", () => {
    const policy = directives(buildContentSecurityPolicy({ development: true }));
    expect(policy.get("script-src")).toContain("'unsafe-eval'");
    expect(policy.get("connect-src")).toEqual(["'self'", "ws:", "wss:"]);
  });

  it("lists the CSP and the base headers as name/value pairs", () => {
    const headers = Object.fromEntries(securityHeaders().map(({ key, value }) => [key, value]));
    expect(headers).toMatchObject({
      "Content-Security-Policy": buildContentSecurityPolicy(),
      "X-Content-Type-Options": "nosniff",
      "X-Frame-Options": "DENY",
      "Referrer-Policy": "same-origin",
    });
    expect(Object.keys(headers)).toHaveLength(Object.keys(BASE_SECURITY_HEADERS).length + 1);
  });

  it("serves stored files in a sandbox with no sources", () => {
    const policy = directives(FILE_CONTENT_SECURITY_POLICY);
    expect(policy.get("default-src")).toEqual(["'none'"]);
    expect(policy.has("sandbox")).toBe(true);
    expect(policy.get("sandbox")).toEqual([]);
    expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
  });
});

describe("per-request page policy", () => {
  it("makes a fresh base64 nonce of 16 random bytes every time", () => {
    const nonces = Array.from({ length: 50 }, () => generateNonce());
    expect(new Set(nonces).size).toBe(nonces.length);
    for (const nonce of nonces) {
      expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
      expect(Buffer.from(nonce, "base64")).toHaveLength(16);
      // The builder accepts it (it refuses anything that could inject directives).
      expect(() => buildContentSecurityPolicy({ nonce })).not.toThrow();
    }
  });

  it("treats everything but API routes and Next's assets as a page", () => {
    for (const pathname of ["/", "/library", "/sign-in", "/documents/abc", "/chat/abc", "/apis", "/api-docs", "/favicon.ico"]) expect(isPageRequest(pathname), pathname).toBe(true);
    for (const pathname of ["/api", "/api/health", "/api/documents/abc/file", "/_next/static/chunks/a.js", "/_next/image"]) expect(isPageRequest(pathname), pathname).toBe(false);
  });

  it("hands the nonce and the strict policy to the render, replacing any values the client sent", () => {
    const nonce = generateNonce();
    const incoming = new Headers({ cookie: "cited_session=abc", "x-nonce": "attacker", "content-security-policy": "script-src *" });
    const { policy, requestHeaders } = pageContentSecurity(incoming, { nonce });
    expect(policy).toBe(buildContentSecurityPolicy({ nonce }));
    const scriptSources = directives(policy).get("script-src");
    expect(scriptSources).toEqual(["'self'", `'nonce-${nonce}'`, "'strict-dynamic'"]);
    expect(scriptSources).not.toContain("'unsafe-inline'");
    expect(requestHeaders.get("x-nonce")).toBe(nonce);
    expect(requestHeaders.get("content-security-policy")).toBe(policy);
    expect(requestHeaders.get("cookie")).toBe("cited_session=abc");
    // The incoming headers are not mutated.
    expect(incoming.get("x-nonce")).toBe("attacker");
  });

  it("allows eval only for next dev", () => {
    const nonce = generateNonce();
    expect(directives(pageContentSecurity(new Headers(), { nonce }).policy).get("script-src")).not.toContain("'unsafe-eval'");
    expect(directives(pageContentSecurity(new Headers(), { nonce, development: true }).policy).get("script-src")).toContain("'unsafe-eval'");
  });
});

describe("servedFileCacheControl (issue 16)", () => {
  it("never lets the browser keep a document file behind a sign-in", () => {
    expect(servedFileCacheControl({ accessControl: true })).toBe("private, no-store");
    expect(servedFileCacheControl({ accessControl: false })).toBe("private, max-age=3600");
  });
});
