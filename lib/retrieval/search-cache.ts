import "server-only";
import { searchWithScope, type ScopedSearch, type SearchChunksOptions, type SearchResult } from "@/lib/retrieval/search";

/**
 * Search results by question, kept until the library changes. A team asks the same questions
 * again and again (and the chat searches what the search page just did); under load, many clients
 * ask the same question at the same moment. The key holds the registry's search generation,
 * which moves with every change of indexed text or of a ready document's status or title
 * (lib/storage/sqlite-registry.ts), and everything else the search reads, so a cached answer is
 * what the search returned for the same library. Between two moves the vector store only gains
 * vectors of documents not ready yet, which search filters out. Identical searches running at the
 * same moment share one computation.
 *
 * The store can also change out of band: a restarted Chroma whose index is still catching up
 * after a crash (chroma-core/chroma#7678), or an external Chroma that others write. So an entry
 * is served only for a while (decision 0007): with the embedded Chroma, half as long as the store
 * had been up when it was computed (at least MINIMUM_LIFETIME, at most MAXIMUM_LIFETIME), because
 * catching up follows a start; with an external Chroma, whose changes and restarts this process
 * cannot see, EXTERNAL_STORE_LIFETIME. The cache is emptied when the embedded Chroma (re)starts.
 */

/** Shortest time a result is served, even right after a store start (one computation per second). */
export const MINIMUM_LIFETIME_MILLISECONDS = 1_000;
/** Longest time a result is served without being computed again, however long the store has been up. */
export const MAXIMUM_LIFETIME_MILLISECONDS = 600_000;
/** How long a result is served when the vector store is an external Chroma. */
export const EXTERNAL_STORE_LIFETIME_MILLISECONDS = 10_000;

export interface SearchCacheStatistics {
  hits: number;
  misses: number;
  /** Searches that joined an identical one already running. */
  shared: number;
  entries: number;
}

/** How a search was answered: from the cache, by joining an identical running one, or computed. */
export type SearchCacheOutcome = "hit" | "joined" | "computed";

export interface SearchCacheRequest {
  key: string;
  compute: () => Promise<ScopedSearch>;
  /** Learns how the search was answered (for the response's `X-Search-Cache`). */
  onOutcome?: (outcome: SearchCacheOutcome) => void;
}

export interface SearchCache {
  /** The cached or shared result of `compute` for `key`; results are shared, treat them as read-only. */
  get(request: SearchCacheRequest): Promise<ScopedSearch>;
  statistics(): SearchCacheStatistics;
  /** Forgets every result (the vector store was replaced). */
  clear(): void;
}

/** A bounded, least-recently-used cache of search results; `entries` 0 turns it off (misses only). */
export function createSearchCache(options: { entries: number; externalStore?: boolean; now?: () => number }): SearchCache {
  const now = options.now ?? Date.now;
  const results = new Map<string, { value: ScopedSearch; expiresAt: number }>();
  const running = new Map<string, Promise<ScopedSearch>>();
  const counts = { hits: 0, misses: 0, shared: 0 };
  // Moves with clear(): a search that started before it is not remembered after it.
  let epoch = 0;
  // When the store was last (re)started, as far as this cache knows: its creation or the last clear().
  let storeStartedAt = now();
  const lifetime = (computedAt: number) =>
    options.externalStore
      ? EXTERNAL_STORE_LIFETIME_MILLISECONDS
      : Math.min(MAXIMUM_LIFETIME_MILLISECONDS, Math.max(MINIMUM_LIFETIME_MILLISECONDS, (computedAt - storeStartedAt) / 2));
  return {
    get({ key, compute, onOutcome }) {
      if (options.entries <= 0) {
        counts.misses += 1;
        onOutcome?.("computed");
        return compute();
      }
      const startedAt = now();
      const cached = results.get(key);
      if (cached && startedAt > cached.expiresAt) results.delete(key);
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
      const startedEpoch = epoch;
      // Measured from the start: what the store held then is what the result reflects.
      const expiresAt = startedAt + lifetime(startedAt);
      const computation = compute().then(
        (value) => {
          if (startedEpoch !== epoch) return value;
          running.delete(key);
          results.set(key, { value, expiresAt });
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
      storeStartedAt = now();
    },
  };
}

type CachedSearchOptions = SearchChunksOptions & { cache: SearchCache; onOutcome?: (outcome: SearchCacheOutcome) => void };

/** `searchWithScope` through `cache`: the same question, options and library give the same results and scope. */
export function cachedSearchWithScope(options: CachedSearchOptions): Promise<ScopedSearch> {
  // Every setting that changes the result is in the key; the stores are the process's own.
  const { cache, onOutcome, registry, embedder, vectorStore: _vectorStore, ...settings } = options;
  const key = JSON.stringify({
    generation: registry.searchGeneration(),
    model: embedder.modelId,
    ...settings,
    query: settings.query.trim(),
    documentIds: settings.documentIds ? [...settings.documentIds].sort() : undefined,
  });
  return cache.get({ key, compute: () => searchWithScope(options), onOutcome });
}

/** `cachedSearchWithScope`'s results alone. */
export async function cachedSearchChunks(options: CachedSearchOptions): Promise<SearchResult[]> {
  return (await cachedSearchWithScope(options)).results;
}
