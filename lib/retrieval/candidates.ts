import "server-only";
import type { Embedder } from "@/lib/embeddings/types";
import { joinedCompoundTerms, keywordTerms } from "@/lib/retrieval/keyword-query";
import type { SearchMode } from "@/lib/retrieval/search-types";
import type { ChunkReader, DocumentRecord, KeywordIndex } from "@/lib/storage/registry-types";
import type { VectorStore } from "@/lib/vector-store/types";

/** Where a candidate passage is; `page` is undefined until looked up (vector matches carry none). */
export interface PassagePlace {
  chunkId: string;
  documentId: string;
  passageIndex: number;
  page: number | null | undefined;
}

/** What both retrievers found for one question, per passage key. */
export interface Candidates {
  /** Cosine similarity of each passage's best window, for passages among the vector matches. */
  similarities: Map<string, number>;
  /** BM25 score of each passage among the keyword matches (empty in vector mode). */
  keywordScores: Map<string, number>;
  /** Where every candidate passage is, pages looked up. */
  places: Map<string, PassagePlace>;
  /** The least similar vector match: a passage outside the vector matches is at most this similar. */
  lowestSimilarity: number | undefined;
}

export function passageKey(chunkId: string, passageIndex: number): string {
  return `${chunkId}#${passageIndex}`;
}

/**
 * The nearest passage windows from the vector store and the BM25 matches over the keyword index,
 * `limit` from each, of the searchable documents. Every mode embeds the question: the similarity
 * is what the relevance score and the threshold are calibrated on.
 */
export async function retrieveCandidates(options: {
  searchText: string;
  mode: SearchMode;
  limit: number;
  searchable: Map<string, DocumentRecord>;
  /** Passed to the stores when the caller restricted the search (a hard scope). */
  documentIds: string[] | undefined;
  registry: KeywordIndex & Pick<ChunkReader, "getPassages">;
  embedder: Embedder;
  vectorStore: VectorStore;
}): Promise<Candidates> {
  const { registry, searchable, limit, documentIds } = options;
  const vectorMatches = await options.vectorStore.query({ vector: await options.embedder.embedQuery(options.searchText), topK: limit, documentIds });
  const similarities = new Map<string, number>();
  const places = new Map<string, PassagePlace>();
  let lowestSimilarity = 1;
  for (const match of vectorMatches) {
    if (!searchable.has(match.documentId)) continue;
    const similarity = 1 - match.distance;
    lowestSimilarity = Math.min(lowestSimilarity, similarity);
    const key = passageKey(match.chunkId, match.passageIndex);
    if (!places.has(key)) places.set(key, { chunkId: match.chunkId, documentId: match.documentId, passageIndex: match.passageIndex, page: undefined });
    if (similarity > (similarities.get(key) ?? -Infinity)) similarities.set(key, similarity);
  }

  const keywordScores = new Map<string, number>();
  // Words in more than half the passages are left out of the BM25 query (see keywordTerms).
  const passageCount = registry.passageCount();
  const questionTerms = options.mode === "vector" ? undefined : keywordTerms(options.searchText, { isCommon: (word) => registry.passagesContaining(word) > passageCount / 2 });
  if (questionTerms) {
    // "pre-authorization" in the question also looks for the documents' "preauthorization".
    const compounds = joinedCompoundTerms(options.searchText, (word) => registry.passagesContaining(word) > 0);
    const terms = [...new Set([...questionTerms, ...compounds])];
    for (const match of registry.searchKeywords({ terms, limit, documentIds })) {
      if (!searchable.has(match.documentId)) continue;
      const key = passageKey(match.chunkId, match.passageIndex);
      places.set(key, { chunkId: match.chunkId, documentId: match.documentId, passageIndex: match.passageIndex, page: match.page });
      keywordScores.set(key, match.score);
    }
  }

  // Vector matches carry no page (ids and distances only): look their passages' pages up.
  const unknown = [...new Set([...places.values()].filter((place) => place.page === undefined).map((place) => place.chunkId))];
  if (unknown.length > 0) {
    const known = registry.getPassages(unknown);
    for (const place of places.values()) {
      if (place.page !== undefined) continue;
      place.page = known.get(place.chunkId)?.find((passage) => passage.passageIndex === place.passageIndex)?.page ?? null;
    }
  }
  return { similarities, keywordScores, places, lowestSimilarity: vectorMatches.length > 0 ? lowestSimilarity : undefined };
}
