import "server-only";
import { AppError } from "@/lib/errors";
import type { Embedder } from "@/lib/embeddings/types";
import { relevanceScore } from "@/lib/retrieval/relevance";
import type { DocumentRegistry } from "@/lib/storage/registry-types";
import type { VectorStore } from "@/lib/vector-store/types";

/** One search hit: a chunk, where it is, and its calibrated relevance. */
export interface SearchResult {
  chunkId: string;
  documentId: string;
  documentName: string;
  /** The single page the result is attributed to (PDF), else null. */
  page: number | null;
  pageStart: number | null;
  pageEnd: number | null;
  section: string | null;
  chunkIndex: number;
  text: string;
  /** Calibrated relevance, 0–1 (see lib/retrieval/relevance.ts). */
  score: number;
}

export type SearchMode = "hybrid" | "vector" | "keyword";

export interface SearchOptions {
  query: string;
  topK: number;
  threshold: number;
  documentIds?: string[];
  mode?: SearchMode;
}

export const MAXIMUM_QUERY_CHARACTERS = 4_000;
// Windows fetched per requested result: a chunk has several windows and many may match.
const CANDIDATES_PER_RESULT = 8;
const MINIMUM_CANDIDATES = 50;

/** Searches the indexed chunks of ready documents, best first, above the relevance threshold. */
export async function searchChunks(options: SearchOptions & { registry: DocumentRegistry; embedder: Embedder; vectorStore: VectorStore }): Promise<SearchResult[]> {
  const query = options.query.trim();
  if (query.length === 0) throw new AppError("search.invalid_query", "The query is empty.");
  if (query.length > MAXIMUM_QUERY_CHARACTERS) {
    throw new AppError("search.invalid_query", `The query is longer than ${MAXIMUM_QUERY_CHARACTERS} characters.`);
  }
  const { registry, embedder, vectorStore } = options;
  // Only documents that are ready and indexed with the configured model are searchable.
  const searchable = new Map(
    registry
      .listDocuments()
      .filter((document) => document.status === "ready" && document.embeddingModel === embedder.modelId)
      .filter((document) => !options.documentIds || options.documentIds.includes(document.id))
      .map((document) => [document.id, document]),
  );
  if (searchable.size === 0) return [];

  const vector = await embedder.embedQuery(query);
  const matches = await vectorStore.query({
    vector,
    topK: Math.max(MINIMUM_CANDIDATES, options.topK * CANDIDATES_PER_RESULT),
    documentIds: options.documentIds ? [...searchable.keys()] : undefined,
  });

  // A chunk is as relevant as its best-matching window.
  const bestByChunk = new Map<string, number>();
  for (const match of matches) {
    if (!searchable.has(match.documentId)) continue;
    const similarity = 1 - match.distance;
    if (similarity > (bestByChunk.get(match.chunkId) ?? -Infinity)) bestByChunk.set(match.chunkId, similarity);
  }
  const ranked = [...bestByChunk.entries()]
    .map(([chunkId, similarity]) => ({ chunkId, score: relevanceScore({ similarity, model: embedder.modelId }) }))
    .filter((candidate) => candidate.score >= options.threshold)
    .sort((left, right) => right.score - left.score)
    .slice(0, options.topK);

  const chunks = registry.getChunks(ranked.map((candidate) => candidate.chunkId));
  const results: SearchResult[] = [];
  for (const candidate of ranked) {
    const chunk = chunks.get(candidate.chunkId);
    const document = chunk ? searchable.get(chunk.documentId) : undefined;
    if (!chunk || !document) continue;
    results.push({
      chunkId: chunk.id,
      documentId: chunk.documentId,
      documentName: document.name,
      page: chunk.pageStart,
      pageStart: chunk.pageStart,
      pageEnd: chunk.pageEnd,
      section: chunk.section,
      chunkIndex: chunk.chunkIndex,
      text: chunk.text,
      score: Math.round(candidate.score * 10_000) / 10_000,
    });
  }
  return results;
}
