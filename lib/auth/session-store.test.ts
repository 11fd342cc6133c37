import Database from "better-sqlite3";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sessionKey } from "@/lib/auth/credentials";
import { openSessionStore, type SessionStore } from "@/lib/auth/session-store";
import { openSqliteRegistry } from "@/lib/storage/sqlite-registry";

describe("session store", () => {
  let directory: string;
  let file: string;
  let now: number;
  let store: SessionStore;

  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), "cited-sessions-"));
    file = path.join(directory, "app.db");
    now = 1_000_000;
    store = openSessionStore(file, { now: () => now });
  });
  afterEach(() => {
    store.close();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  it("finds a live session until it expires", () => {
    const session = store.create({ tokenFingerprint: "f", ttlMs: 10_000 });
    expect(session.expiresAt.getTime()).toBe(1_010_000);
    expect(store.find({ sessionId: session.id, tokenFingerprint: "f" })).toEqual({ expiresAt: session.expiresAt });
    now += 9_999;
    expect(store.find({ sessionId: session.id, tokenFingerprint: "f" })).toBeDefined();
    now += 1;
    expect(store.find({ sessionId: session.id, tokenFingerprint: "f" })).toBeUndefined();
  });

  it("revokes one session, or all", () => {
    const first = store.create({ tokenFingerprint: "f", ttlMs: 10_000 });
    const second = store.create({ tokenFingerprint: "f", ttlMs: 10_000 });
    const third = store.create({ tokenFingerprint: "f", ttlMs: 10_000 });
    expect(store.revoke(first.id)).toBe(true);
    expect(store.revoke(first.id)).toBe(false);
    expect(store.find({ sessionId: first.id, tokenFingerprint: "f" })).toBeUndefined();
    expect(store.find({ sessionId: second.id, tokenFingerprint: "f" })).toBeDefined();
    expect(store.revokeAll()).toBe(2);
    expect(store.find({ sessionId: second.id, tokenFingerprint: "f" })).toBeUndefined();
    expect(store.find({ sessionId: third.id, tokenFingerprint: "f" })).toBeUndefined();
  });

  it("refuses a session of another token fingerprint", () => {
    const session = store.create({ tokenFingerprint: "old", ttlMs: 10_000 });
    expect(store.find({ sessionId: session.id, tokenFingerprint: "new" })).toBeUndefined();
  });

  it("stores only a digest of the session id", () => {
    const session = store.create({ tokenFingerprint: "f", ttlMs: 10_000 });
    const database = new Database(file, { readonly: true });
    const keys = (database.prepare("SELECT key FROM sessions").all() as { key: string }[]).map((row) => row.key);
    database.close();
    expect(keys).toEqual([sessionKey(session.id)]);
  });

  it("shares the registry's file with its own schema version", () => {
    const registry = openSqliteRegistry(file);
    const again = openSessionStore(file, { now: () => now });
    const session = again.create({ tokenFingerprint: "f", ttlMs: 10_000 });
    expect(store.find({ sessionId: session.id, tokenFingerprint: "f" })).toBeDefined();
    expect(registry.listDocumentsByStatus(["ready"])).toEqual([]);
    again.close();
    registry.close();
  });

  it("purges sessions a day after they ended", () => {
    const old = store.create({ tokenFingerprint: "f", ttlMs: 1_000 });
    now += 2 * 24 * 3_600_000;
    store.create({ tokenFingerprint: "f", ttlMs: 1_000 });
    const database = new Database(file, { readonly: true });
    const count = (database.prepare("SELECT count(*) AS n FROM sessions WHERE key = ?").get(sessionKey(old.id)) as { n: number }).n;
    database.close();
    expect(count).toBe(0);
  });
});
