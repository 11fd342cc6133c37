import "server-only";
import { chooseDocumentTitle, embeddingPrefix } from "@/lib/domain/document-title";
import type { ParseCache } from "@/lib/ingest/parse-cache";
import { prepareWithBudget, type ParseBudget } from "@/lib/ingest/parse-in-worker";
import { AppError, isAppError } from "@/lib/errors";
import type { Embedder } from "@/lib/embeddings/types";
import { logger } from "@/lib/logger";
import type { FileStore } from "@/lib/storage/file-store";
import type { ChunkRecord, DocumentRepository, NewPassage } from "@/lib/storage/registry-types";
import { sameVectorRecord, type VectorRecord, type VectorStore } from "@/lib/vector-store/types";
import { vectorIdFor, windowIndexFor } from "@/lib/vector-store/vector-id";

/**
 * Indexes one document, all or nothing: parse → chunk → split chunks into retrieval passages →
 * embed (each passage in windows that fit the model) → upsert the vectors that changed → delete
 * the ones no longer produced → commit chunks, passages
 * (with their keyword index) and "ready" in one registry transaction. Any failure removes the document's
 * vectors and marks it failed with the reason. Vectors are written before the registry commit,
 * so a crash in between leaves the document in a non-final state that start-up re-indexes.
 */

// Chunks embedded per step; progress is reported after each step.
const CHUNKS_PER_STEP = 8;

/** One chunk cut into the windows the model embeds. */
interface WindowedChunk {
  chunk: ChunkRecord;
  windows: { text: string; passageIndex: number; passagePage: number | null; windowIndex: number }[];
}

export interface IndexerDependencies {
  registry: DocumentRepository;
  fileStore: FileStore;
  embedder: Embedder;
  getVectorStore: () => Promise<VectorStore>;
  chunking: { sizeTokens: number; overlapTokens: number };
  parseBudget: ParseBudget;
  /**
   * Where parse results are kept by file hash and parser version, so an unchanged file is not
   * parsed again; without it every indexing parses. `parserVersion` identifies the parser that
   * would run (undefined: unknown, parse and do not cache).
   */
  parsedDocuments?: { cache: ParseCache; parserVersion: () => Promise<string | undefined> };
}

/** Errors after which the document should be retried later rather than failed. */
export function isTransientIndexingError(error: unknown): boolean {
  return isAppError(error) && (error.code === "store.unavailable" || error.code === "embedding.unavailable");
}

