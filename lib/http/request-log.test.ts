import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AppError } from "@/lib/errors";
import { REQUEST_ID_HEADER, requestIdOf, withRequestLog } from "@/lib/http/request-log";
import { logger, setLogLevel, withoutLogContext } from "@/lib/logger";

/** Log lines written to stdout and stderr during a test, parsed. */
function captureLogs() {
  const lines: Record<string, unknown>[] = [];
  const capture = (chunk: string | Uint8Array) => {
    for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
    return true;
  };
  vi.spyOn(process.stdout, "write").mockImplementation(capture);
  vi.spyOn(process.stderr, "write").mockImplementation(capture);
  return lines;
}

const SECRET_TEXT = "Confidential salary table of the board";

/** A request carrying secrets in its query, headers and (for POST) body. */
function request(options: { method?: "GET" | "POST" } = {}): Request {
  const method = options.method ?? "POST";
  return new Request("http://localhost/api/search?q=secret-query", {
    method,
    headers: { authorization: "Bearer sk-secret-token", cookie: "session=secret-cookie", "content-type": "application/json" },
    body: method === "POST" ? JSON.stringify({ query: SECRET_TEXT }) : undefined,
  });
}

describe("withRequestLog", () => {
  let lines: Record<string, unknown>[];
  beforeEach(() => {
    setLogLevel("debug");
    lines = captureLogs();
  });
  afterEach(() => {
    vi.restoreAllMocks();
    setLogLevel("info");
  });

  it("logs one JSON line with id, route, method, status and latency, and returns the id in x-request-id", async () => {
    const handler = withRequestLog("/api/search", async (incoming: Request) => {
      const body = await incoming.text();
      return Response.json({ echoed: body.length }, { status: 201 });
    });
    const response = await handler(request());
    expect(response.status).toBe(201);
    const requestId = response.headers.get(REQUEST_ID_HEADER);
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const logged = lines.filter((line) => line.event === "request");
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: "info", requestId, route: "/api/search", method: "POST", status: 201 });
    expect(typeof logged[0]?.latencyMs).toBe("number");
    expect(logged[0]?.latencyMs).toBeGreaterThanOrEqual(0);
    expect(Object.keys(logged[0] ?? {}).sort()).toEqual(["event", "latencyMs", "level", "method", "requestId", "route", "status", "time"]);
  });

  it("never logs bodies, query strings, cookies or authorization headers", async () => {
    const handler = withRequestLog("/api/search", () => Promise.resolve(Response.json({ text: SECRET_TEXT })));
    await handler(request());
    const all = JSON.stringify(lines);
    for (const secret of [SECRET_TEXT, "sk-secret-token", "secret-cookie", "secret-query"]) expect(all).not.toContain(secret);
  });

  it("logs a thrown internal error with its stack; the client sees only { error: { code, message } }", async () => {
    const handler = withRequestLog("/api/documents/[id]", (_request: Request, _context: { params: Promise<{ id: string }> }) =>
      Promise.reject(new Error("database exploded at /var/lib/cited/app.db")),
    );
    const response = await handler(request({ method: "GET" }), { params: Promise.resolve({ id: "x" }) });
    expect(response.status).toBe(500);
    const body = (await response.json()) as unknown;
    expect(body).toEqual({ error: { code: "internal.error", message: expect.any(String) as unknown } });
    expect(JSON.stringify(body)).not.toContain("exploded");
    const requestId = response.headers.get(REQUEST_ID_HEADER);

    const failure = lines.find((line) => line.event === "request.unhandled_error");
    expect(failure).toMatchObject({ level: "error", requestId });
    const error = failure?.error as { message: string; stack: string };
    expect(error.message).toContain("database exploded");
    expect(error.stack).toMatch(/request-log\.test\.ts/);
    expect(lines.find((line) => line.event === "request")).toMatchObject({ level: "warn", requestId, status: 500, method: "GET", route: "/api/documents/[id]" });
  });

  it("answers an AppError with its code and status", async () => {
    const handler = withRequestLog("/api/documents/[id]", () => Promise.reject(new AppError("document.not_found", "No document has this id.")));
    const response = await handler(request({ method: "GET" }));
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: "document.not_found", message: "No document has this id." } });
    expect(lines.find((line) => line.event === "request")).toMatchObject({ level: "info", status: 404 });
    expect(lines.some((line) => line.level === "error")).toBe(false);
  });

  it("tags every line logged inside the handler with the request id", async () => {
    const handler = withRequestLog("/api/chat", async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      logger.info("chat.answered", { sources: 2 });
      return new Response("ok");
    });
    const response = await handler(request());
    const requestId = response.headers.get(REQUEST_ID_HEADER);
    expect(lines.find((line) => line.event === "chat.answered")).toMatchObject({ requestId, sources: 2 });
  });

  it("leaves the request id off background work the handler starts outside the log context", async () => {
    let background: Promise<void> = Promise.resolve();
    const handler = withRequestLog("/api/documents", () => {
      withoutLogContext(() => {
        background = new Promise((resolve) => setTimeout(resolve, 5)).then(() => logger.info("vectors.swept", { lost: 0 }));
      });
      return Promise.resolve(new Response("ok"));
    });
    await handler(request());
    await background;
    const swept = lines.find((line) => line.event === "vectors.swept");
    expect(swept).toMatchObject({ lost: 0 });
    expect(swept).not.toHaveProperty("requestId");
  });

  it("adds the header to a response with immutable headers", async () => {
    const handler = withRequestLog("/api/health", () => Promise.resolve(Response.redirect("http://localhost/elsewhere", 307)));
    const response = await handler(request({ method: "GET" }));
    expect(response.status).toBe(307);
    expect(response.headers.get("location")).toBe("http://localhost/elsewhere");
    expect(response.headers.get(REQUEST_ID_HEADER)).toBeTruthy();
  });
});

describe("requestIdOf", () => {
  it("keeps a well-formed id from a reverse proxy and replaces anything else", () => {
    expect(requestIdOf(new Request("http://localhost/", { headers: { "x-request-id": "proxy-0123456789abcdef" } }))).toBe("proxy-0123456789abcdef");
    for (const forged of ['x", "level": "error', "a".repeat(500), "short"]) {
      expect(requestIdOf(new Request("http://localhost/", { headers: { "x-request-id": forged } }))).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});
