import Database from "better-sqlite3";
import { migrateModule } from "@/lib/storage/module-schema";

/**
 * Indexing runs that started and never ended, per document, kept in the registry's SQLite file.
 * A run that ends in any way (ready, failed, cancelled, retried later) clears its document's
 * count; only a run the process died in (killed, out of memory, a native crash) leaves it. Start-up
 * resumes unfinished documents, so without this a document that kills the server would be
 * indexed again, and kill it again, after every restart. Versioned in `module_versions` like the
 * session and conversation tables.
 */

export interface IndexingAttempts {
  /** Records that a run of `documentId` starts; returns how many runs of it are now unended. */
  begin(documentId: string): number;
  /** Records that the run ended, however. */
  end(documentId: string): void;
  close(): void;
}

// After this many runs that never ended, the document fails instead of being indexed again.
export const MAXIMUM_INTERRUPTED_RUNS = 2;

const ATTEMPT_MIGRATIONS: string[] = [`CREATE TABLE indexing_attempts (document_id TEXT PRIMARY KEY, started INTEGER NOT NULL)`];

/** Opens (creating and migrating) the attempts table in the SQLite file at `filePath`. */
export function openIndexingAttempts(filePath: string): IndexingAttempts {
  const database = new Database(filePath);
  database.pragma("journal_mode = WAL");
  database.pragma("busy_timeout = 5000");
  migrateModule(database, "indexing_attempts", ATTEMPT_MIGRATIONS);
  const statements = {
    begin: database.prepare("INSERT INTO indexing_attempts (document_id, started) VALUES (?, 1) ON CONFLICT(document_id) DO UPDATE SET started = started + 1 RETURNING started"),
    end: database.prepare("DELETE FROM indexing_attempts WHERE document_id = ?"),
  };
  return {
    begin: (documentId) => (statements.begin.get(documentId) as { started: number }).started,
    end: (documentId) => void statements.end.run(documentId),
    close: () => database.close(),
  };
}

/**
 * Runs one indexing of `documentId`, counted: when the runs of it that never ended exceed
 * MAXIMUM_INTERRUPTED_RUNS, `fail` is called instead of `run`.
 */
export async function runCountingAttempts(options: {
  attempts: IndexingAttempts;
  documentId: string;
  run: () => Promise<void>;
  fail: (interruptedRuns: number) => void;
}): Promise<void> {
  const started = options.attempts.begin(options.documentId);
  try {
    if (started > MAXIMUM_INTERRUPTED_RUNS) {
      options.fail(started - 1);
      return;
    }
    await options.run();
  } finally {
    options.attempts.end(options.documentId);
  }
}
