import { describe, expect, it } from "vitest";
import { SESSION_COOKIE, isSecureRequest, sessionCookieAttributes, sessionCookieName, sessionIdFrom } from "@/lib/auth/session-cookie";

describe("session cookie", () => {
  it("is HttpOnly, SameSite=Lax, site-wide, with the session lifetime", () => {
    expect(SESSION_COOKIE).toBe("cited_session");
    expect(sessionCookieAttributes({ secure: false, maxAgeSeconds: 43_200.7 })).toEqual({ httpOnly: true, sameSite: "lax", secure: false, path: "/", maxAge: 43_200 });
    expect(sessionCookieAttributes({ secure: true, maxAgeSeconds: -5 })).toMatchObject({ secure: true, maxAge: 0 });
  });

  it("is Secure when the client came over HTTPS, directly or through a proxy", () => {
    expect(isSecureRequest(new Request("https://cited.example/api/auth/sign-in"))).toBe(true);
    expect(isSecureRequest(new Request("http://127.0.0.1:3000/", { headers: { "x-forwarded-proto": "https" } }))).toBe(true);
    expect(isSecureRequest(new Request("http://127.0.0.1:3000/", { headers: { "x-forwarded-proto": "HTTPS, http" } }))).toBe(true);
    expect(isSecureRequest(new Request("http://127.0.0.1:3000/"))).toBe(false);
    expect(isSecureRequest(new Request("https://cited.example/", { headers: { "x-forwarded-proto": "http" } }))).toBe(false);
  });

  it("is named with the __Host- prefix over HTTPS and read only under the name that fits the request (issue 16)", () => {
    expect(sessionCookieName(true)).toBe("__Host-cited_session");
    expect(sessionCookieName(false)).toBe("cited_session");
    const both = "cited_session=planted; __Host-cited_session=real%2Fid";
    expect(sessionIdFrom(new Request("https://cited.example/", { headers: { cookie: both } }))).toBe("real/id");
    expect(sessionIdFrom(new Request("http://127.0.0.1:3000/", { headers: { cookie: both } }))).toBe("planted");
    expect(sessionIdFrom(new Request("https://cited.example/", { headers: { cookie: "cited_session=planted" } }))).toBeUndefined();
  });
});
