import "server-only";
import fs from "node:fs/promises";
import path from "node:path";
import type { DocumentKind, ParsedDocument } from "@/lib/contracts/documents";

/**
 * The parse result of each stored file, kept so that re-indexing an unchanged file does not parse
 * it again (parsing was most of what an unchanged re-index still cost once its vectors were no
 * longer rewritten). An entry is keyed on everything that decides a parse's output: the file's
 * content hash, its kind, and the parser's version (the parse worker's code and the parsing
 * libraries, `parserVersion` in parse-in-worker.ts). A new parser therefore never meets an old
 * entry: re-indexing after an upgrade parses afresh. Entries live in DATA_DIR/parsed; only the
 * newest version of a file is kept, and it goes when the file goes.
 */

export interface ParseCacheKey {
  sha256: string;
  kind: DocumentKind;
  parserVersion: string;
}

export interface ParseCache {
  /** The cached parse of this exact key, or undefined (a missing or unreadable entry is a miss). */
  get(key: ParseCacheKey): Promise<ParsedDocument | undefined>;
  /** Stores a parse, replacing the file's entries of other parser versions. */
  set(key: ParseCacheKey, parsed: ParsedDocument): Promise<void>;
  /** Removes every entry of a file (when the file itself is removed). */
  remove(sha256: string): Promise<void>;
}

const SHA256_PATTERN = /^[0-9a-f]{64}$/;
const VERSION_PATTERN = /^[0-9a-f]{16,64}$/;

function isParsedDocument(value: unknown, kind: DocumentKind): value is ParsedDocument {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Partial<ParsedDocument>;
  return candidate.kind === kind && Array.isArray(candidate.blocks) && (candidate.pageCount === null || typeof candidate.pageCount === "number");
}

/** A `ParseCache` on the local disk under `rootDirectory` (DATA_DIR/parsed). */
export function createParseCache(rootDirectory: string): ParseCache {
  const directoryFor = (sha256: string) => {
    // The hash becomes a path: never let anything else through.
    if (!SHA256_PATTERN.test(sha256)) throw new Error(`Invalid content hash: ${sha256}`);
    return path.join(rootDirectory, sha256.slice(0, 2));
  };
  const fileFor = (key: ParseCacheKey) => {
    if (!VERSION_PATTERN.test(key.parserVersion)) throw new Error(`Invalid parser version: ${key.parserVersion}`);
    return path.join(directoryFor(key.sha256), `${key.sha256}.${key.kind}.${key.parserVersion}.json`);
  };
  const entriesOf = async (sha256: string): Promise<string[]> => {
    const entries = await fs.readdir(directoryFor(sha256)).catch(() => [] as string[]);
    return entries.filter((entry) => entry.startsWith(`${sha256}.`));
  };

  return {
    async get(key) {
      try {
        const parsed: unknown = JSON.parse(await fs.readFile(fileFor(key), "utf8"));
        return isParsedDocument(parsed, key.kind) ? parsed : undefined;
      } catch {
        return undefined;
      }
    },
    async set(key, parsed) {
      const file = fileFor(key);
      await fs.mkdir(path.dirname(file), { recursive: true });
      // Written aside and renamed: a crash never leaves a truncated entry under the real name.
      const temporary = `${file}.${process.pid}.tmp`;
      await fs.writeFile(temporary, JSON.stringify(parsed));
      await fs.rename(temporary, file);
      for (const entry of await entriesOf(key.sha256)) {
        if (entry !== path.basename(file)) await fs.rm(path.join(path.dirname(file), entry), { force: true });
      }
    },
    async remove(sha256) {
      for (const entry of await entriesOf(sha256)) await fs.rm(path.join(directoryFor(sha256), entry), { force: true });
    },
  };
}
