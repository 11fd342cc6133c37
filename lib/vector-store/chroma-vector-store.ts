import type { Collection, Metadata, Where } from "chromadb";
import { AppError, isAppError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { createChromaClient, createQueryTransport, type ChromaConnection } from "@/lib/vector-store/chroma-transport";
import { collectionNameFor } from "@/lib/vector-store/collection-name";
import { keepSearchable, probeFound } from "@/lib/vector-store/searchability";
import { parseVectorId } from "@/lib/vector-store/vector-id";
import type { VectorMatch, VectorRecord, VectorStore } from "@/lib/vector-store/types";

/**
 * Chroma behind the `VectorStore` interface. Choices that are not obvious:
 * - `upsert`, never `add`: Chroma's `add` silently ignores ids that exist, which would leave
 *   stale vectors after a re-index.
 * - HNSW `ef_search` is set at creation (Chroma's default gives poor recall; why 400:
 *   docs/decisions/0005-hnsw-ef-search-400.md) and the space is cosine; the model and dimension
 *   are also stored in the collection metadata and checked.
 * - Every request carries a deadline (CHROMA_REQUEST_TIMEOUT_MS) on its abort signal: the client
 *   has none of its own, and a hung server must become a `store.unavailable` error, never a hung
 *   request.
 * - Nearest-neighbour queries, which every search makes, bypass the client (createQueryTransport).
 * - Every write is checked: Chroma's HNSW index can lose a vector it stores (chroma-core/chroma#7758,
 *   seen in our fault tests after a crash and in churn), and a lost one is written anew
 *   (keepSearchable).
 */

/** Collections created before 0005 keep 200 (Chroma applies a creation configuration only once). */
const HNSW_EF_SEARCH = 400;
const HNSW_EF_CONSTRUCTION = 200;
/**
 * Links per node: Chroma's 16 left real-shaped vectors unreachable by any query, 32 none
 * (docs/decisions/0008-hnsw-max-neighbors-32.md). Collections created before keep 16.
 */
const HNSW_MAX_NEIGHBORS = 32;
const UPSERT_BATCH = 256;
/** Vectors read per page, and probed per query, by the searchability check. */
const PROBE_PAGE = 1_000;
const PROBE_BATCH = 100;
/** Neighbours asked for per probe: identical vectors (the same text twice) tie at distance 0. */
const PROBE_NEIGHBOURS = 10;
/**
 * Rewrites of a lost vector before the write gives up on it: one was enough in the churn
 * reproduction; in the densest part of a 100,000-vector library no number was (decision 0008).
 */
const REWRITE_ATTEMPTS = 3;

/** A numeric metadata value, or null when it is missing (Chroma stores no nulls). */
function numberOrNull(value: unknown): number | null {
  return typeof value === "number" ? value : null;
}

function metadataText(value: unknown): string {
  return typeof value === "string" ? value : (JSON.stringify(value) ?? "");
}

function toStoreError(error: unknown): AppError {
  if (isAppError(error)) return error;
  return new AppError("store.unavailable", "The vector database is not reachable right now; try again shortly.", { cause: error });
}

/** Opens (creating if needed) the collection for one embedding model and returns a `VectorStore`. */
export async function openChromaVectorStore(options: {
  connection: ChromaConnection;
  embeddingModel: string;
  dimensions: number;
  /**
   * Probe every write and rewrite what the index lost (default). Off for a store whose writes
   * become searchable only later (a distributed Chroma that compacts in the background): there
   * every fresh write would look lost.
   */
  checkWrites?: boolean;
  /** Called after vectors were deleted: a delete can cut other vectors off the index (see keepSearchable). */
  onDelete?: () => void;
}): Promise<VectorStore> {
  const client = createChromaClient(options.connection);
  const collectionName = collectionNameFor({ model: options.embeddingModel, dimensions: options.dimensions });
  let collection: Collection;
  try {
    collection = await client.getOrCreateCollection({
      name: collectionName,
      embeddingFunction: null,
      metadata: { embedding_model: options.embeddingModel, dimensions: options.dimensions, created_by: "cited" },
      configuration: { hnsw: { space: "cosine", ef_search: HNSW_EF_SEARCH, ef_construction: HNSW_EF_CONSTRUCTION, max_neighbors: HNSW_MAX_NEIGHBORS } },
    });
  } catch (error) {
    throw toStoreError(error);
  }
  const metadata = collection.metadata ?? {};
  if (metadata.embedding_model !== options.embeddingModel || metadata.dimensions !== options.dimensions) {
    throw new AppError(
      "embedding.model_mismatch",
      `Collection ${collectionName} holds vectors of ${metadataText(metadata.embedding_model)} (${metadataText(metadata.dimensions)} dimensions), not ${options.embeddingModel}.`,
    );
  }

  const sendQuery = createQueryTransport({ connection: options.connection, collection });
  const guard = async <T>(operation: () => Promise<T>): Promise<T> => {
    try {
      return await operation();
    } catch (error) {
      throw toStoreError(error);
    }
  };

  const write = async (records: VectorRecord[]): Promise<void> => {
    await guard(() =>
      collection.upsert({
        ids: records.map((record) => record.id),
        embeddings: records.map((record) => record.vector),
        documents: records.map((record) => record.text),
        metadatas: records.map((record): Metadata => ({
          documentId: record.documentId,
          chunkId: record.chunkId,
          chunkIndex: record.chunkIndex,
          windowIndex: record.windowIndex,
          passageIndex: record.passageIndex ?? 0,
          // Chroma metadata has no null: a page-less passage simply has no passagePage.
          ...(typeof record.passagePage === "number" ? { passagePage: record.passagePage } : {}),
          source: record.source,
          pageStart: record.pageStart,
          pageEnd: record.pageEnd,
          section: record.section,
          tokenCount: record.tokenCount,
          createdAt: record.createdAt,
          embeddingModel: options.embeddingModel,
        })),
      }),
    );
  };
  /** Ids of `records` that a nearest-neighbour query with their own vector does not find. */
  const findLost = async (records: { id: string; vector: number[] }[]): Promise<string[]> => {
    const lost: string[] = [];
    for (let start = 0; start < records.length; start += PROBE_BATCH) {
      const batch = records.slice(start, start + PROBE_BATCH);
      const result = await guard(() => sendQuery({ query_embeddings: batch.map((record) => record.vector), n_results: PROBE_NEIGHBOURS, include: ["distances"] }));
      batch.forEach((record, index) => {
        if (!probeFound({ id: record.id, neighbours: result.ids?.[index] ?? [], distances: result.distances?.[index] ?? [], asked: PROBE_NEIGHBOURS })) lost.push(record.id);
      });
    }
    return lost;
  };
  const rewrite = async (records: VectorRecord[]): Promise<void> => {
    await guard(() => collection.delete({ ids: records.map((record) => record.id) }));
    options.onDelete?.();
    await write(records);
  };
  /** Writes `records` and, unless told not to, makes sure search finds them. */
  const writeSearchable = async (records: VectorRecord[]): Promise<void> => {
    await write(records);
    if (options.checkWrites === false) return;
    const lost = await keepSearchable({ records, findLost, rewrite, attempts: REWRITE_ATTEMPTS });
    if (lost.length > 0) logger.warn("chroma.vectors_unsearchable", { collection: collectionName, count: lost.length, ids: lost.slice(0, 10) });
  };

  /** The records of a `get` with embeddings, documents and metadatas (incomplete ones left out). */
  const toRecords = (result: { ids: string[]; documents: (string | null)[]; embeddings: number[][]; metadatas: (Metadata | null)[] }): VectorRecord[] => {
    const records: VectorRecord[] = [];
    result.ids.forEach((id, index) => {
      const text = result.documents[index];
      const vector = result.embeddings[index];
      const meta = result.metadatas[index] ?? {};
      if (typeof text !== "string" || !vector || vector.length !== options.dimensions) return;
      records.push({
        id,
        chunkId: metadataText(meta.chunkId),
        documentId: metadataText(meta.documentId),
        chunkIndex: numberOrNull(meta.chunkIndex) ?? -1,
        windowIndex: numberOrNull(meta.windowIndex) ?? -1,
        passageIndex: numberOrNull(meta.passageIndex) ?? 0,
        passagePage: numberOrNull(meta.passagePage),
        vector,
        text,
        source: metadataText(meta.source),
        pageStart: numberOrNull(meta.pageStart),
        pageEnd: numberOrNull(meta.pageEnd),
        section: typeof meta.section === "string" ? meta.section : null,
        tokenCount: numberOrNull(meta.tokenCount) ?? -1,
        createdAt: metadataText(meta.createdAt),
      });
    });
    return records;
  };

  return {
    collectionName,
    embeddingModel: options.embeddingModel,
    dimensions: options.dimensions,
    async upsert(records) {
      for (const record of records) {
        if (record.vector.length !== options.dimensions) {
          throw new AppError("embedding.model_mismatch", `A ${record.vector.length}-dimensional vector cannot be stored in ${collectionName} (${options.dimensions} dimensions).`);
        }
      }
      // A vector the index still misses stays stored: keyword search finds its passage, and the
      // doctor reports it.
      for (let start = 0; start < records.length; start += UPSERT_BATCH) await writeSearchable(records.slice(start, start + UPSERT_BATCH));
    },
    async query({ vector, topK, documentIds }) {
      let where: Where | undefined;
      if (documentIds && documentIds.length === 1) where = { documentId: documentIds[0] ?? "" };
      else if (documentIds && documentIds.length > 1) where = { documentId: { $in: documentIds } };
      // Ids and distances only: the id says everything a match needs, and Chroma answers much
      // sooner without metadata (docs/performance.md).
      const result = await guard(() => sendQuery({ query_embeddings: [vector], n_results: topK, where, include: ["distances"] }));
      const ids = result.ids?.[0] ?? [];
      const distances = result.distances?.[0] ?? [];
      const matches: VectorMatch[] = [];
      ids.forEach((id, index) => {
        const distance = distances[index];
        const parsed = parseVectorId(id);
        if (!parsed || distance === null || distance === undefined) return;
        // A literal, not a spread: V8 copies `{ id, ...parsed, distance }` through a slow path.
        matches.push({ id, chunkId: parsed.chunkId, documentId: parsed.documentId, windowIndex: parsed.windowIndex, passageIndex: parsed.passageIndex, distance });
      });
      return matches;
    },
    async deleteDocument(documentId) {
      await guard(() => collection.delete({ where: { documentId } }));
      options.onDelete?.();
    },
    async countDocumentVectors(documentId) {
      const result = await guard(() => collection.get({ where: { documentId }, include: [] }));
      return result.ids.length;
    },
    async readDocumentVectors(documentId) {
      return toRecords(await guard(() => collection.get({ where: { documentId }, include: ["embeddings", "documents", "metadatas"] })));
    },
    async deleteVectors(ids) {
      for (let start = 0; start < ids.length; start += UPSERT_BATCH) {
        const batch = ids.slice(start, start + UPSERT_BATCH);
        await guard(() => collection.delete({ ids: batch }));
      }
      if (ids.length > 0) options.onDelete?.();
    },
    async listDocumentVectorIds(documentId) {
      const result = await guard(() => collection.get({ where: { documentId }, include: [] }));
      return result.ids;
    },
    async listDocumentIds() {
      const documentIds = new Set<string>();
      const pageSize = 5_000;
      for (let offset = 0; ; offset += pageSize) {
        const page = await guard(() => collection.get({ include: ["metadatas"], limit: pageSize, offset }));
        for (const meta of page.metadatas) if (meta?.documentId) documentIds.add(metadataText(meta.documentId));
        if (page.ids.length < pageSize) break;
      }
      return [...documentIds];
    },
    async listUnsearchableVectorIds() {
      const unsearchable: string[] = [];
      for (let offset = 0; ; offset += PROBE_PAGE) {
        const page = await guard(() => collection.get({ include: ["embeddings"], limit: PROBE_PAGE, offset }));
        unsearchable.push(...(await findLost(page.ids.map((id, index) => ({ id, vector: page.embeddings[index] ?? [] })))));
        if (page.ids.length < PROBE_PAGE) break;
      }
      return unsearchable;
    },
    async rewriteVectors(ids) {
      const lost: string[] = [];
      for (let start = 0; start < ids.length; start += UPSERT_BATCH) {
        const batch = ids.slice(start, start + UPSERT_BATCH);
        const records = toRecords(await guard(() => collection.get({ ids: batch, include: ["embeddings", "documents", "metadatas"] })));
        const stored = new Set(records.map((record) => record.id));
        lost.push(...batch.filter((id) => !stored.has(id)));
        lost.push(...(await keepSearchable({ records, findLost, rewrite, attempts: REWRITE_ATTEMPTS })));
      }
      return lost;
    },
    async heartbeat() {
      await guard(() => client.heartbeat());
    },
  };
}
