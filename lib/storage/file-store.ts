import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";

/**
 * Original files, stored content-addressed by SHA-256 so that identical uploads share one copy
 * and a stored file can always be checked against its name. Behind this interface an object
 * store (S3, GCS) can replace the local disk.
 */
export interface FileStore {
  /** Moves a fully written temporary file into the store under its hash; idempotent. */
  importFile(options: { temporaryPath: string; sha256: string }): Promise<void>;
  read(sha256: string): Promise<Buffer>;
  openReadStream(sha256: string): NodeJS.ReadableStream;
  exists(sha256: string): Promise<boolean>;
  remove(sha256: string): Promise<void>;
  /** Every stored hash (for consistency checks). */
  list(): Promise<string[]>;
}

const SHA256_PATTERN = /^[0-9a-f]{64}$/;

function assertHash(sha256: string): void {
  // The hash becomes a path: never let anything else through.
  if (!SHA256_PATTERN.test(sha256)) throw new Error(`Invalid content hash: ${sha256}`);
}

/** A `FileStore` on the local disk under `rootDirectory` (DATA_DIR/files). */
export function createLocalFileStore(rootDirectory: string): FileStore {
  const pathFor = (sha256: string) => {
    assertHash(sha256);
    return path.join(rootDirectory, sha256.slice(0, 2), sha256);
  };

  return {
    async importFile({ temporaryPath, sha256 }) {
      const target = pathFor(sha256);
      await fs.mkdir(path.dirname(target), { recursive: true });
      try {
        await fs.access(target);
        await fs.rm(temporaryPath, { force: true });
        return;
      } catch {
        // Not stored yet.
      }
      await fs.rename(temporaryPath, target);
    },
    async read(sha256) {
      // Async so that an invalid hash rejects the promise instead of throwing synchronously.
      return await fs.readFile(pathFor(sha256));
    },
    openReadStream(sha256) {
      return createReadStream(pathFor(sha256));
    },
    async exists(sha256) {
      try {
        await fs.access(pathFor(sha256));
        return true;
      } catch {
        return false;
      }
    },
    async remove(sha256) {
      await fs.rm(pathFor(sha256), { force: true });
    },
    async list() {
      const hashes: string[] = [];
      let prefixes: string[];
      try {
        prefixes = await fs.readdir(rootDirectory);
      } catch {
        return hashes;
      }
      for (const prefix of prefixes) {
        const entries = await fs.readdir(path.join(rootDirectory, prefix)).catch(() => [] as string[]);
        hashes.push(...entries.filter((entry) => SHA256_PATTERN.test(entry)));
      }
      return hashes;
    },
  };
}
