import type Database from "better-sqlite3";
import { createCacheGenerations, type CacheGenerations, type ChangeKind } from "@/lib/storage/cache-generations";

/**
 * How the SQLite registry learns what changed, for its caches (cache-generations.ts). This
 * connection's own writes go through `write`; other processes' (`npm run ingest` writes the same
 * file) show in SQLite's data_version, and what they changed in the index_generation row, which
 * every write of indexed text or of a ready document's status or title moves. data_version alone
 * also moves for the conversation and session tables in the same file, so it would empty the
 * search caches after every chat.
 */
export interface SqliteChanges {
  caches: CacheGenerations;
  /** Takes in what other connections committed since the last call: every read of a cache calls it first. */
  refresh(): void;
  /**
   * Runs `body` in one transaction. `changed` records in the database what it changed, for other
   * connections: `content` the indexed text (and so the documents), `documents` a ready
   * document's status or title. After the commit this process's caches of what changed (and of
   * the registry's rows, always) are emptied.
   */
  write<Result>(body: (changed: (kind: "content" | "documents") => void) => Result): Result;
  /** SearchGeneration.searchGeneration (registry-types.ts). */
  searchGeneration(): string;
}

interface IndexGeneration {
  content: number;
  documents: number;
}

export function createSqliteChanges(database: Database.Database): SqliteChanges {
  const caches = createCacheGenerations();
  const statements = {
    // Prepared once: database.pragma() compiles its statement on every call, and every search asks.
    dataVersion: database.prepare(`PRAGMA data_version`).pluck(),
    indexGeneration: database.prepare(`SELECT content, documents FROM index_generation WHERE id = 1`),
    bumpContent: database.prepare(`UPDATE index_generation SET content = content + 1, documents = documents + 1 WHERE id = 1`),
    bumpDocuments: database.prepare(`UPDATE index_generation SET documents = documents + 1 WHERE id = 1`),
  };
  const readGeneration = () => statements.indexGeneration.get() as IndexGeneration;
  // data_version only moves for other connections' commits; this connection's own are noted by `write`.
  let dataVersion: number | undefined;
  let known: IndexGeneration | undefined;
  /** What the index_generation row says changed since this process last looked. */
  const changedSince = (generation: IndexGeneration): ChangeKind[] => {
    const kinds: ChangeKind[] = [];
    if (generation.content !== known?.content) kinds.push("content");
    if (generation.documents !== known?.documents) kinds.push("documents");
    return kinds;
  };
  const refresh = () => {
    const version = statements.dataVersion.get() as number;
    if (version === dataVersion) return;
    dataVersion = version;
    const generation = readGeneration();
    caches.invalidate(["rows", ...changedSince(generation)]);
    known = generation;
  };
  return {
    caches,
    refresh,
    write<Result>(body: (changed: (kind: "content" | "documents") => void) => Result): Result {
      const bumped = { content: 0, documents: 0 };
      const transaction = database.transaction(() => {
        // Read before the write, in the same transaction: another process's change is still noticed.
        const before = readGeneration();
        const result = body((kind) => {
          if (kind === "content" && bumped.content === 0) {
            statements.bumpContent.run();
            bumped.content += 1;
            bumped.documents += 1;
          } else if (kind === "documents" && bumped.documents === 0) {
            statements.bumpDocuments.run();
            bumped.documents += 1;
          }
        });
        return { before, result };
      });
      // IMMEDIATE: the write lock is taken (or waited for) before the read, so another process's
      // commit between the read and the first write cannot fail the transaction's upgrade.
      const { before, result } = transaction.immediate();
      const own: ChangeKind[] = bumped.content > 0 ? ["content"] : bumped.documents > 0 ? ["documents"] : [];
      caches.invalidate(["rows", ...changedSince(before), ...own]);
      known = { content: before.content + bumped.content, documents: before.documents + bumped.documents };
      return result;
    },
    searchGeneration() {
      refresh();
      return `${caches.generation("content")}:${caches.generation("documents")}`;
    },
  };
}
