import { createHash } from "node:crypto";
import { access, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FileStore, createLocalFileStore } from "@/lib/storage/file-store";

let directory: string;
let root: string;
let store: FileStore;
let temporaryCount = 0;

function sha256(content: string): string {
  return createHash("sha256").update(content).digest("hex");
}

async function temporaryFile(content: string): Promise<string> {
  temporaryCount += 1;
  const filePath = path.join(directory, "uploads", `upload-${temporaryCount}.tmp`);
  await mkdir(path.dirname(filePath), { recursive: true });
  await writeFile(filePath, content);
  return filePath;
}

async function pathExists(filePath: string): Promise<boolean> {
  try {
    await access(filePath);
    return true;
  } catch {
    return false;
  }
}

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(typeof part === "string" ? Buffer.from(part) : part);
  return Buffer.concat(parts).toString("utf8");
}

beforeEach(async () => {
  directory = await mkdtemp(path.join(tmpdir(), "cited-files-"));
  // Nested so that "../" traversal from the root would land inside the temp directory.
  root = path.join(directory, "data", "files");
  store = createLocalFileStore(root);
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe("createLocalFileStore", () => {
  it("moves an imported temporary file into the store under its hash", async () => {
    const content = "%PDF-1.4 handbook";
    const hash = sha256(content);
    const temporaryPath = await temporaryFile(content);

    await store.importFile({ temporaryPath, sha256: hash });

    expect(await pathExists(temporaryPath)).toBe(false);
    expect(await readFile(path.join(root, hash.slice(0, 2), hash), "utf8")).toBe(content);
    expect(await store.exists(hash)).toBe(true);
    expect((await store.read(hash)).toString("utf8")).toBe(content);
    expect(await readStream(store.openReadStream(hash))).toBe(content);
  });

  it("keeps the stored copy and removes the temporary file when the hash is already stored", async () => {
    const content = "same bytes";
    const hash = sha256(content);
    await store.importFile({ temporaryPath: await temporaryFile(content), sha256: hash });

    // A second upload of the same content (the store trusts the hash it is given).
    const secondPath = await temporaryFile("second copy");
    await store.importFile({ temporaryPath: secondPath, sha256: hash });

    expect(await pathExists(secondPath)).toBe(false);
    expect((await store.read(hash)).toString("utf8")).toBe(content);
    expect(await store.list()).toEqual([hash]);
  });

  it("lists every stored hash and ignores other files", async () => {
    const hashes = ["alpha", "beta", "gamma", "delta"].map(sha256);
    for (const [index, hash] of hashes.entries()) {
      await store.importFile({ temporaryPath: await temporaryFile(`content ${index}`), sha256: hash });
    }
    await writeFile(path.join(root, "README.txt"), "not a stored file");
    await writeFile(path.join(root, hashes[0]?.slice(0, 2) ?? "00", "partial.tmp"), "not a hash");

    expect((await store.list()).sort()).toEqual([...hashes].sort());
  });

  it("lists nothing when the root does not exist yet", async () => {
    expect(await createLocalFileStore(path.join(directory, "missing")).list()).toEqual([]);
  });

  it("removes a stored file, and removing a missing file is not an error", async () => {
    const hash = sha256("to delete");
    await store.importFile({ temporaryPath: await temporaryFile("to delete"), sha256: hash });
    await store.remove(hash);
    expect(await store.exists(hash)).toBe(false);
    expect(await store.list()).toEqual([]);
    await expect(store.remove(hash)).resolves.toBeUndefined();
    await expect(store.read(hash)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("reports a hash that was never stored as missing", async () => {
    expect(await store.exists(sha256("never stored"))).toBe(false);
  });

  it.each(["../../etc/passwd", "../secret.txt", "..", "", "ABCDEF".repeat(10) + "ABCD", "a".repeat(63), "a".repeat(65), `${"a".repeat(62)}/x`, `${"a".repeat(64)}\n`])(
    "rejects %j as a content hash",
    async (invalid) => {
      await expect(store.read(invalid)).rejects.toThrow(/Invalid content hash/);
      await expect(store.remove(invalid)).rejects.toThrow(/Invalid content hash/);
      expect(() => store.openReadStream(invalid)).toThrow(/Invalid content hash/);
      expect(await store.exists(invalid)).toBe(false);
      const temporaryPath = await temporaryFile("payload");
      await expect(store.importFile({ temporaryPath, sha256: invalid })).rejects.toThrow(/Invalid content hash/);
      // The rejected upload is left where it was, and nothing was written into the store.
      expect(await pathExists(temporaryPath)).toBe(true);
      expect(await store.list()).toEqual([]);
    },
  );

  it("never reads, reports or deletes a file outside the store through a traversal", async () => {
    // Unchecked, "../secret.txt" would resolve to <root>/../../secret.txt: plant a file at each level above the root.
    await mkdir(root, { recursive: true });
    const secrets = [path.join(directory, "secret.txt"), path.join(directory, "data", "secret.txt")];
    for (const secret of secrets) await writeFile(secret, "top secret");

    for (const attempt of ["../secret.txt", "../../secret.txt", "../data/secret.txt"]) {
      await expect(store.read(attempt)).rejects.toThrow(/Invalid content hash/);
      expect(await store.exists(attempt)).toBe(false);
      await expect(store.remove(attempt)).rejects.toThrow(/Invalid content hash/);
    }
    for (const secret of secrets) expect(await readFile(secret, "utf8")).toBe("top secret");
    expect(await readdir(root)).toEqual([]);
  });
});
