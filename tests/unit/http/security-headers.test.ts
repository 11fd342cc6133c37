import { describe, expect, it } from "vitest";
import { BASE_SECURITY_HEADERS, FILE_CONTENT_SECURITY_POLICY, buildContentSecurityPolicy, securityHeaders } from "@/lib/http/security-headers";

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
