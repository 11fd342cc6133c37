import { existsSync } from "node:fs";
import path from "node:path";
import type { ChildProcess } from "node:child_process";
import { freePort, hasProductionBuild as hasBuildIn, startProductionApp } from "@/scripts/support/app-under-test";

/**
 * Starts the production build (`next start`) on a free port with its own throw-away DATA_DIR,
 * exactly as a user would run it (with its rate limits), and stops it with SIGINT. Tests talk to
 * it over HTTP only.
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
  return hasBuildIn(projectRoot);
}

export async function startApp(options: { environment?: Record<string, string>; dataDirectory?: string } = {}): Promise<RunningApp> {
  const app = await startProductionApp({
    projectRoot,
    dataDirectoryPrefix: "cited-test-",
    pollMilliseconds: 300,
    rateLimits: true,
    ...(options.dataDirectory === undefined ? {} : { dataDirectory: options.dataDirectory }),
    ...(options.environment === undefined ? {} : { environment: options.environment }),
  });
  return {
    baseUrl: app.baseUrl,
    dataDirectory: app.dataDirectory,
    process: app.child,
    output: app.output,
    stop: (stopOptions) => app.stop({ keepDataDirectory: stopOptions?.keepData ?? false }),
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
