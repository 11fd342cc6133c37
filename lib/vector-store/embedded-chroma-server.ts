import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import net from "node:net";
import { createRequire } from "node:module";
import path from "node:path";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logger";

/**
 * Runs the Chroma server bundled in the chromadb npm package as a child process: data under
 * DATA_DIR/chroma, bound to 127.0.0.1, health-checked through /api/v2/heartbeat, restarted if
 * it dies. It is stopped with SIGINT because it spins forever on SIGTERM. A pid file lets the
 * next start stop a server orphaned by a crash (SIGKILL) of the app.
 *
 * It must not outlive the app either: a supervisor that stops the app's whole process group
 * (systemd's default, `kill -- -PGID`) sends the server SIGTERM, on which it spins at full CPU,
 * and an app killed by SIGKILL leaves it running. So the server's Node process is started with a
 * small preload (`PARENT_WATCH`): SIGTERM becomes SIGINT, and a worker thread (the server blocks
 * the main one) stops it when its parent is gone. A process sharing the server (attached) loses it
 * with its owner, as it would at the owner's next start.
 */

const HEARTBEAT_PATH = "/api/v2/heartbeat";
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;
const MAXIMUM_RESTART_DELAY_MS = 10_000;

/** Preloaded into the server's process (see above); a worker's process.ppid is read live. */
const PARENT_WATCH = `
import { Worker } from "node:worker_threads";
process.on("SIGTERM", () => process.kill(process.pid, "SIGINT"));
new Worker(\`
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid === parent) return;
    process.kill(process.pid, "SIGINT");
    setTimeout(() => process.kill(process.pid, "SIGKILL"), ${STOP_TIMEOUT_MS}).unref();
  }, 500);
\`, { eval: true }).unref();
`;

/** The command that runs the embedded Chroma server of `dataDirectory` on `port`. */
export function chromaServerCommand(options: { dataDirectory: string; port: number }): { command: string; args: string[] } {
  return {
    command: process.execPath,
    args: [
      "--import",
      `data:text/javascript,${encodeURIComponent(PARENT_WATCH)}`,
      chromaCliPath(),
      "run",
      "--path",
      options.dataDirectory,
      "--host",
      "127.0.0.1",
      "--port",
      String(options.port),
    ],
  };
}

export interface EmbeddedChromaOptions {
  /** Called after each (re)start: what was read from the previous server may not hold for this one. */
  onStarted?: () => void;
  /** Folder holding Chroma's data (DATA_DIR/chroma). */
  dataDirectory: string;
  /** Port to bind; 0 picks a free one. */
  port: number;
}

async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function chromaCliPath(): string {
  const requireFromProject = createRequire(path.join(process.cwd(), "package.json"));
  // chromadb's "exports" hides package.json; find the package folder from its main entry.
  const entry = requireFromProject.resolve("chromadb");
  const marker = `${path.sep}node_modules${path.sep}chromadb${path.sep}`;
  const packageDirectory = entry.slice(0, entry.lastIndexOf(marker) + marker.length);
  return path.join(packageDirectory, "dist", "cli.mjs");
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isProcessAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return !isProcessAlive(pid);
}

/** The embedded Chroma server of one data directory. */
export class EmbeddedChromaServer {
  private child: ChildProcess | undefined;
  private port: number;
  private stopping = false;
  private restartAttempts = 0;
  /** True when sharing a server another live process owns: never restarted or stopped by us. */
  private attached = false;
  private starting: Promise<string> | undefined;
  private recentOutput = "";
  private readonly pidFile: string;

  constructor(private readonly options: EmbeddedChromaOptions) {
    this.port = options.port;
    this.pidFile = path.join(options.dataDirectory, "cited-chroma.pid");
  }

  /** The server's base URL (valid once started). */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts the server (once) and resolves with its URL when the heartbeat answers. */
  start(): Promise<string> {
    this.starting ??= this.startOnce().catch((error: unknown) => {
      this.starting = undefined;
      throw error;
    });
    return this.starting;
  }

  private async startOnce(): Promise<string> {
    this.stopping = false;
    await fs.mkdir(this.options.dataDirectory, { recursive: true });
    const attached = await this.attachOrStopPrevious();
    if (attached) return this.url;
    if (this.port === 0) this.port = await findFreePort();
    await this.spawnServer();
    return this.url;
  }

