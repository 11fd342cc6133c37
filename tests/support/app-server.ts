import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { freePort } from "../../scripts/app-under-test";

/**
 * Starts the production build (`next start`) on a free port with its own throw-away DATA_DIR,
 * exactly as a user would run it, and stops it with SIGINT. Tests talk to it over HTTP only.
 */

export interface RunningApp {
  baseUrl: string;
  dataDirectory: string;
  process: ChildProcess;
  output: () => string;
  stop: (options?: { keepData?: boolean }) => Promise<void>;
}

const projectRoot = path.resolve(import.meta.dirname, "..", "..");

// One free-port picker for the tools and the tests.
export { freePort };

/** True when a production build exists (npm test builds before running vitest). */
export function hasProductionBuild(): boolean {
  return existsSync(path.join(projectRoot, ".next", "BUILD_ID"));
}

export async function startApp(options: { environment?: Record<string, string>; dataDirectory?: string } = {}): Promise<RunningApp> {
  const dataDirectory = options.dataDirectory ?? (await fs.mkdtemp(path.join(os.tmpdir(), "cited-test-")));
  const port = await freePort();
  const nextBinary = path.join(projectRoot, "node_modules", "next", "dist", "bin", "next");
  let output = "";
  const child = spawn(process.execPath, [nextBinary, "start", "--port", String(port), "--hostname", "127.0.0.1"], {
    cwd: projectRoot,
    // Open (no AUTH_TOKEN from the developer's shell) unless a test asks for access control.
    env: { ...process.env, AUTH_TOKEN: "", DATA_DIR: dataDirectory, PORT: String(port), LOG_LEVEL: "warn", ...options.environment },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (data: Buffer) => (output = (output + data.toString()).slice(-20_000)));
  child.stderr?.on("data", (data: Buffer) => (output = (output + data.toString()).slice(-20_000)));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The app exited during start-up:\n${output}`);
    try {
      const response = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(5_000) });
      if (response.ok) break;
    } catch {
      // Not up yet.
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`The app did not become healthy in time:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return {
    baseUrl,
    dataDirectory,
    process: child,
    output: () => output,
    stop: async (stopOptions) => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGINT");
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
        if (child.exitCode === null) child.kill("SIGKILL");
      }
      // Give the embedded Chroma server (stopped with SIGINT by the app) a moment to exit.
      await new Promise((resolve) => setTimeout(resolve, 500));
      if (!stopOptions?.keepData) await fs.rm(dataDirectory, { recursive: true, force: true });
    },
  };
}

/** Polls a document until it is ready or failed. */
export async function waitForDocuments(options: { baseUrl: string; ids: string[]; timeoutMs: number }): Promise<Record<string, { status: string; [key: string]: unknown }>> {
  const deadline = Date.now() + options.timeoutMs;
  const final: Record<string, { status: string; [key: string]: unknown }> = {};
  while (Date.now() < deadline) {
    for (const id of options.ids) {
      if (final[id]) continue;
      // A poll can hit a keep-alive connection the server just closed; retry it rather than fail.
      const response = await fetch(`${options.baseUrl}/api/documents/${id}`).catch(async () => {
        await new Promise((resolve) => setTimeout(resolve, 500));
        return fetch(`${options.baseUrl}/api/documents/${id}`);
      });
      const body = (await response.json()) as { document: { status: string; [key: string]: unknown } };
      if (body.document.status === "ready" || body.document.status === "failed") final[id] = body.document;
    }
    if (Object.keys(final).length === options.ids.length) return final;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`Documents not finished after ${options.timeoutMs} ms`);
}

/** Where the shared evaluation corpora live, or undefined (tests then skip with a reason). */
export function sharedCorpus(name: string): string | undefined {
  const directory = path.resolve(projectRoot, "..", "shared", "corpus", name);
  return existsSync(directory) ? directory : undefined;
}
