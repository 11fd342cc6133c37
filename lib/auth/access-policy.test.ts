import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { authenticate, routeKind, signInPath } from "@/lib/auth/access-policy";
import { tokenFingerprint } from "@/lib/auth/credentials";
import { openSessionStore, type SessionStore } from "@/lib/auth/session-store";

const TOKEN = "correct-horse-battery-staple";

describe("routeKind", () => {
  it("leaves only sign-in, the health probe and build assets public", () => {
    for (const pathname of ["/sign-in", "/api/auth/sign-in", "/api/auth/sign-out", "/api/health", "/_next/static/chunks/app.js", "/favicon.ico", "/icon.svg"]) {
      expect(routeKind(pathname), pathname).toBe("public");
    }
  });

  it("guards every API and page", () => {
    for (const pathname of ["/api/documents", "/api/documents/x/file", "/api/auth/sessions/revoke-all", "/api", "/api/healthz", "/api/health/x"]) {
      expect(routeKind(pathname), pathname).toBe("api");
    }
    for (const pathname of ["/", "/library", "/chat/abc", "/sign-in-x", "/_next/image", "/_next/static"]) {
      expect(routeKind(pathname), pathname).toBe("page");
    }
  });
});

describe("signInPath", () => {
  it("returns to the page asked for, without Next's navigation marker", () => {
    expect(signInPath("/library", "")).toBe("/sign-in?next=%2Flibrary");
    expect(signInPath("/documents/a", "?page=2&_rsc=xyz")).toBe("/sign-in?next=%2Fdocuments%2Fa%3Fpage%3D2");
    expect(signInPath("/", "?_rsc=1")).toBe("/sign-in");
  });
});

describe("authenticate", () => {
  let directory: string;
  let sessions: SessionStore;

  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), "cited-auth-"));
    sessions = openSessionStore(path.join(directory, "app.db"));
  });
  afterEach(() => {
    sessions.close();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  it("tells anonymous, authenticated and rejected requests apart", () => {
    const { id } = sessions.create({ tokenFingerprint: tokenFingerprint(TOKEN), ttlMs: 60_000 });
    const check = (authorization: string | undefined, sessionId: string | undefined) => authenticate({ authorization, sessionId, token: TOKEN, sessions });
    expect(check(undefined, undefined)).toEqual({ status: "anonymous" });
    expect(check(`Bearer ${TOKEN}`, undefined)).toEqual({ status: "authenticated", method: "bearer" });
    expect(check("Bearer wrong-token-of-some-length", undefined)).toEqual({ status: "rejected", method: "bearer" });
    expect(check(undefined, id)).toEqual({ status: "authenticated", method: "session" });
    expect(check(undefined, "made-up")).toEqual({ status: "rejected", method: "session" });
    // A wrong bearer token is not rescued by a good cookie.
    expect(check("Bearer wrong-token-of-some-length", id)).toEqual({ status: "rejected", method: "bearer" });
  });

  it("ends sessions created under an older token", () => {
    const { id } = sessions.create({ tokenFingerprint: tokenFingerprint("the-previous-access-token"), ttlMs: 60_000 });
    expect(authenticate({ authorization: undefined, sessionId: id, token: TOKEN, sessions })).toEqual({ status: "rejected", method: "session" });
  });
});