  /**
   * A server recorded in the pid file is either owned by another live process of this data
   * directory (the app while `npm run ingest` runs, say), which we share, or orphaned by a
   * crash of its owner, which we stop before starting our own.
   */
  private async attachOrStopPrevious(): Promise<boolean> {
    let recorded: { pid?: number; port?: number; ownerPid?: number } = {};
    try {
      recorded = JSON.parse(await fs.readFile(this.pidFile, "utf8")) as typeof recorded;
    } catch {
      return false;
    }
    const pid = recorded.pid;
    if (!pid || !isProcessAlive(pid)) return false;
    const commandLine = await fs.readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
    // Only ever touch a Chroma server of this very data directory.
    if (!commandLine.includes("chroma") || !commandLine.includes(this.options.dataDirectory)) return false;
    if (recorded.ownerPid && recorded.ownerPid !== process.pid && isProcessAlive(recorded.ownerPid) && recorded.port) {
      this.port = recorded.port;
      this.attached = true;
      logger.info("chroma.attached", { pid, url: this.url, ownerPid: recorded.ownerPid });
      return true;
    }
    logger.warn("chroma.orphan_stopping", { pid });
    process.kill(pid, "SIGINT");
    if (!(await waitForExit(pid, STOP_TIMEOUT_MS))) process.kill(pid, "SIGKILL");
    return false;
  }

  private async spawnServer(): Promise<void> {
    this.recentOutput = "";
    const { command, args } = chromaServerCommand({ dataDirectory: this.options.dataDirectory, port: this.port });
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    this.child = child;
    const remember = (data: Buffer) => {
      this.recentOutput = (this.recentOutput + data.toString("utf8")).slice(-4_000);
    };
    child.stdout?.on("data", remember);
    child.stderr?.on("data", remember);
    child.on("exit", (code, signal) => this.onExit(child, code, signal));
    if (child.pid) await fs.writeFile(this.pidFile, JSON.stringify({ pid: child.pid, port: this.port, ownerPid: process.pid }));
    await this.waitForHeartbeat(child);
    this.restartAttempts = 0;
    logger.info("chroma.started", { pid: child.pid, url: this.url, dataDirectory: this.options.dataDirectory });
    this.options.onStarted?.();
  }

  private async waitForHeartbeat(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) break;
      try {
        const response = await fetch(this.url + HEARTBEAT_PATH, { signal: AbortSignal.timeout(1_000) });
        if (response.ok) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    const output = this.recentOutput;
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    const glibc = /GLIBC_2\.\d+/.test(output);
    logger.error("chroma.start_failed", { output });
    throw new AppError(
      "store.unavailable",
      glibc
        ? "The embedded Chroma server cannot run on this system's C library (it needs glibc 2.38). Run `npm install` again to apply the compatibility patch, or set CHROMA_URL to an external Chroma server."
        : "The embedded Chroma server did not start. Check the server log, or set CHROMA_URL to an external Chroma server.",
    );
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    this.child = undefined;
    if (this.stopping) return;
    logger.error("chroma.exited", { code, signal, output: this.recentOutput.slice(-1_000) });
    // Restart with exponential backoff; requests meanwhile fail fast with store.unavailable.
    const delay = Math.min(MAXIMUM_RESTART_DELAY_MS, 250 * 2 ** this.restartAttempts);
    this.restartAttempts += 1;
    setTimeout(() => {
      if (this.stopping || this.child) return;
      this.spawnServer().catch((error: unknown) => logger.error("chroma.restart_failed", { error }));
    }, delay).unref();
  }

  /** Sends SIGINT synchronously (for process 'exit' handlers, where nothing can be awaited). */
  stopNow(): void {
    this.stopping = true;
    if (this.attached) return;
    this.child?.kill("SIGINT");
  }

  /** Stops the server with SIGINT and waits for it to exit (SIGKILL after a timeout). */
  async stop(): Promise<void> {
    this.stopping = true;
    this.starting = undefined;
    if (this.attached) return;
    const child = this.child;
    if (!child?.pid) return;
    child.kill("SIGINT");
    if (!(await waitForExit(child.pid, STOP_TIMEOUT_MS))) child.kill("SIGKILL");
    await fs.rm(this.pidFile, { force: true });
  }

  /** The child's pid, for tests that kill it. */
  get pid(): number | undefined {
    return this.child?.pid;
  }
}
