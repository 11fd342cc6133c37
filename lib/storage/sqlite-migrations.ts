import type Database from "better-sqlite3";

/**
 * Ordered schema migrations. A migration is never edited once shipped; add a new one.
 * `user_version` records how many have been applied.
 */
const MIGRATIONS: string[] = [
  `CREATE TABLE documents (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     kind TEXT NOT NULL,
     size_bytes INTEGER NOT NULL,
     sha256 TEXT NOT NULL UNIQUE,
     status TEXT NOT NULL,
     error_code TEXT,
     error_message TEXT,
     page_count INTEGER,
     chunk_count INTEGER NOT NULL DEFAULT 0,
     chunks_embedded INTEGER NOT NULL DEFAULT 0,
     chunks_total INTEGER NOT NULL DEFAULT 0,
     embedding_model TEXT,
     title TEXT,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL,
     indexed_at TEXT
   );
   CREATE INDEX documents_status ON documents(status);
   CREATE TABLE chunks (
     id TEXT PRIMARY KEY,
     document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
     chunk_index INTEGER NOT NULL,
     text TEXT NOT NULL,
     page_start INTEGER,
     page_end INTEGER,
     section TEXT,
     page_spans TEXT NOT NULL,
     token_count INTEGER NOT NULL,
     embedding_model TEXT NOT NULL,
     created_at TEXT NOT NULL,
     UNIQUE (document_id, chunk_index)
   );`,
  // 2: retrieval passages and their BM25 keyword index (FTS5). A passage row is removed with its
  // chunk (cascade) and its index row with it (trigger), so the keyword index can never hold text
  // of a chunk that is gone. Chunks indexed before this migration get one passage each: the whole
  // chunk with its document's title as context (reindexing gives them finer passages).
  `CREATE TABLE passages (
     id INTEGER PRIMARY KEY,
     chunk_id TEXT NOT NULL REFERENCES chunks(id) ON DELETE CASCADE,
     document_id TEXT NOT NULL,
     passage_index INTEGER NOT NULL,
     char_start INTEGER NOT NULL,
     char_end INTEGER NOT NULL,
     page INTEGER,
     UNIQUE (chunk_id, passage_index)
   );
   CREATE INDEX passages_document ON passages(document_id);
   CREATE VIRTUAL TABLE passages_fts USING fts5(context, body, tokenize = 'porter unicode61 remove_diacritics 2');
   CREATE TRIGGER passages_delete_fts AFTER DELETE ON passages BEGIN
     DELETE FROM passages_fts WHERE rowid = old.id;
   END;
   INSERT INTO passages (chunk_id, document_id, passage_index, char_start, char_end, page)
     SELECT id, document_id, 0, 0, length(text), page_start FROM chunks;
   INSERT INTO passages_fts (rowid, context, body)
     SELECT passages.id, coalesce(documents.title, documents.name), chunks.text
     FROM passages JOIN chunks ON chunks.id = passages.chunk_id JOIN documents ON documents.id = chunks.document_id;`,
  // What search caches depends on changes only with these counters: \`content\` with the indexed
  // text (chunks, passages, keyword index), \`documents\` also with a status or title. PRAGMA
  // data_version moves for the conversation and session tables in the same file too, so it alone
  // would empty the caches after every chat.
  `CREATE TABLE index_generation (id INTEGER PRIMARY KEY CHECK (id = 1), content INTEGER NOT NULL, documents INTEGER NOT NULL);
   INSERT INTO index_generation (id, content, documents) VALUES (1, 0, 0);`,
];

/** Applies pending migrations; safe to call on every start. */
export function migrate(database: Database.Database): void {
  const applied = database.pragma("user_version", { simple: true }) as number;
  for (let index = applied; index < MIGRATIONS.length; index += 1) {
    const statement = MIGRATIONS[index];
    if (statement === undefined) continue;
    database.transaction(() => {
      database.exec(statement);
      database.pragma(`user_version = ${index + 1}`);
    })();
  }
}
