/**
 * The production app as the command-line tools drive it (npm run loadtest, npm run bench) and the
 * test suite too (tests/support/app-server.ts): the production build on a free port with a
 * throw-away DATA_DIR, open (no AUTH_TOKEN) and, for the tools, without rate limits, stopped with
 * SIGINT.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { sleep } from "./cli";

export interface ProductionApp {
  baseUrl: string;
  dataDirectory: string;
  child: ChildProcess;
  /** From spawning `next start` until /api/health first answered 200. */
  healthMilliseconds: number;
  /** The last 20,000 characters the app wrote to stdout and stderr. */
  output: () => string;
  /** Stops the app; its DATA_DIR is removed unless `keepDataDirectory` (here or at the start) says otherwise. */
  stop: (options?: { keepDataDirectory?: boolean }) => Promise<void>;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** True when `npm run build` has produced a production build in `projectRoot`. */
export function hasProductionBuild(projectRoot: string): boolean {
  return existsSync(path.join(projectRoot, ".next", "BUILD_ID"));
}

const WITHOUT_RATE_LIMITS = { RATE_LIMIT_UPLOADS_PER_MINUTE: "0", RATE_LIMIT_CHATS_PER_MINUTE: "0", RATE_LIMIT_SEARCHES_PER_MINUTE: "0" };

/**
 * Starts the production build and resolves once it is healthy; `pollMilliseconds` bounds the
 * start-up timing's resolution. `dataDirectory` reuses an existing DATA_DIR (the bench restarts
 * the app on one library with another configuration), and `keepDataDirectory` leaves it in place
 * on stop (the caller removes it). Rate limits are off unless `rateLimits` (the tests check them).
 * `environment` adds settings (e.g. OPENAI_BASE_URL), and
 * `nodeArguments` flags for node itself (`--cpu-prof`, which NODE_OPTIONS refuses; next start's
 * server process inherits them).
 */
export async function startProductionApp(options: {
  projectRoot: string;
  dataDirectoryPrefix: string;
  pollMilliseconds: number;
  dataDirectory?: string;
  keepDataDirectory?: boolean;
  rateLimits?: boolean;
  environment?: Record<string, string>;
  nodeArguments?: string[];
}): Promise<ProductionApp> {
  const dataDirectory = options.dataDirectory ?? (await fs.mkdtemp(path.join(os.tmpdir(), options.dataDirectoryPrefix)));
  const port = await freePort();
  let output = "";
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [...(options.nodeArguments ?? []), path.join(options.projectRoot, "node_modules", "next", "dist", "bin", "next"), "start", "--port", String(port), "--hostname", "127.0.0.1"],
    {
      cwd: options.projectRoot,
      // Open and unthrottled: the tools measure the app, not sign-in or rate limits (an AUTH_TOKEN
      // from the shell is dropped; a test asking for access control sets one in `environment`).
      env: {
        ...process.env,
        AUTH_TOKEN: "",
        DATA_DIR: dataDirectory,
        PORT: String(port),
        LOG_LEVEL: "warn",
        ...(options.rateLimits ? {} : WITHOUT_RATE_LIMITS),
        ...options.environment,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  child.stdout.on("data", (data: Buffer) => (output = (output + data.toString()).slice(-20_000)));
  child.stderr.on("data", (data: Buffer) => (output = (output + data.toString()).slice(-20_000)));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The app exited during start-up:\n${output}`);
    const healthy = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(5_000) })
      .then((response) => response.ok)
      .catch(() => false);
    if (healthy) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`The app did not become healthy in time:\n${output}`);
    }
    await sleep(options.pollMilliseconds);
  }
  return {
    baseUrl,
    dataDirectory,
    child,
    healthMilliseconds: performance.now() - started,
    output: () => output,
    stop: async (stopOptions) => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGINT");
        await Promise.race([exited, sleep(15_000)]);
        if (child.exitCode === null) child.kill("SIGKILL");
      }
      // Give the embedded Chroma server (stopped with SIGINT by the app) a moment to exit.
      await sleep(500);
      if (!(stopOptions?.keepDataDirectory ?? options.keepDataDirectory)) await fs.rm(dataDirectory, { recursive: true, force: true });
    },
  };
}

/** One part of the chat's UI message stream (server-sent events). */
export interface StreamPart {
  type?: string;
  errorText?: string;
  /** The text of a text-delta part. */
  delta?: string;
}

/** Reads a chat response's event stream to its end, calling `onPart` for every JSON part as it arrives. */
export async function forEachStreamPart(body: ReadableStream<Uint8Array>, onPart: (part: StreamPart) => void): Promise<void> {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let buffered = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffered += decoder.decode(value, { stream: true });
    let newline = buffered.indexOf("\n");
    while (newline >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf("\n");
      if (!line.startsWith("data:")) continue;
      const payload = line.slice(5).trim();
      if (payload === "[DONE]") continue;
      let part: StreamPart;
      try {
        part = JSON.parse(payload) as StreamPart;
      } catch {
        // Not JSON: the server's own tests cover the protocol.
        continue;
      }
      onPart(part);
    }
  }
}

/**
 * The CPU model and whether it has AVX-512 VNNI: the quantised model's throughput depends on it
 * (docs/performance.md), so figures from different machines are not comparable.
 */
export async function cpuDescription(): Promise<string> {
  const model = os.cpus()[0]?.model.trim() ?? "unknown CPU";
  try {
    const flags = /^flags\s*:(.*)$/m.exec(await fs.readFile("/proc/cpuinfo", "utf8"))?.[1] ?? "";
    return `${model}, ${/\bavx512_vnni\b/.test(flags) ? "AVX-512 VNNI" : /\bavx2\b/.test(flags) ? "AVX2, no AVX-512 VNNI" : "no AVX2"}`;
  } catch {
    return model;
  }
}
