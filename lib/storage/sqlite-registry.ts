import Database from "better-sqlite3";
import type { DocumentRegistry } from "@/lib/storage/registry-types";
import { createSqliteChanges } from "@/lib/storage/sqlite-changes";
import { createSqliteDocumentRepository } from "@/lib/storage/sqlite-document-repository";
import { createSqliteKeywordIndex } from "@/lib/storage/sqlite-keyword-index";
import { migrate } from "@/lib/storage/sqlite-migrations";
import { createPassageLookup } from "@/lib/storage/sqlite-passages";

/**
 * Opens (creating and migrating) the SQLite registry at `filePath`: the document repository and
 * the keyword index on one connection, sharing one change tracker for their caches
 * (sqlite-changes.ts), so that a document's indexing result and its keyword rows commit together.
 */
export function openSqliteRegistry(filePath: string): DocumentRegistry {
  const database = new Database(filePath);
  database.pragma("journal_mode = WAL");
  database.pragma("synchronous = NORMAL");
  database.pragma("foreign_keys = ON");
  database.pragma("busy_timeout = 5000");
  migrate(database);

  const changes = createSqliteChanges(database);
  const passagesOf = createPassageLookup(database, changes.caches);
  const keywordIndex = createSqliteKeywordIndex({ database, changes, passagesOf });
  const repository = createSqliteDocumentRepository({ database, changes, indexPassages: keywordIndex.indexPassages, passagesOf });
  return {
    ...repository,
    ...keywordIndex.index,
    searchGeneration: () => changes.searchGeneration(),
    close() {
      database.close();
    },
  };
}
