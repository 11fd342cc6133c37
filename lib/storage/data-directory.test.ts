import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ensureDataDirectory } from "@/lib/storage/data-directory";

/** Issue 16: DATA_DIR holds every document and session; other local users must not read it. */

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe("ensureDataDirectory", () => {
  it("creates DATA_DIR and its missing parents readable by this user only, whatever the umask", () => {
    const root = mkdtempSync(path.join(tmpdir(), "cited-data-dir-"));
    roots.push(root);
    const previous = process.umask(0o022);
    try {
      const dataDirectory = path.join(root, "srv", "cited-data");
      ensureDataDirectory(dataDirectory);
      expect(statSync(dataDirectory).mode & 0o777).toBe(0o700);
      expect(statSync(path.join(root, "srv")).mode & 0o777).toBe(0o700);
      // Again on an existing directory: nothing fails.
      ensureDataDirectory(dataDirectory);
    } finally {
      process.umask(previous);
    }
  });
});
