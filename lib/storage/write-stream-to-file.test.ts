import { existsSync } from "node:fs";
import type * as NodeFs from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

const OPEN_DELAY_MS = 150;

// Opening is slowed down the way a busy libuv thread pool slows it, which makes the race
// between a failed source and the file's creation deterministic.
vi.mock("node:fs", async (importOriginal) => {
  const original = await importOriginal<typeof NodeFs>();
  const slowFs = {
    open: (...parameters: Parameters<typeof original.open>) => {
      setTimeout(() => {
        (original.open as (...values: unknown[]) => void)(...parameters);
      }, OPEN_DELAY_MS);
    },
    write: original.write,
    writev: original.writev,
    close: original.close,
  };
  return {
    ...original,
    default: original,
    createWriteStream: (filePath: string, options?: object) => original.createWriteStream(filePath, { ...options, fs: slowFs }),
  };
});

const { writeStreamToFile } = await import("./write-stream-to-file");

let directory = "";
beforeEach(async () => {
  directory = await fs.mkdtemp(path.join(os.tmpdir(), "cited-write-"));
});
afterEach(async () => {
  await fs.rm(directory, { recursive: true, force: true });
});

describe("writeStreamToFile", () => {
  it("writes the whole stream", async () => {
    const filePath = path.join(directory, "whole.upload");
    await writeStreamToFile({ source: Readable.from([Buffer.from("first "), Buffer.from("second")]), filePath });
    expect(await fs.readFile(filePath, "utf8")).toBe("first second");
  });

  it("settles on a failed source only after the file exists and is closed, so removing it leaves nothing", async () => {
    const filePath = path.join(directory, "failed.upload");
    const source = new Readable({ read() {} });
    source.push("partial");
    source.destroy(new Error("client went away"));
    await expect(writeStreamToFile({ source, filePath })).rejects.toThrow("client went away");
    await fs.rm(filePath, { force: true });
    await new Promise((resolve) => setTimeout(resolve, OPEN_DELAY_MS * 2));
    expect(existsSync(filePath)).toBe(false);
  });

  it("rejects when the file cannot be created", async () => {
    const filePath = path.join(directory, "missing-directory", "file.upload");
    await expect(writeStreamToFile({ source: Readable.from(["text"]), filePath })).rejects.toThrow(/ENOENT/);
  });
});
