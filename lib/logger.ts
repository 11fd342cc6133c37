/** Structured JSON logging: one line per event, machine-readable, never sent to clients. */
import { AsyncLocalStorage } from "node:async_hooks";

type Level = "debug" | "info" | "warn" | "error";
const LEVEL_RANK: Record<Level | "silent", number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

// Kept on globalThis: Next bundles this module into several chunks, which must share one level.
const LEVEL_KEY = Symbol.for("cited.log-level");
type GlobalWithLevel = typeof globalThis & { [LEVEL_KEY]?: Level | "silent" };

/** Sets the lowest level written (from configuration at start-up). */
export function setLogLevel(level: Level | "silent"): void {
  (globalThis as GlobalWithLevel)[LEVEL_KEY] = level;
}

// Fields (the request id) added to every line written while a request is handled; on globalThis
// for the same reason as the level.
const CONTEXT_KEY = Symbol.for("cited.log-context");
type GlobalWithContext = typeof globalThis & { [CONTEXT_KEY]?: AsyncLocalStorage<Record<string, unknown>> };

function contextStorage(): AsyncLocalStorage<Record<string, unknown>> {
  return ((globalThis as GlobalWithContext)[CONTEXT_KEY] ??= new AsyncLocalStorage<Record<string, unknown>>());
}

/** Runs `task` with `fields` added to every log line written inside it (also after awaits). */
export function withLogContext<T>(fields: Record<string, unknown>, task: () => T): T {
  return contextStorage().run({ ...contextStorage().getStore(), ...fields }, task);
}

/** Runs `task` outside any log context: background work it starts logs without the request's fields. */
export function withoutLogContext<T>(task: () => T): T {
  return contextStorage().exit(task);
}

function serialiseError(error: unknown): unknown {
  if (error instanceof Error) {
    return { name: error.name, message: error.message, stack: error.stack, cause: error.cause ? serialiseError(error.cause) : undefined };
  }
  return error;
}

function write(level: Level, event: string, fields?: Record<string, unknown>): void {
  if (LEVEL_RANK[level] < LEVEL_RANK[(globalThis as GlobalWithLevel)[LEVEL_KEY] ?? "info"]) return;
  const record: Record<string, unknown> = { time: new Date().toISOString(), level, event, ...contextStorage().getStore() };
  if (fields) {
    for (const [key, value] of Object.entries(fields)) {
      record[key] = key === "error" ? serialiseError(value) : value;
    }
  }
  const line = JSON.stringify(record);
  if (level === "error" || level === "warn") process.stderr.write(line + "\n");
  else process.stdout.write(line + "\n");
}

/** The application logger. */
export const logger = {
  debug: (event: string, fields?: Record<string, unknown>) => write("debug", event, fields),
  info: (event: string, fields?: Record<string, unknown>) => write("info", event, fields),
  warn: (event: string, fields?: Record<string, unknown>) => write("warn", event, fields),
  error: (event: string, fields?: Record<string, unknown>) => write("error", event, fields),
};
