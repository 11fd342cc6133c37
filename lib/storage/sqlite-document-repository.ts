import type Database from "better-sqlite3";
import {
  wholeChunkPassage,
  type ChunkReader,
  type ChunkRecord,
  type DocumentProgress,
  type DocumentRepository,
  type NewDocument,
  type NewPassage,
  type PassageRecord,
} from "@/lib/storage/registry-types";
import type { SqliteChanges } from "@/lib/storage/sqlite-changes";
import type { SqliteKeywordIndex } from "@/lib/storage/sqlite-keyword-index";
import type { CachedPassage } from "@/lib/storage/sqlite-passages";
import { toChunk, toDocument, type ChunkRow, type DocumentRow } from "@/lib/storage/sqlite-rows";

/** Most chunks the chunk cache holds. */
const MAXIMUM_CACHED_CHUNKS = 5_000;

/**
 * Documents, their chunks and passages in the SQLite registry. Every write goes through the change
 * tracker (sqlite-changes.ts), which empties the caches it affects; the chunks search reads and the
 * document list every search and library poll reads are cached until then.
 */
export function createSqliteDocumentRepository(options: {
  database: Database.Database;
  changes: SqliteChanges;
  indexPassages: SqliteKeywordIndex["indexPassages"];
  passagesOf: (chunkIds: string[]) => Map<string, CachedPassage[]>;
}): DocumentRepository & ChunkReader {
  const { database, changes, indexPassages, passagesOf } = options;
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
    // Deleting chunks cascades to their passages and, by trigger, to the keyword index.
    deleteChunksOfDocument: database.prepare(`DELETE FROM chunks WHERE document_id = ?`),
    insertChunk: database.prepare(
      `INSERT INTO chunks (id, document_id, chunk_index, text, page_start, page_end, section, page_spans, token_count, embedding_model, created_at)
       VALUES (@id, @documentId, @chunkIndex, @text, @pageStart, @pageEnd, @section, @pageSpans, @tokenCount, @embeddingModel, @createdAt)`,
    ),
    listChunks: database.prepare(`SELECT * FROM chunks WHERE document_id = ? ORDER BY chunk_index`),
    // One statement for any number of ids (a JSON array), instead of one per IN-list length.
    chunksByIds: database.prepare(`SELECT * FROM chunks WHERE id IN (SELECT value FROM json_each(?))`),
    deleteDocument: database.prepare(`DELETE FROM documents WHERE id = ?`),
  };
  const chunkCache = changes.caches.cache<string, ChunkRecord>("content", { maximumEntries: MAXIMUM_CACHED_CHUNKS });
  // Every search and every library poll lists the documents; between writes the list is the same.
  const documentList = changes.caches.value("rows", () => (statements.listDocuments.all() as DocumentRow[]).map(toDocument));
  const getDocument = (id: string) => {
    const row = statements.getDocument.get(id) as DocumentRow | undefined;
    return row ? toDocument(row) : undefined;
  };

  return {
    createDocument(document: NewDocument) {
      return changes.write(() => {
        statements.insertDocument.run({ ...document, now: now() });
        return toDocument(statements.getDocument.get(document.id) as DocumentRow);
      });
    },
    getDocument,
    findDocumentBySha256(sha256) {
      const row = statements.findBySha.get(sha256) as DocumentRow | undefined;
      return row ? toDocument(row) : undefined;
    },
    listDocuments() {
      changes.refresh();
      return [...documentList.get()];
    },
    listDocumentsByStatus(statuses) {
      if (statuses.length === 0) return [];
      const placeholders = statuses.map(() => "?").join(", ");
      const rows = database.prepare(`SELECT * FROM documents WHERE status IN (${placeholders}) ORDER BY created_at`).all(...statuses) as DocumentRow[];
      return rows.map(toDocument);
    },
    updateProgress(id: string, progress: DocumentProgress) {
      const assignments: string[] = [];
      const values: Record<string, unknown> = { id, now: now() };
      const columns = { status: "status", chunksEmbedded: "chunks_embedded", chunksTotal: "chunks_total", pageCount: "page_count", title: "title" } as const;
      for (const [field, column] of Object.entries(columns) as [keyof DocumentProgress, string][]) {
        if (progress[field] === undefined) continue;
        assignments.push(`${column} = @${field}`);
        values[field] = progress[field];
      }
      if (assignments.length === 0) return;
      const update = database.prepare(`UPDATE documents SET ${assignments.join(", ")}, updated_at = @now WHERE id = @id`);
      changes.write((changed) => {
        // Search finds ready documents only, ranked by their titles: the status or title of a ready
        // document changing changes what search returns (searchGeneration). A new document passing
        // through queued → parsing → embedding does not, and must not make every cached search stale.
        const wasReady = (progress.status !== undefined || progress.title !== undefined) && getDocument(id)?.status === "ready";
        update.run(values);
        if (wasReady) changed("documents");
      });
    },
    resetForIndexing(id) {
      changes.write((changed) => {
        statements.deleteChunksOfDocument.run(id);
        statements.resetDocument.run(now(), id);
        changed("content");
      });
    },
    completeIndexing(options) {
      changes.write((changed) => {
        statements.deleteChunksOfDocument.run(options.id);
        const texts = new Map<string, string>();
        for (const chunk of options.chunks) {
          statements.insertChunk.run({ ...chunk, pageSpans: JSON.stringify(chunk.pageSpans) });
          texts.set(chunk.id, chunk.text);
        }
        const passages: NewPassage[] =
          options.passages ?? options.chunks.map((chunk) => ({ ...wholeChunkPassage(chunk), context: [options.title, chunk.section].filter(Boolean).join(" — ") }));
        indexPassages(passages, texts);
        statements.completeDocument.run({
          id: options.id,
          chunkCount: options.chunks.length,
          embeddingModel: options.embeddingModel,
          pageCount: options.pageCount,
          title: options.title,
          now: now(),
        });
        changed("content");
      });
    },
    failIndexing(options) {
      changes.write((changed) => {
        statements.deleteChunksOfDocument.run(options.id);
        statements.failDocument.run(options.code, options.message, now(), options.id);
        changed("content");
      });
    },
    deleteDocument(id) {
      changes.write((changed) => {
        statements.deleteDocument.run(id);
        changed("content");
      });
    },
    getChunks(ids) {
      changes.refresh();
      const result = new Map<string, ChunkRecord>();
      const missing: string[] = [];
      for (const id of ids) {
        const cached = chunkCache.get(id);
        if (cached) result.set(id, cached);
        else missing.push(id);
      }
      if (missing.length === 0) return result;
      for (const row of statements.chunksByIds.all(JSON.stringify(missing)) as ChunkRow[]) {
        const chunk = toChunk(row);
        chunkCache.set(chunk.id, chunk);
        result.set(chunk.id, chunk);
      }
      return result;
    },
    listChunks(documentId) {
      return (statements.listChunks.all(documentId) as ChunkRow[]).map(toChunk);
    },
    getPassages(chunkIds) {
      changes.refresh();
      const result = new Map<string, PassageRecord[]>();
      for (const [chunkId, passages] of passagesOf(chunkIds)) {
        if (passages.length > 0)
          result.set(
            chunkId,
            passages.map((passage) => passage.record),
          );
      }
      return result;
    },
  };
}
