import { spawn } from "node:child_process";
import http from "node:http";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, hasProductionBuild, startApp, type RunningApp } from "@/tests/support/app-server";

/**
 * Access control against the production build: with AUTH_TOKEN every route the app has (found
 * on disk, so a new route cannot be forgotten) refuses anonymous requests; bearer tokens and
 * session cookies work; sessions end on sign-out, revocation, expiry and a new token; without
 * AUTH_TOKEN `npm start` listens on 127.0.0.1 only.
 */

const projectRoot = path.resolve(import.meta.dirname, "..", "..");
const TOKEN = "integration-test-token-0123456789";
const NEW_TOKEN = "a-rotated-access-token-9876543210";
const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

interface AppRoute {
  file: string;
  /** The URL path with every dynamic segment filled with a sample value. */
  url: string;
  kind: "page" | "api";
  methods: string[];
}

/** Every page.tsx and route.ts under app/, as URL paths with their HTTP methods. */
function discoverRoutes(): AppRoute[] {
  const appDirectory = path.join(projectRoot, "app");
  const files = (readdirSync(appDirectory, { recursive: true }) as string[]).filter((file) => /(^|\/)(page\.tsx|route\.ts)$/.test(file));
  return files.map((file) => {
    const segments = path
      .dirname(file)
      .split(path.sep)
      .filter((segment) => segment !== "." && !/^\(.*\)$/.test(segment))
      .map((segment) => (/^\[\[?\.{0,3}.*\]\]?$/.test(segment) ? "sample-id" : segment));
    const url = `/${segments.join("/")}`;
    if (file.endsWith("page.tsx")) return { file, url, kind: "page" as const, methods: ["GET"] };
    const source = readFileSync(path.join(appDirectory, file), "utf8");
    const methods = HTTP_METHODS.filter((method) => new RegExp(`export\\s+(const|async\\s+function|function)\\s+${method}\\b`).test(source));
    return { file, url, kind: "api" as const, methods };
  });
}

/** Routes that stay reachable without credentials (each checked below for what it reveals). */
const PUBLIC_ROUTES = new Set(["/sign-in", "/api/auth/sign-in", "/api/auth/sign-out", "/api/health"]);

function sessionCookieFrom(response: Response, name = "cited_session"): { value: string; header: string } {
  const header = response.headers.getSetCookie().find((cookie) => cookie.startsWith(`${name}=`));
  if (!header) throw new Error(`no ${name} cookie was set`);
  const value = header.slice(`${name}=`.length).split(";")[0] ?? "";
  return { value, header };
}

async function signIn(app: RunningApp, options: { token: string; client: string; headers?: Record<string, string> }): Promise<Response> {
  return fetch(`${app.baseUrl}/api/auth/sign-in`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": options.client, ...options.headers },
    body: JSON.stringify({ token: options.token }),
  });
}

