import type Database from "better-sqlite3";

/**
 * Applies a module's pending migrations to the shared SQLite file. Each module that keeps
 * tables beside the registry (sessions, conversations, indexing attempts) records its own
 * schema version in `module_versions`, so it evolves independently of the registry's
 * `user_version`. IMMEDIATE: several connections may open the file at the same moment; one migrates.
 */
export function migrateModule(database: Database.Database, module: string, migrations: readonly string[]): void {
  database.exec("CREATE TABLE IF NOT EXISTS module_versions (module TEXT PRIMARY KEY, version INTEGER NOT NULL)");
  database
    .transaction(() => {
      const current = (database.prepare("SELECT version FROM module_versions WHERE module = ?").get(module) as { version: number } | undefined)?.version ?? 0;
      for (let index = current; index < migrations.length; index += 1) {
        const statement = migrations[index];
        if (statement === undefined) continue;
        database.exec(statement);
        database.prepare("INSERT INTO module_versions (module, version) VALUES (?, ?) ON CONFLICT(module) DO UPDATE SET version = excluded.version").run(module, index + 1);
      }
    })
    .immediate();
}
