import { describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { assertAllowedHost, assertSameOrigin, mediaTypeOf } from "@/lib/http/request-origin";

/** Issue 16: another site's page must not change anything, and a rebinding host name must not read anything. */

const request = (method: string, headers: Record<string, string>) => new Request("http://127.0.0.1:3000/api/documents", { method, headers });

describe("assertSameOrigin", () => {
  it("refuses a cross-site or same-site form post, by Sec-Fetch-Site or by Origin", () => {
    const cases: Record<string, string>[] = [
      { host: "127.0.0.1:3000", "sec-fetch-site": "cross-site", origin: "https://evil.example" },
      // Another port of the same machine is "same-site", not same-origin.
      { host: "127.0.0.1:3000", "sec-fetch-site": "same-site", origin: "http://127.0.0.1:8080" },
      { host: "127.0.0.1:3000", origin: "https://evil.example" },
      { host: "127.0.0.1:3000", origin: "http://127.0.0.1:8080" },
      { host: "127.0.0.1:3000", origin: "null" },
    ];
    for (const headers of cases) {
      for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
        expect(() => assertSameOrigin(request(method, headers)), `${method} ${JSON.stringify(headers)}`).toThrow(
          expect.objectContaining({ code: "request.cross_site", status: 403 }) as Error,
        );
      }
    }
  });

  it("lets the app's own pages and non-browser clients through, and never checks safe methods", () => {
    expect(() => assertSameOrigin(request("POST", { host: "127.0.0.1:3000", "sec-fetch-site": "same-origin", origin: "http://127.0.0.1:3000" }))).not.toThrow();
    expect(() => assertSameOrigin(request("POST", { host: "127.0.0.1:3000", origin: "http://127.0.0.1:3000" }))).not.toThrow();
    expect(() => assertSameOrigin(request("DELETE", { host: "127.0.0.1:3000" }))).not.toThrow();
    expect(() => assertSameOrigin(request("GET", { host: "127.0.0.1:3000", "sec-fetch-site": "cross-site", origin: "https://evil.example" }))).not.toThrow();
  });
});

describe("assertAllowedHost and ALLOWED_HOSTS", () => {
  const hostsFor = (environment: Record<string, string>) => parseConfig(environment).http.allowedHosts;

  it("defaults to the loopback names when the app listens on loopback, and refuses a rebinding host name", () => {
    const allowed = hostsFor({});
    for (const host of ["127.0.0.1:3000", "localhost:3000", "[::1]:3000", "LOCALHOST"]) expect(() => assertAllowedHost(request("GET", { host }), allowed), host).not.toThrow();
    for (const host of ["evil.example:3000", "rebind.attacker.test", "127.0.0.1.nip.io:3000"]) {
      expect(() => assertAllowedHost(request("GET", { host }), allowed), host).toThrow(expect.objectContaining({ code: "request.host_not_allowed", status: 421 }) as Error);
    }
  });

  it("takes ALLOWED_HOSTS as given, '*' for any, and any host when listening on every interface without a list", () => {
    expect(hostsFor({ ALLOWED_HOSTS: "Cited.Example.com, [::1]" })).toEqual(["cited.example.com", "::1"]);
    expect(hostsFor({ ALLOWED_HOSTS: "*" })).toBeUndefined();
    expect(hostsFor({ AUTH_TOKEN: "a-long-enough-access-token", HOST: "0.0.0.0" })).toBeUndefined();
    expect(hostsFor({ HOST: "10.0.0.5" })).toEqual(["10.0.0.5", "localhost", "127.0.0.1", "::1"]);
  });
});

describe("mediaTypeOf", () => {
  it("reads the media type itself, so a form's text/plain is never JSON", () => {
    expect(mediaTypeOf("text/plain; x=application/json")).toBe("text/plain");
    expect(mediaTypeOf("Application/JSON; charset=utf-8")).toBe("application/json");
    expect(mediaTypeOf("application/json-seq")).toBe("application/json-seq");
    expect(mediaTypeOf("application/jsonx, application/json")).toBeUndefined();
    expect(mediaTypeOf(null)).toBeUndefined();
  });
});

describe("the request guard in open mode (no AUTH_TOKEN)", () => {
  it("answers a cross-site form post 403 and a rebinding host name 421 before any route runs", async () => {
    const { accessRefusal } = await import("@/lib/auth/request-guard");
    const formPost = new Request("http://127.0.0.1:3000/api/documents", {
      method: "POST",
      headers: { host: "127.0.0.1:3000", origin: "https://evil.example", "sec-fetch-site": "cross-site", "content-type": "multipart/form-data; boundary=x" },
    });
    expect(accessRefusal(formPost)?.status).toBe(403);
    const rebound = new Request("http://rebind.attacker.test:3000/api/documents", { headers: { host: "rebind.attacker.test:3000" } });
    expect(accessRefusal(rebound)?.status).toBe(421);
    expect(accessRefusal(new Request("http://127.0.0.1:3000/api/documents", { headers: { host: "127.0.0.1:3000" } }))).toBeUndefined();
  });

  it("refuses a JSON endpoint's body sent as text/plain with application/json in a parameter", async () => {
    const { parseJsonBody } = await import("@/lib/http/responses");
    const { z } = await import("zod");
    const body = JSON.stringify({ query: "vacation" });
    const disguised = new Request("http://127.0.0.1:3000/api/search", { method: "POST", headers: { "content-type": "text/plain; x=application/json" }, body });
    await expect(parseJsonBody(disguised, z.object({ query: z.string() }))).rejects.toMatchObject({ code: "request.invalid" });
    const honest = new Request("http://127.0.0.1:3000/api/search", { method: "POST", headers: { "content-type": "application/json; charset=utf-8" }, body });
    await expect(parseJsonBody(honest, z.object({ query: z.string() }))).resolves.toEqual({ query: "vacation" });
  });
});