/** Runs the indexing pipeline for one document. */
export async function indexDocument(options: { documentId: string; signal: AbortSignal; dependencies: IndexerDependencies }): Promise<void> {
  const { documentId, signal, dependencies } = options;
  const { registry, fileStore, embedder } = dependencies;
  const document = registry.getDocument(documentId);
  if (!document) return;
  const started = Date.now();
  // Milliseconds by phase, logged with the outcome ("where does re-indexing spend its time").
  const phases = { readVectors: 0, deleteVectors: 0, parse: 0, chunk: 0, windows: 0, embed: 0, writeVectors: 0, commit: 0 };
  const timed = async <T>(phase: keyof typeof phases, work: () => Promise<T>): Promise<T> => {
    const phaseStarted = performance.now();
    try {
      return await work();
    } finally {
      phases[phase] += performance.now() - phaseStarted;
    }
  };
  let vectorStore: VectorStore | undefined;
  let parseCacheHit = false;
  // The vector write in flight, if any (see the pipeline below).
  let writing: Promise<void> = Promise.resolve();
  try {
    vectorStore = await dependencies.getVectorStore();
    registry.updateProgress(documentId, { status: "parsing", chunksEmbedded: 0, chunksTotal: 0 });
    // A previous attempt (crash, reindex) may have left vectors. They are kept by the text they
    // embed, so an unchanged window is not embedded again (the model is the slow part), and by id,
    // so a vector that is exactly what this run would write is not written again: rewriting every
    // vector was most of an unchanged re-index (Chroma re-inserts each into its HNSW index). What
    // this run does not produce is deleted before the registry commit, so the end state is the
    // same as from a clean slate.
    const store = vectorStore;
    const stored = await timed("readVectors", () => store.readDocumentVectors(documentId));
    const storedById = new Map(stored.map((record) => [record.id, record]));
    const reusable = new Map(stored.map((record) => [record.text, record.vector]));
    const written = new Set<string>();

    // Parsing and chunking both run in the parse worker, under its time and memory budget.
    const { parsed, chunks: prepared } = await timed("parse", async () => {
      const parsedDocuments = dependencies.parsedDocuments;
      const version = await parsedDocuments?.parserVersion();
      const key = version ? { sha256: document.sha256, kind: document.kind, parserVersion: version } : undefined;
      const cached = key ? await parsedDocuments?.cache.get(key) : undefined;
      const prepare = (source: { bytes: Uint8Array } | { parsed: NonNullable<typeof cached> }) =>
        prepareWithBudget({ kind: document.kind, source, chunking: dependencies.chunking, budget: dependencies.parseBudget, signal });
      // A cached parse never stands in for a file that has gone missing.
      if (cached && (await fileStore.exists(document.sha256))) {
        parseCacheHit = true;
        return prepare({ parsed: cached });
      }
      const bytes = await fileStore.read(document.sha256).catch((error: unknown) => {
        throw new AppError("document.file_missing", "The stored file of this document is missing.", { cause: error });
      });
      const fresh = await prepare({ bytes: new Uint8Array(bytes) });
      // A cache that cannot be written costs the next re-index a parse, nothing more.
      if (key) await parsedDocuments?.cache.set(key, fresh.parsed).catch((error: unknown) => logger.warn("parse_cache.write_failed", { documentId, error }));
      return fresh;
    });
    signal.throwIfAborted();
    const chunkStarted = performance.now();
    if (prepared.length === 0) throw new AppError("text.no_text", "The document has no text to index.");
    const title = chooseDocumentTitle({ metadataTitle: parsed.title, fileName: document.name });
    registry.updateProgress(documentId, { status: "embedding", chunksTotal: prepared.length, pageCount: parsed.pageCount, title });

    const createdAt = new Date().toISOString();
    const chunks: ChunkRecord[] = prepared.map(({ draft }) => ({
      id: `${documentId}:${draft.chunkIndex}`,
      documentId,
      chunkIndex: draft.chunkIndex,
      text: draft.text,
      pageStart: draft.pageStart,
      pageEnd: draft.pageEnd,
      section: draft.section,
      pageSpans: draft.pageSpans,
      tokenCount: draft.tokenCount,
      embeddingModel: embedder.modelId,
      createdAt,
    }));
    // A passage's context is the title and the section path or, without one, its inferred heading.
    const passages: NewPassage[] = prepared.flatMap((preparedChunk, index) => {
      const chunk = chunks[index] as ChunkRecord;
      return preparedChunk.passages.map((span, passageIndex) => ({
        chunkId: chunk.id,
        documentId,
        passageIndex,
        ...span,
        context: embeddingPrefix({ title, section: chunk.section ?? preparedChunk.headings[passageIndex] ?? null }),
      }));
    });
    const passagesByChunk = new Map<string, NewPassage[]>();
    for (const passage of passages) passagesByChunk.set(passage.chunkId, [...(passagesByChunk.get(passage.chunkId) ?? []), passage]);
    phases.chunk += performance.now() - chunkStarted;

    let vectorCount = 0;
    let vectorsEmbedded = 0;
    let vectorsWritten = 0;
    const windowStep = async (start: number): Promise<WindowedChunk[]> =>
      timed("windows", () =>
        Promise.all(
          chunks.slice(start, start + CHUNKS_PER_STEP).map(async (chunk) => {
            const windows: WindowedChunk["windows"] = [];
            for (const passage of passagesByChunk.get(chunk.id) ?? []) {
              const texts = await embedder.windowsFor({ text: chunk.text.slice(passage.start, passage.end), prefix: passage.context });
              texts.forEach((text, window) =>
                windows.push({ text, passageIndex: passage.passageIndex, passagePage: passage.page, windowIndex: windowIndexFor(passage.passageIndex, window) }),
              );
            }
            return { chunk, windows };
          }),
        ),
      );
    // A bounded pipeline, so the model is never idle on our account: the next step is windowed
    // (tokenizer, this thread) and the previous step written (Chroma) while the model embeds this one.
    let nextStep: Promise<WindowedChunk[]> | undefined = windowStep(0);
    for (let start = 0; start < chunks.length; start += CHUNKS_PER_STEP) {
      signal.throwIfAborted();
      const windowed = await (nextStep ?? windowStep(start));
      const inputs = windowed.flatMap(({ windows }) => windows.map((window) => window.text));
      const missing = [...new Set(inputs.filter((text) => !reusable.has(text)))];
      const embedding = missing.length > 0 ? embedder.embedDocuments(missing, signal) : Promise.resolve([]);
      nextStep = start + CHUNKS_PER_STEP < chunks.length ? windowStep(start + CHUNKS_PER_STEP) : undefined;
      // Handled when awaited; until then a failure must not count as an unhandled rejection.
      nextStep?.catch(() => undefined);
      const embedded = await timed("embed", () => embedding);
      missing.forEach((text, index) => {
        const vector = embedded[index];
        if (vector) reusable.set(text, vector);
      });
      vectorsEmbedded += missing.length;
      const vectors = inputs.map((text) => reusable.get(text));
      const records: VectorRecord[] = [];
      let vectorIndex = 0;
      for (const { chunk, windows } of windowed) {
        for (const { text, passageIndex, passagePage, windowIndex } of windows) {
          const vector = vectors[vectorIndex];
          vectorIndex += 1;
          if (!vector) throw new AppError("embedding.failed", "The embedding model returned fewer vectors than inputs.");
          records.push({
            id: vectorIdFor(chunk.id, windowIndex),
            chunkId: chunk.id,
            documentId,
            chunkIndex: chunk.chunkIndex,
            windowIndex,
            passageIndex,
            passagePage,
            vector,
            text,
            source: document.name,
            pageStart: chunk.pageStart,
            pageEnd: chunk.pageEnd,
            section: chunk.section,
            tokenCount: chunk.tokenCount,
            createdAt,
          });
        }
      }
      signal.throwIfAborted();
      for (const record of records) written.add(record.id);
      const changed = records.filter((record) => {
        const before = storedById.get(record.id);
        return !before || !sameVectorRecord(before, record);
      });
      vectorsWritten += changed.length;
      // One write in flight at a time, in order; its failure surfaces at the next await of it.
      await writing;
      const chunksDone = Math.min(chunks.length, start + windowed.length);
      writing = timed("writeVectors", () => (changed.length > 0 ? store.upsert(changed) : Promise.resolve())).then(() => {
        registry.updateProgress(documentId, { chunksEmbedded: chunksDone });
      });
      writing.catch(() => undefined);
      vectorCount += records.length;
    }
    await writing;
    const stale = stored.map((record) => record.id).filter((id) => !written.has(id));
    if (stale.length > 0) await timed("deleteVectors", () => store.deleteVectors(stale));
    signal.throwIfAborted();
    await timed("commit", () =>
      Promise.resolve(registry.completeIndexing({ id: documentId, chunks, passages, embeddingModel: embedder.modelId, pageCount: parsed.pageCount, title })),
    );
    logger.info("indexing.completed", {
      documentId,
      name: document.name,
      chunks: chunks.length,
      vectors: vectorCount,
      vectorsEmbedded,
      vectorsWritten,
      vectorsDeleted: stale.length,
      pages: parsed.pageCount,
      parseCacheHit,
      milliseconds: Date.now() - started,
      phases: Object.fromEntries(Object.entries(phases).map(([phase, milliseconds]) => [phase, Math.round(milliseconds)])),
    });
  } catch (error) {
    // A write still in flight would otherwise land after the clean-up below.
    await writing.catch(() => undefined);
    if (vectorStore) await vectorStore.deleteDocument(documentId).catch(() => undefined);
    if (signal.aborted) {
      logger.info("indexing.cancelled", { documentId });
      return;
    }
    if (isTransientIndexingError(error)) throw error;
    const code = isAppError(error) ? error.code : "indexing.failed";
    const message = isAppError(error) ? error.message : "Indexing failed because of an internal error; see the server log.";
    logger.warn("indexing.failed", { documentId, name: document.name, code, error });
    if (registry.getDocument(documentId)) registry.failIndexing({ id: documentId, code, message });
  }
}
