import "server-only";
import { searchChunks, type SearchResult } from "@/lib/retrieval/search";

/**
 * Search results by question, kept until the library changes. A team asks the same questions
 * again and again (and the chat searches what the search page just did); under load, many clients
 * ask the same question at the same moment. The key holds the registry's search generation,
 * which moves with every change of indexed text or of a ready document's status or title
 * (lib/storage/sqlite-registry.ts), and everything else the search reads, so a cached answer is
 * what the search returned for the same library. Between two moves the vector store only gains
 * vectors of documents not ready yet, which search filters out. The store can also change out of
 * band (a restarted Chroma whose index is still catching up, an external Chroma): the cache is
 * emptied when the embedded Chroma restarts, and no entry is older than MAXIMUM_AGE_MILLISECONDS.
 * Identical searches running at the same moment share one computation.
 */

/** How long a result may be served without being computed again (out-of-band store changes). */
export const MAXIMUM_AGE_MILLISECONDS = 10_000;

export interface SearchCacheStatistics {
  hits: number;
  misses: number;
  /** Searches that joined an identical one already running. */
  shared: number;
  entries: number;
}

/** How a search was answered: from the cache, by joining an identical running one, or computed. */
export type SearchCacheOutcome = "hit" | "joined" | "computed";

export interface SearchCache {
  /**
   * The cached or shared result of `compute` for `key`; results are shared, treat them as
   * read-only. `onOutcome` learns how it was answered (for the response's `X-Search-Cache`).
   */
  get(key: string, compute: () => Promise<SearchResult[]>, onOutcome?: (outcome: SearchCacheOutcome) => void): Promise<SearchResult[]>;
  statistics(): SearchCacheStatistics;
  /** Forgets every result (the vector store was replaced). */
  clear(): void;
}

/** A bounded, least-recently-used cache of search results; `entries` 0 turns it off (misses only). */
export function createSearchCache(options: { entries: number; now?: () => number }): SearchCache {
  const now = options.now ?? Date.now;
  const results = new Map<string, { value: SearchResult[]; at: number }>();
  const running = new Map<string, Promise<SearchResult[]>>();
  const counts = { hits: 0, misses: 0, shared: 0 };
  // Moves with clear(): a search that started before it is not remembered after it.
  let epoch = 0;
  return {
    get(key, compute, onOutcome) {
      if (options.entries <= 0) {
        counts.misses += 1;
        onOutcome?.("computed");
        return compute();
      }
      const cached = results.get(key);
      if (cached && now() - cached.at > MAXIMUM_AGE_MILLISECONDS) results.delete(key);
      else if (cached) {
        counts.hits += 1;
        onOutcome?.("hit");
        // Map order is insertion order: re-inserting marks it the most recently used.
        results.delete(key);
        results.set(key, cached);
        return Promise.resolve(cached.value);
      }
      const pending = running.get(key);
      if (pending) {
        counts.shared += 1;
        onOutcome?.("joined");
        return pending;
      }
      counts.misses += 1;
      onOutcome?.("computed");
      const startedAt = now();
      const startedEpoch = epoch;
      const computation = compute().then(
        (value) => {
          if (startedEpoch !== epoch) return value;
          running.delete(key);
          results.set(key, { value, at: startedAt });
          if (results.size > options.entries) {
            const oldest = results.keys().next();
            if (!oldest.done) results.delete(oldest.value);
          }
          return value;
        },
        (error: unknown) => {
          // A failure is not remembered: the next identical search tries again.
          if (startedEpoch === epoch) running.delete(key);
          throw error;
        },
      );
      running.set(key, computation);
      return computation;
    },
    statistics() {
      return { ...counts, entries: results.size };
    },
    clear() {
      epoch += 1;
      results.clear();
      running.clear();
    },
  };
}

type SearchChunksOptions = Parameters<typeof searchChunks>[0];

/** `searchChunks` through `cache`: the same question, options and library give the same results. */
export function cachedSearchChunks(options: SearchChunksOptions & { cache: SearchCache; onOutcome?: (outcome: SearchCacheOutcome) => void }): Promise<SearchResult[]> {
  // Every setting that changes the result is in the key; the stores are the process's own.
  const { cache, onOutcome, registry, embedder, vectorStore: _vectorStore, ...settings } = options;
  const key = JSON.stringify({
    generation: registry.searchGeneration(),
    model: embedder.modelId,
    ...settings,
    query: settings.query.trim(),
    documentIds: settings.documentIds ? [...settings.documentIds].sort() : undefined,
  });
  return cache.get(key, () => searchChunks(options), onOutcome);
}
