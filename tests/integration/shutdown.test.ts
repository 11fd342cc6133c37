import fs from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hasProductionBuild, startApp, type RunningApp } from "../support/app-server";

/** Alive and not a zombie. */
async function isRunning(pid: number): Promise<boolean> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  if (!stat) return false;
  const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  return state !== "Z" && state !== "X";
}

const reason = hasProductionBuild() ? undefined : "no production build (run `npm run build` first; `npm test` does)";
if (reason) console.log(`shutdown: skipped — ${reason}`);

describe.skipIf(reason !== undefined)("shutdown", () => {
  let app: RunningApp | undefined;

  afterAll(async () => {
    await app?.stop();
  });

  it("exits on SIGINT within the grace period although a client holds a request open, and stops Chroma", async () => {
    app = await startApp({ environment: { SHUTDOWN_GRACE_SECONDS: "2" } });
    const { pid: chromaPid } = JSON.parse(await fs.readFile(path.join(app.dataDirectory, "chroma", "cited-chroma.pid"), "utf8")) as { pid: number };
    expect(await isRunning(chromaPid)).toBe(true);

    // A request whose body never finishes: Next's server.close() waits for it (Node's own
    // request timeout is five minutes).
    const url = new URL(app.baseUrl);
    const socket = net.connect({ host: url.hostname, port: Number(url.port) });
    await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
    socket.write(`POST /api/search HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"query": "gen`);
    socket.on("error", () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 500));

    const child = app.process;
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
    const signalledAt = Date.now();
    child.kill("SIGINT");
    const outcome = await Promise.race([exited, new Promise<"still running">((resolve) => setTimeout(() => resolve("still running"), 30_000))]);
    const seconds = (Date.now() - signalledAt) / 1000;
    socket.destroy();
    console.log(`shutdown: exited ${JSON.stringify(outcome)} ${seconds.toFixed(1)} s after SIGINT with a request held open`);
    expect(outcome, app.output()).toEqual({ code: 130, signal: null });
    expect(seconds).toBeGreaterThanOrEqual(1.5);
    expect(app.output()).toContain("shutdown.forced");
    // The exit hook stopped the embedded Chroma server with SIGINT.
    const deadline = Date.now() + 10_000;
    while ((await isRunning(chromaPid)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await isRunning(chromaPid)).toBe(false);
  });
});