async function get(app: RunningApp, url: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${app.baseUrl}${url}`, { headers, redirect: "manual" });
}

const skip = !hasProductionBuild();
if (skip) console.log("access-control: skipped — no production build (run `npm run build` first; `npm test` does)");

describe.skipIf(skip)("access control with AUTH_TOKEN (production build)", () => {
  let app: RunningApp;
  const routes = discoverRoutes();

  beforeAll(async () => {
    // As behind one proxy of ours, which writes X-Forwarded-For: each test client has its own address there.
    app = await startApp({ environment: { AUTH_TOKEN: TOKEN, RATE_LIMIT_SIGN_INS_PER_MINUTE: "5", TRUST_PROXY: "1" } });
  });

  afterAll(async () => {
    await app?.stop();
  });

  it("finds the app's routes on disk", () => {
    const urls = routes.map((route) => route.url);
    for (const url of ["/", "/library", "/api/documents/sample-id/file", "/api/documents/sample-id/chunks", "/api/search", "/api/chat", "/api/conversations"]) {
      expect(urls).toContain(url);
    }
    for (const route of routes.filter((candidate) => candidate.kind === "api")) expect(route.methods.length, route.file).toBeGreaterThan(0);
  });

  it("refuses every anonymous API call with 401 auth.required", async () => {
    for (const route of routes.filter((candidate) => candidate.kind === "api" && !PUBLIC_ROUTES.has(candidate.url))) {
      for (const method of route.methods) {
        const response = await fetch(`${app.baseUrl}${route.url}`, {
          method,
          redirect: "manual",
          headers: method === "GET" || method === "DELETE" ? {} : { "content-type": "application/json" },
          body: method === "GET" || method === "DELETE" ? undefined : "{}",
        });
        expect(response.status, `${method} ${route.url}`).toBe(401);
        const body = (await response.json()) as { error: { code: string; message: string } };
        expect(body.error.code, `${method} ${route.url}`).toBe("auth.required");
        expect(response.headers.get("www-authenticate")).toContain("Bearer");
      }
    }
    // Methods a route does not have too (issue 16): Next's own 405 came before the check and told
    // an anonymous caller which routes exist; now 401 first, and 405 with Allow only when signed in.
    for (const route of routes.filter((candidate) => candidate.kind === "api" && !PUBLIC_ROUTES.has(candidate.url))) {
      for (const method of HTTP_METHODS.filter((candidate) => !route.methods.includes(candidate))) {
        const anonymous = await fetch(`${app.baseUrl}${route.url}`, { method, redirect: "manual" });
        expect(anonymous.status, `anonymous ${method} ${route.url}`).toBe(401);
        const signedIn = await fetch(`${app.baseUrl}${route.url}`, { method, redirect: "manual", headers: { authorization: `Bearer ${TOKEN}` } });
        expect(signedIn.status, `${method} ${route.url}`).toBe(405);
        expect(signedIn.headers.get("allow"), `${method} ${route.url}`).toBe(route.methods.join(", "));
        expect(((await signedIn.json()) as { error: { code: string } }).error.code).toBe("request.method_not_allowed");
      }
    }
    // Paths without a route too: nothing leaks a 404 versus 401 difference.
    expect((await get(app, "/api/no-such-route")).status).toBe(401);
    const known = await get(app, "/api/no-such-route", { authorization: `Bearer ${TOKEN}` });
    expect(known.status).toBe(404);
    expect(((await known.json()) as { error: { code: string } }).error.code).toBe("route.not_found");
  });

  it("streams an authorised upload past 10 MB whole (no proxy buffering cuts the body)", async () => {
    // 11 MB of text: over the 10 MB Next buffers for routes a proxy matches, under MAX_UPLOAD_MB.
    const line = "Every employee receives twenty-eight days of paid vacation per year.\n";
    const text = line.repeat(Math.ceil((11 * 1024 * 1024) / line.length));
    const form = new FormData();
    form.append("file", new Blob([text], { type: "text/markdown" }), "large-policy.md");
    const anonymous = await fetch(`${app.baseUrl}/api/documents`, { method: "POST", body: form });
    expect(anonymous.status).toBe(401);
    const response = await fetch(`${app.baseUrl}/api/documents`, { method: "POST", body: form, headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(202);
    const body = (await response.json()) as { documents: { id: string; sizeBytes: number }[] };
    expect(body.documents[0]?.sizeBytes).toBe(Buffer.byteLength(text));
    // Behind a sign-in a served file is never kept by the browser: it would outlive sign-out (issue 16).
    const file = await fetch(`${app.baseUrl}/api/documents/${body.documents[0]?.id ?? ""}/file`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(file.headers.get("cache-control")).toBe("private, no-store");
    await file.body?.cancel();
    const removed = await fetch(`${app.baseUrl}/api/documents/${body.documents[0]?.id ?? ""}`, { method: "DELETE", headers: { authorization: `Bearer ${TOKEN}` } });
    expect(removed.ok).toBe(true);
  });

  it("sends every anonymous page view to the sign-in page, returning afterwards", async () => {
    for (const route of routes.filter((candidate) => candidate.kind === "page" && !PUBLIC_ROUTES.has(candidate.url))) {
      const response = await get(app, `${route.url}?tab=x`);
      expect(response.status, route.url).toBe(303);
      const location = new URL(response.headers.get("location") ?? "", app.baseUrl);
      expect(location.pathname, route.url).toBe("/sign-in");
      expect(location.searchParams.get("next"), route.url).toBe(`${route.url}?tab=x`);
    }
    expect((await get(app, "/no-such-page")).status).toBe(303);
  });

  it("sends the security headers with its refusals and redirects too", async () => {
    for (const url of ["/library", "/api/documents"]) {
      const response = await get(app, url);
      expect(response.status, url).toBe(url.startsWith("/api/") ? 401 : 303);
      const policy = response.headers.get("content-security-policy") ?? "";
      // Exactly one policy (several would be joined with commas): the page one has a nonce.
      expect(policy.split(","), url).toHaveLength(1);
      expect(policy, url).toContain("frame-ancestors 'none'");
      if (url === "/library") expect(policy).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
      expect(response.headers.get("x-content-type-options"), url).toBe("nosniff");
      expect(response.headers.get("x-frame-options"), url).toBe("DENY");
      expect(response.headers.get("referrer-policy"), url).toBe("same-origin");
      await response.arrayBuffer();
    }
  });

  it("serves the sign-in page and its assets to anonymous visitors", async () => {
    const response = await get(app, "/sign-in?next=%2Flibrary");
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Access token");
    const asset = /\/_next\/static\/[^"']+\.js/.exec(html)?.[0];
    expect(asset).toBeDefined();
    expect((await get(app, asset ?? "")).status).toBe(200);
  });

  it("keeps the health probe open but tells anonymous callers the status only", async () => {
    const anonymous = (await (await get(app, "/api/health")).json()) as Record<string, unknown>;
    expect(Object.keys(anonymous)).toEqual(["status"]);
    const detailed = (await (await get(app, "/api/health", { authorization: `Bearer ${TOKEN}` })).json()) as Record<string, unknown>;
    expect(detailed).toHaveProperty("embedding");
  });

  it("accepts the access token as a bearer token on every API", async () => {
    const documents = await get(app, "/api/documents", { authorization: `Bearer ${TOKEN}` });
    expect(documents.status).toBe(200);
    expect(await documents.json()).toHaveProperty("documents");
    const file = await get(app, "/api/documents/sample-id/file", { authorization: `Bearer ${TOKEN}` });
    expect(file.status).toBe(404);
    const search = await fetch(`${app.baseUrl}/api/search`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ query: "anything" }),
    });
    expect(search.status).toBe(200);
  });

  it("refuses a wrong token and rate-limits the guessing", async () => {
    const wrongBearer = await get(app, "/api/documents", { authorization: "Bearer not-the-token-at-all", "x-forwarded-for": "10.9.9.9" });
    expect(wrongBearer.status).toBe(401);
    expect(((await wrongBearer.json()) as { error: { code: string } }).error.code).toBe("auth.invalid_token");

    const client = "10.1.1.1";
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const response = await signIn(app, { token: "a-wrong-guess-of-the-token", client });
      expect(response.status).toBe(401);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("auth.invalid_token");
      expect(response.headers.getSetCookie()).toEqual([]);
    }
    const limited = await signIn(app, { token: "a-wrong-guess-of-the-token", client });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    // Once limited, even the right token is refused: guessing cannot continue at full speed.
    expect((await signIn(app, { token: TOKEN, client })).status).toBe(429);
    expect((await get(app, "/api/documents", { authorization: `Bearer ${TOKEN}`, "x-forwarded-for": client })).status).toBe(429);
    // Other clients are unaffected.
    expect((await signIn(app, { token: TOKEN, client: "10.1.1.2" })).status).toBe(200);
  });

  it("signs in with an HttpOnly, SameSite, site-wide cookie that is Secure over HTTPS", async () => {
    const plain = await signIn(app, { token: TOKEN, client: "10.2.2.1" });
    expect(plain.status).toBe(200);
    const { value, header } = sessionCookieFrom(plain);
    expect(Buffer.from(value, "base64url")).toHaveLength(32);
    expect(header).toMatch(/;\s*HttpOnly/i);
    expect(header).toMatch(/;\s*SameSite=Lax/i);
    expect(header).toMatch(/;\s*Path=\/(;|$)/);
    expect(header).toMatch(/;\s*Max-Age=43200/);
    expect(header).not.toMatch(/;\s*Secure/i);

    // Over HTTPS the name carries the __Host- prefix (issue 16): Secure, path /, no Domain, so
    // no sibling subdomain or plain-HTTP page can plant one; a plain-named cookie is not read there.
    const https = { "x-forwarded-proto": "https" };
    const overHttps = await signIn(app, { token: TOKEN, client: "10.2.2.1", headers: https });
    const secure = sessionCookieFrom(overHttps, "__Host-cited_session");
    expect(secure.header).toMatch(/;\s*Secure/i);
    expect(secure.header).toMatch(/;\s*Path=\/(;|$)/);
    expect(secure.header).not.toMatch(/;\s*Domain=/i);
    expect(overHttps.headers.getSetCookie().some((cookie) => cookie.startsWith("cited_session="))).toBe(false);
    expect((await get(app, "/api/documents", { ...https, cookie: `__Host-cited_session=${secure.value}` })).status).toBe(200);
    expect((await get(app, "/api/documents", { ...https, cookie: `cited_session=${secure.value}` })).status).toBe(401);
  });

  it("lets the cookie open pages and APIs until sign-out revokes it", async () => {
    const { value } = sessionCookieFrom(await signIn(app, { token: TOKEN, client: "10.3.3.1" }));
    const cookie = { cookie: `cited_session=${value}` };
    expect((await get(app, "/library", cookie)).status).toBe(200);
    expect((await get(app, "/", cookie)).status).toBe(200);
    expect((await get(app, "/api/documents", cookie)).status).toBe(200);
    // Already signed in: the sign-in page sends the visitor on.
    const signInPage = await get(app, "/sign-in?next=%2Flibrary", cookie);
    expect(signInPage.status).toBe(307);
    expect(signInPage.headers.get("location")).toMatch(/\/library$/);

    const signOut = await fetch(`${app.baseUrl}/api/auth/sign-out`, { method: "POST", headers: cookie });
    expect(signOut.status).toBe(200);
    expect(sessionCookieFrom(signOut).header).toMatch(/Max-Age=0/);
    // Files the browser kept are dropped with the session (issue 16).
    expect(signOut.headers.get("clear-site-data")).toBe('"cache"');

    // The old cookie is dead on the server, not just forgotten by the browser.
    const afterApi = await get(app, "/api/documents", cookie);
    expect(afterApi.status).toBe(401);
    expect(afterApi.headers.getSetCookie().join()).toMatch(/cited_session=;/);
    expect((await get(app, "/library", cookie)).status).toBe(303);
  });

  it("sends a signed-out browser to the sign-in page", async () => {
    const { value } = sessionCookieFrom(await signIn(app, { token: TOKEN, client: "10.3.3.2" }));
    const response = await fetch(`${app.baseUrl}/api/auth/sign-out`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie: `cited_session=${value}`, accept: "text/html,application/xhtml+xml", "content-type": "application/x-www-form-urlencoded" },
    });
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get("location") ?? "", app.baseUrl);
    expect(location.pathname).toBe("/sign-in");
    // Same origin as the browser's: the CSP's form-action 'self' blocks a form redirected elsewhere.
    expect(location.origin).toBe(app.baseUrl);
  });

  it("revokes every session at once", async () => {
    const first = sessionCookieFrom(await signIn(app, { token: TOKEN, client: "10.4.4.1" })).value;
    const second = sessionCookieFrom(await signIn(app, { token: TOKEN, client: "10.4.4.2" })).value;
    expect((await fetch(`${app.baseUrl}/api/auth/sessions/revoke-all`, { method: "POST" })).status).toBe(401);
    const revoke = await fetch(`${app.baseUrl}/api/auth/sessions/revoke-all`, { method: "POST", headers: { cookie: `cited_session=${first}` } });
    expect(revoke.status).toBe(200);
    expect(((await revoke.json()) as { revoked: number }).revoked).toBeGreaterThanOrEqual(2);
    for (const value of [first, second]) expect((await get(app, "/api/documents", { cookie: `cited_session=${value}` })).status).toBe(401);
    // Bearer clients hold the token itself, not a session.
    expect((await get(app, "/api/documents", { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
  });

  it("refuses made-up session cookies", async () => {
    for (const value of ["", "x", "A".repeat(43), "../../etc/passwd", "A".repeat(5000)]) {
      expect((await get(app, "/api/documents", { cookie: `cited_session=${value}` })).status, value.slice(0, 20)).toBe(401);
    }
  });
});

describe.skipIf(skip)("session expiry and token rotation (production build)", () => {
  let dataDirectory: string;
  let app: RunningApp | undefined;

  beforeAll(async () => {
    dataDirectory = await fs.mkdtemp(path.join(os.tmpdir(), "cited-auth-"));
  });

  afterAll(async () => {
    await app?.stop();
    await fs.rm(dataDirectory, { recursive: true, force: true });
  });

  it("ends sessions when AUTH_TOKEN changes and when they expire", async () => {
    app = await startApp({ dataDirectory, environment: { AUTH_TOKEN: TOKEN } });
    const oldCookie = { cookie: `cited_session=${sessionCookieFrom(await signIn(app, { token: TOKEN, client: "10.5.5.1" })).value}` };
    expect((await get(app, "/api/documents", oldCookie)).status).toBe(200);
    await app.stop({ keepData: true });

    // 0.001 h = 3.6 s.
    app = await startApp({ dataDirectory, environment: { AUTH_TOKEN: NEW_TOKEN, SESSION_TTL_HOURS: "0.001" } });
    expect((await get(app, "/api/documents", oldCookie)).status).toBe(401);
    expect((await signIn(app, { token: TOKEN, client: "10.5.5.2" })).status).toBe(401);

    const response = await signIn(app, { token: NEW_TOKEN, client: "10.5.5.3" });
    const { value, header } = sessionCookieFrom(response);
    expect(header).toMatch(/Max-Age=3(;|$)/);
    const cookie = { cookie: `cited_session=${value}` };
    expect((await get(app, "/api/documents", cookie)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    // The browser would have dropped it; the server refuses it anyway.
    expect((await get(app, "/api/documents", cookie)).status).toBe(401);
    expect((await get(app, "/library", cookie)).status).toBe(303);
  });
});

/** The local addresses of the sockets listening on `port` (Linux: from /proc/net/tcp and tcp6). */
function listeningAddresses(port: number): string[] {
  const addresses: string[] = [];
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, "utf8").split("\n").slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (!local || state !== "0A") continue;
      const [hexAddress, hexPort] = local.split(":");
      if (!hexAddress || !hexPort || Number.parseInt(hexPort, 16) !== port) continue;
      if (hexAddress.length === 8) {
        addresses.push(
          (hexAddress.match(/../g) ?? [])
            .reverse()
            .map((byte) => Number.parseInt(byte, 16))
            .join("."),
        );
      } else {
        addresses.push(hexAddress === "00000000000000000000000001000000" ? "::1" : hexAddress === "0".repeat(32) ? "::" : `ipv6:${hexAddress}`);
      }
    }
  }
  return addresses;
}

function openModeEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: "warn" };
  delete environment.AUTH_TOKEN;
  delete environment.HOST;
  return { ...environment, ...extra };
}

describe.skipIf(skip || !existsSync("/proc/net/tcp"))("open mode: npm start without AUTH_TOKEN", () => {
  it("refuses to listen beyond the loopback interface", async () => {
    const dataDirectory = await fs.mkdtemp(path.join(os.tmpdir(), "cited-open-"));
    const child = spawn(process.execPath, [path.join(projectRoot, "scripts", "start.mjs")], {
      cwd: projectRoot,
      env: openModeEnvironment({ HOST: "0.0.0.0", PORT: String(await freePort()), DATA_DIR: dataDirectory }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stderr.on("data", (data: Buffer) => (output += data.toString()));
    // It must refuse at once; should it start anyway, stop it rather than leave a server behind.
    const timer = setTimeout(() => child.kill("SIGINT"), 30_000);
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    clearTimeout(timer);
    await fs.rm(dataDirectory, { recursive: true, force: true });
    expect(code).toBe(1);
    expect(output).toContain("refusing to listen on 0.0.0.0");
  });

  it("listens on 127.0.0.1 only and says the app is open", async () => {
    const dataDirectory = await fs.mkdtemp(path.join(os.tmpdir(), "cited-open-"));
    const port = await freePort();
    const child = spawn(process.execPath, [path.join(projectRoot, "scripts", "start.mjs"), "--port", String(port)], {
      cwd: projectRoot,
      env: openModeEnvironment({ DATA_DIR: dataDirectory }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (data: Buffer) => (output += data.toString()));
    child.stderr.on("data", (data: Buffer) => (output += data.toString()));
    try {
      const deadline = Date.now() + 120_000;
      for (;;) {
        if (child.exitCode !== null) throw new Error(`npm start exited:\n${output}`);
        const response = await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => undefined);
        if (response?.ok) break;
        if (Date.now() > deadline) throw new Error(`npm start did not come up:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      expect(listeningAddresses(port)).toEqual(["127.0.0.1"]);
      expect(output).toContain("AUTH_TOKEN is not set: the app is OPEN");
      // Open mode: no sign-in anywhere.
      expect((await fetch(`http://127.0.0.1:${port}/api/documents`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/library`, { redirect: "manual" })).status).toBe(200);
    } finally {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGINT");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
      await new Promise((resolve) => setTimeout(resolve, 500));
      await fs.rm(dataDirectory, { recursive: true, force: true });
    }
  });
});

/** A request sent from a chosen loopback address (127.0.0.2, 127.0.0.3, …): a distinct client as the socket sees it. */
function requestFrom(
  app: RunningApp,
  options: { localAddress: string; method: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; body: string }> {
  const url = new URL(app.baseUrl);
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: url.hostname, port: url.port, path: options.path, method: options.method, headers: options.headers, localAddress: options.localAddress },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(options.body);
  });
}

describe.skipIf(skip)("the sign-in limiter with no proxy in front (issue 16)", () => {
  let app: RunningApp;

  beforeAll(async () => {
    app = await startApp({ environment: { AUTH_TOKEN: TOKEN, RATE_LIMIT_SIGN_INS_PER_MINUTE: "5" } });
  });

  afterAll(async () => {
    await app?.stop();
  });

  const wrongSignIn = (localAddress: string, forwardedFor?: string) =>
    requestFrom(app, {
      localAddress,
      method: "POST",
      path: "/api/auth/sign-in",
      headers: { "content-type": "application/json", ...(forwardedFor ? { "x-forwarded-for": forwardedFor } : {}) },
      body: JSON.stringify({ token: "a-wrong-guess-of-the-token" }),
    });

  it("gives a client that rotates X-Forwarded-For no new guesses", async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 8; attempt += 1) statuses.push((await wrongSignIn("127.0.0.2", `198.51.100.${attempt}, 10.0.0.${attempt}`)).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
  });

  it("never lets one client's failures lock out another, bearer clients included", async () => {
    for (let attempt = 0; attempt < 6; attempt += 1) await wrongSignIn("127.0.0.4");
    expect((await wrongSignIn("127.0.0.4")).status).toBe(429);
    const bearer = await requestFrom(app, { localAddress: "127.0.0.5", method: "GET", path: "/api/documents", headers: { authorization: `Bearer ${TOKEN}` } });
    expect(bearer.status).toBe(200);
    const signedIn = await requestFrom(app, {
      localAddress: "127.0.0.6",
      method: "POST",
      path: "/api/auth/sign-in",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: TOKEN }),
    });
    expect(signedIn.status).toBe(200);
  });
});
