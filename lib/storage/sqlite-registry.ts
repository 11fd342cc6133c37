import Database from "better-sqlite3";
import type { DocumentKind } from "@/lib/ingest/types";
import type {
  ChunkRecord,
  DocumentProgress,
  DocumentRecord,
  DocumentRegistry,
  DocumentStatus,
  NewDocument,
  PageSpan,
} from "@/lib/storage/registry-types";

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
];

interface DocumentRow {
  id: string;
  name: string;
  kind: string;
  size_bytes: number;
  sha256: string;
  status: string;
  error_code: string | null;
  error_message: string | null;
  page_count: number | null;
  chunk_count: number;
  chunks_embedded: number;
  chunks_total: number;
  embedding_model: string | null;
  title: string | null;
  created_at: string;
  updated_at: string;
  indexed_at: string | null;
}

interface ChunkRow {
  id: string;
  document_id: string;
  chunk_index: number;
  text: string;
  page_start: number | null;
  page_end: number | null;
  section: string | null;
  page_spans: string;
  token_count: number;
  embedding_model: string;
  created_at: string;
}

function toDocument(row: DocumentRow): DocumentRecord {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind as DocumentKind,
    sizeBytes: row.size_bytes,
    sha256: row.sha256,
    status: row.status as DocumentStatus,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    pageCount: row.page_count,
    chunkCount: row.chunk_count,
    chunksEmbedded: row.chunks_embedded,
    chunksTotal: row.chunks_total,
    embeddingModel: row.embedding_model,
    title: row.title,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    indexedAt: row.indexed_at,
  };
}

function toChunk(row: ChunkRow): ChunkRecord {
  return {
    id: row.id,
    documentId: row.document_id,
    chunkIndex: row.chunk_index,
    text: row.text,
    pageStart: row.page_start,
    pageEnd: row.page_end,
    section: row.section,
    pageSpans: JSON.parse(row.page_spans) as PageSpan[],
    tokenCount: row.token_count,
    embeddingModel: row.embedding_model,
    createdAt: row.created_at,
  };
}

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

