import Database from "better-sqlite3";
import { migrateModule } from "@/lib/storage/module-schema";
import { newSessionId, sessionKey } from "@/lib/auth/credentials";

/**
 * Server-side sessions in the SQLite file of the registry. A row holds the SHA-256 of the
 * session id (never the id itself), the fingerprint of the access token it was created with,
 * and when it expires or was revoked. Its tables are versioned in `module_versions` like the
 * conversation store's, so this module opens its own connection (the proxy uses it) and
 * evolves independently of the document registry.
 */

export interface SessionStore {
  /** Starts a session valid for `ttlMs`; returns the id to put in the cookie. */
  create(options: { tokenFingerprint: string; ttlMs: number }): { id: string; expiresAt: Date };
  /** The live session with this id: not expired, not revoked, created under the current token. */
  find(options: { sessionId: string; tokenFingerprint: string }): { expiresAt: Date } | undefined;
  /** Ends one session; false when it did not exist or had already ended. */
  revoke(sessionId: string): boolean;
  /** Ends every live session; returns how many. */
  revokeAll(): number;
  close(): void;
}

const SESSION_MIGRATIONS: string[] = [
  `CREATE TABLE sessions (
     key TEXT PRIMARY KEY,
     token_fingerprint TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     revoked_at INTEGER
   );
   CREATE INDEX sessions_expires ON sessions(expires_at);`,
];

// Ended sessions are kept a day (for the log trail of a revocation), then purged.
const PURGE_AFTER_MS = 24 * 3_600_000;

interface SessionRow {
  token_fingerprint: string;
  expires_at: number;
  revoked_at: number | null;
}

/** Opens (creating and migrating) the session tables in the SQLite file at `filePath`. */
export function openSessionStore(filePath: string, options: { now?: () => number } = {}): SessionStore {
  const now = options.now ?? Date.now;
  const database = new Database(filePath);
  database.pragma("journal_mode = WAL");
  database.pragma("busy_timeout = 5000");
  migrateModule(database, "sessions", SESSION_MIGRATIONS);

  const statements = {
    insert: database.prepare("INSERT INTO sessions (key, token_fingerprint, created_at, expires_at) VALUES (?, ?, ?, ?)"),
    get: database.prepare("SELECT token_fingerprint, expires_at, revoked_at FROM sessions WHERE key = ?"),
    revoke: database.prepare("UPDATE sessions SET revoked_at = ? WHERE key = ? AND revoked_at IS NULL AND expires_at > ?"),
    revokeAll: database.prepare("UPDATE sessions SET revoked_at = ? WHERE revoked_at IS NULL AND expires_at > ?"),
    purge: database.prepare("DELETE FROM sessions WHERE expires_at < ? OR revoked_at < ?"),
  };

  return {
    create({ tokenFingerprint, ttlMs }) {
      const id = newSessionId();
      const createdAt = now();
      const expiresAt = createdAt + ttlMs;
      statements.purge.run(createdAt - PURGE_AFTER_MS, createdAt - PURGE_AFTER_MS);
      statements.insert.run(sessionKey(id), tokenFingerprint, createdAt, expiresAt);
      return { id, expiresAt: new Date(expiresAt) };
    },
    find({ sessionId, tokenFingerprint }) {
      if (sessionId.length === 0 || sessionId.length > 128) return undefined;
      const row = statements.get.get(sessionKey(sessionId)) as SessionRow | undefined;
      if (!row || row.revoked_at !== null || row.expires_at <= now()) return undefined;
      // Both are hex digests of fixed length; a timing difference here reveals nothing usable.
      if (row.token_fingerprint !== tokenFingerprint) return undefined;
      return { expiresAt: new Date(row.expires_at) };
    },
    revoke(sessionId) {
      const at = now();
      return statements.revoke.run(at, sessionKey(sessionId), at).changes > 0;
    },
    revokeAll() {
      const at = now();
      return statements.revokeAll.run(at, at).changes;
    },
    close() {
      database.close();
    },
  };
}
