import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { prepareTemporaryDirectory } from "@/lib/maintenance/temporary-files";

describe("prepareTemporaryDirectory", () => {
  const dataDirectory = fs.mkdtempSync(path.join(os.tmpdir(), "cited-tmp-"));
  afterEach(() => fs.rmSync(dataDirectory, { recursive: true, force: true }));

  it("creates DATA_DIR/tmp and empties what a crash left in it", () => {
    const first = prepareTemporaryDirectory(dataDirectory);
    expect(first).toBe(path.join(dataDirectory, "tmp"));
    fs.writeFileSync(path.join(first, "a.upload"), "partial");
    fs.mkdirSync(path.join(first, "nested"));
    fs.writeFileSync(path.join(first, "nested", "b"), "x");
    expect(prepareTemporaryDirectory(dataDirectory)).toBe(first);
    expect(fs.readdirSync(first)).toEqual([]);
  });
});