/** Opens (creating and migrating) the SQLite registry at `filePath`. */
export function openSqliteRegistry(filePath: string): DocumentRegistry {
  const database = new Database(filePath);
  database.pragma("journal_mode = WAL");
  database.pragma("synchronous = NORMAL");
  database.pragma("foreign_keys = ON");
  database.pragma("busy_timeout = 5000");
  migrate(database);

  const now = () => new Date().toISOString();
  const statements = {
    insertDocument: database.prepare(
      `INSERT INTO documents (id, name, kind, size_bytes, sha256, status, created_at, updated_at)
       VALUES (@id, @name, @kind, @sizeBytes, @sha256, 'queued', @now, @now)`,
    ),
    getDocument: database.prepare(`SELECT * FROM documents WHERE id = ?`),
    findBySha: database.prepare(`SELECT * FROM documents WHERE sha256 = ?`),
    listDocuments: database.prepare(`SELECT * FROM documents ORDER BY created_at DESC, name ASC`),
    resetDocument: database.prepare(
      `UPDATE documents SET status = 'queued', error_code = NULL, error_message = NULL, chunk_count = 0,
         chunks_embedded = 0, chunks_total = 0, updated_at = ? WHERE id = ?`,
    ),
    failDocument: database.prepare(
      `UPDATE documents SET status = 'failed', error_code = ?, error_message = ?, chunk_count = 0,
         chunks_embedded = 0, updated_at = ? WHERE id = ?`,
    ),
    completeDocument: database.prepare(
      `UPDATE documents SET status = 'ready', error_code = NULL, error_message = NULL, chunk_count = @chunkCount,
         chunks_embedded = @chunkCount, chunks_total = @chunkCount, embedding_model = @embeddingModel,
         page_count = @pageCount, title = @title, updated_at = @now, indexed_at = @now WHERE id = @id`,
    ),
    deleteChunksOfDocument: database.prepare(`DELETE FROM chunks WHERE document_id = ?`),
    insertChunk: database.prepare(
      `INSERT INTO chunks (id, document_id, chunk_index, text, page_start, page_end, section, page_spans, token_count, embedding_model, created_at)
       VALUES (@id, @documentId, @chunkIndex, @text, @pageStart, @pageEnd, @section, @pageSpans, @tokenCount, @embeddingModel, @createdAt)`,
    ),
    listChunks: database.prepare(`SELECT * FROM chunks WHERE document_id = ? ORDER BY chunk_index`),
    deleteDocument: database.prepare(`DELETE FROM documents WHERE id = ?`),
  };

  const completeIndexing = database.transaction(
    (options: { id: string; chunks: ChunkRecord[]; embeddingModel: string; pageCount: number | null; title: string | null }) => {
      statements.deleteChunksOfDocument.run(options.id);
      for (const chunk of options.chunks) {
        statements.insertChunk.run({ ...chunk, pageSpans: JSON.stringify(chunk.pageSpans) });
      }
      statements.completeDocument.run({
        id: options.id,
        chunkCount: options.chunks.length,
        embeddingModel: options.embeddingModel,
        pageCount: options.pageCount,
        title: options.title,
        now: now(),
      });
    },
  );

  const failIndexing = database.transaction((options: { id: string; code: string; message: string }) => {
    statements.deleteChunksOfDocument.run(options.id);
    statements.failDocument.run(options.code, options.message, now(), options.id);
  });

  const resetForIndexing = database.transaction((id: string) => {
    statements.deleteChunksOfDocument.run(id);
    statements.resetDocument.run(now(), id);
  });

  return {
    createDocument(document: NewDocument) {
      statements.insertDocument.run({ ...document, now: now() });
      return toDocument(statements.getDocument.get(document.id) as DocumentRow);
    },
    getDocument(id) {
      const row = statements.getDocument.get(id) as DocumentRow | undefined;
      return row ? toDocument(row) : undefined;
    },
    findDocumentBySha256(sha256) {
      const row = statements.findBySha.get(sha256) as DocumentRow | undefined;
      return row ? toDocument(row) : undefined;
    },
    listDocuments() {
      return (statements.listDocuments.all() as DocumentRow[]).map(toDocument);
    },
    updateProgress(id: string, progress: DocumentProgress) {
      const assignments: string[] = [];
      const values: Record<string, unknown> = { id, now: now() };
      if (progress.status !== undefined) {
        assignments.push("status = @status");
        values.status = progress.status;
      }
      if (progress.chunksEmbedded !== undefined) {
        assignments.push("chunks_embedded = @chunksEmbedded");
        values.chunksEmbedded = progress.chunksEmbedded;
      }
      if (progress.chunksTotal !== undefined) {
        assignments.push("chunks_total = @chunksTotal");
        values.chunksTotal = progress.chunksTotal;
      }
      if (progress.pageCount !== undefined) {
        assignments.push("page_count = @pageCount");
        values.pageCount = progress.pageCount;
      }
      if (progress.title !== undefined) {
        assignments.push("title = @title");
        values.title = progress.title;
      }
      if (assignments.length === 0) return;
      database.prepare(`UPDATE documents SET ${assignments.join(", ")}, updated_at = @now WHERE id = @id`).run(values);
    },
    resetForIndexing(id) {
      resetForIndexing(id);
    },
    completeIndexing(options) {
      completeIndexing(options);
    },
    failIndexing(options) {
      failIndexing(options);
    },
    listDocumentsByStatus(statuses) {
      if (statuses.length === 0) return [];
      const placeholders = statuses.map(() => "?").join(", ");
      const rows = database
        .prepare(`SELECT * FROM documents WHERE status IN (${placeholders}) ORDER BY created_at`)
        .all(...statuses) as DocumentRow[];
      return rows.map(toDocument);
    },
    getChunks(ids) {
      const result = new Map<string, ChunkRecord>();
      // SQLite caps bound parameters; query in slices.
      for (let start = 0; start < ids.length; start += 500) {
        const slice = ids.slice(start, start + 500);
        const placeholders = slice.map(() => "?").join(", ");
        const rows = database.prepare(`SELECT * FROM chunks WHERE id IN (${placeholders})`).all(...slice) as ChunkRow[];
        for (const row of rows) result.set(row.id, toChunk(row));
      }
      return result;
    },
    listChunks(documentId) {
      return (statements.listChunks.all(documentId) as ChunkRow[]).map(toChunk);
    },
    deleteDocument(id) {
      statements.deleteDocument.run(id);
    },
    close() {
      database.close();
    },
  };
}
