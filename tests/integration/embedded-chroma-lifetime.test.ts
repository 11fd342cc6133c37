import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmbeddedChromaServer, chromaServerCommand } from "@/lib/vector-store/embedded-chroma-server";

/**
 * The embedded Chroma server never outlives the app: SIGTERM (a supervisor stopping the app's
 * process group) stops it instead of leaving it spinning, and so does its parent's death.
 */

const EXIT_WAIT_MS = 20_000;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return check();
}

/** Alive and not a zombie (an orphan reparented to a PID 1 that does not reap stays a zombie). */
async function isRunning(pid: number): Promise<boolean> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  if (!stat) return false;
  const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  return state !== "Z" && state !== "X";
}

const heartbeat = (port: number) => async () => {
  try {
    return (await fetch(`http://127.0.0.1:${port}/api/v2/heartbeat`, { signal: AbortSignal.timeout(1_000) })).ok;
  } catch {
    return false;
  }
};

describe("the embedded Chroma server's lifetime", () => {
  let directory: string;
  const leftovers: number[] = [];

  beforeAll(async () => {
    directory = await fs.mkdtemp(path.join(os.tmpdir(), "cited-chroma-life-"));
  });

  afterAll(async () => {
    for (const pid of leftovers) if (await isRunning(pid)) process.kill(pid, "SIGKILL");
    await fs.rm(directory, { recursive: true, force: true });
  });

  it("stops on SIGTERM instead of spinning", async () => {
    const port = await freePort();
    const { command, args } = chromaServerCommand({ dataDirectory: path.join(directory, "term"), port });
    const child = spawn(command, args, { stdio: "ignore" });
    leftovers.push(child.pid ?? 0);
    expect(await waitFor(heartbeat(port), 60_000)).toBe(true);
    const exited = new Promise<boolean>((resolve) => child.on("exit", () => resolve(true)));
    child.kill("SIGTERM");
    expect(await Promise.race([exited, new Promise<boolean>((resolve) => setTimeout(() => resolve(false), EXIT_WAIT_MS))])).toBe(true);
  }, 90_000);

  it("stops when the process that started it is killed", async () => {
    const port = await freePort();
    const { command, args } = chromaServerCommand({ dataDirectory: path.join(directory, "orphan"), port });
    // A stand-in for the app: starts the server, says its pid, and is then killed with SIGKILL.
    const parent = spawn(
      process.execPath,
      [
        "-e",
        `const c = require("node:child_process").spawn(process.argv[1], JSON.parse(process.argv[2]), { stdio: "ignore" }); console.log(c.pid); setInterval(() => {}, 1000);`,
        command,
        JSON.stringify(args),
      ],
      { stdio: ["ignore", "pipe", "ignore"] },
    );
    const serverPid = await new Promise<number>((resolve) => parent.stdout.once("data", (data: Buffer) => resolve(Number(data.toString().trim()))));
    leftovers.push(serverPid, parent.pid ?? 0);
    expect(await waitFor(heartbeat(port), 60_000)).toBe(true);
    parent.kill("SIGKILL");
    expect(await waitFor(async () => !(await isRunning(serverPid)), EXIT_WAIT_MS)).toBe(true);
  }, 90_000);

  it("stops a server left by an app that is gone (one without the watch) before starting its own", async () => {
    const dataDirectory = path.join(directory, "left");
    await fs.mkdir(dataDirectory, { recursive: true });
    const port = await freePort();
    // An older server: the CLI run directly, without the preload that stops it with its parent.
    const { command, args } = chromaServerCommand({ dataDirectory, port });
    const left = spawn(command, args.slice(2), { stdio: "ignore" });
    leftovers.push(left.pid ?? 0);
    expect(await waitFor(heartbeat(port), 60_000)).toBe(true);
    const gone = spawn(process.execPath, ["-e", ""]);
    await new Promise((resolve) => gone.once("exit", resolve));
    await fs.writeFile(path.join(dataDirectory, "cited-chroma.pid"), JSON.stringify({ pid: left.pid, port, ownerPid: gone.pid }));
    const server = new EmbeddedChromaServer({ dataDirectory, port: 0 });
    try {
      await server.start();
      expect(await isRunning(left.pid ?? 0)).toBe(false);
      expect(server.pid).not.toBe(left.pid);
    } finally {
      await server.stop();
    }
  }, 90_000);
});
