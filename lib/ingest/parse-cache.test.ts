import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createParseCache } from "@/lib/ingest/parse-cache";
import { parserVersion, parseWorkerPath } from "@/lib/ingest/parse-in-worker";
import type { ParsedDocument } from "@/lib/contracts/documents";

/** The parse cache: keyed on file hash, kind and parser version; one version per file; never trusted when unreadable. */

const SHA = "a".repeat(64);
const OTHER_SHA = "b".repeat(64);
const V1 = "1".repeat(32);
const V2 = "2".repeat(32);
const PARSED: ParsedDocument = { kind: "pdf", blocks: [{ text: "Dental cover starts after 30 days.", kind: "paragraph", page: 1 }], pageCount: 1, title: "Benefits" };

let directory: string;

beforeEach(async () => {
  directory = await mkdtemp(path.join(tmpdir(), "cited-parse-cache-"));
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe("parse cache", () => {
  it("returns a stored parse only for the same file, kind and parser version", async () => {
    const cache = createParseCache(directory);
    await cache.set({ sha256: SHA, kind: "pdf", parserVersion: V1 }, PARSED);
    expect(await cache.get({ sha256: SHA, kind: "pdf", parserVersion: V1 })).toEqual(PARSED);
    expect(await cache.get({ sha256: SHA, kind: "pdf", parserVersion: V2 })).toBeUndefined();
    expect(await cache.get({ sha256: SHA, kind: "docx", parserVersion: V1 })).toBeUndefined();
    expect(await cache.get({ sha256: OTHER_SHA, kind: "pdf", parserVersion: V1 })).toBeUndefined();
  });

  it("keeps only the newest parser version of a file and removes a file's entries", async () => {
    const cache = createParseCache(directory);
    await cache.set({ sha256: SHA, kind: "pdf", parserVersion: V1 }, PARSED);
    await cache.set({ sha256: OTHER_SHA, kind: "pdf", parserVersion: V1 }, PARSED);
    await cache.set({ sha256: SHA, kind: "pdf", parserVersion: V2 }, { ...PARSED, title: "New" });
    expect(await readdir(path.join(directory, "aa"))).toEqual([`${SHA}.pdf.${V2}.json`]);
    expect((await cache.get({ sha256: SHA, kind: "pdf", parserVersion: V2 }))?.title).toBe("New");
    await cache.remove(SHA);
    expect(await readdir(path.join(directory, "aa"))).toEqual([]);
    expect(await cache.get({ sha256: OTHER_SHA, kind: "pdf", parserVersion: V1 })).toEqual(PARSED);
  });

  it("treats a truncated or foreign entry as a miss", async () => {
    const cache = createParseCache(directory);
    await cache.set({ sha256: SHA, kind: "pdf", parserVersion: V1 }, PARSED);
    const file = path.join(directory, "aa", `${SHA}.pdf.${V1}.json`);
    await writeFile(file, '{"kind":"pdf","blocks":[');
    expect(await cache.get({ sha256: SHA, kind: "pdf", parserVersion: V1 })).toBeUndefined();
    await writeFile(file, JSON.stringify({ kind: "pdf", pageCount: 1 }));
    expect(await cache.get({ sha256: SHA, kind: "pdf", parserVersion: V1 })).toBeUndefined();
  });

  it("refuses keys that are not a hash and a version (they become paths)", async () => {
    const cache = createParseCache(directory);
    await expect(cache.set({ sha256: "../../etc", kind: "pdf", parserVersion: V1 }, PARSED)).rejects.toThrow(/content hash/);
    await expect(cache.set({ sha256: SHA, kind: "pdf", parserVersion: "../x" }, PARSED)).rejects.toThrow(/parser version/);
  });
});

describe("parser version", () => {
  it("is a stable hash while the worker and libraries stay the same", async () => {
    if (!existsSync(parseWorkerPath())) execFileSync(process.execPath, ["scripts/build-workers.mjs"], { stdio: "inherit" });
    const version = await parserVersion();
    expect(version).toMatch(/^[0-9a-f]{32}$/);
    expect(await parserVersion()).toBe(version);
  });
});
