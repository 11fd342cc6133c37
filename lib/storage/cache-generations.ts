/**
 * The registry's read caches and the one way they are emptied. Each cache follows one kind of
 * change; `invalidate` moves the generation of the kinds that changed (with the kinds they imply)
 * and empties every cache that follows one of them. Nothing else empties a cache, except its own
 * size bound. Independent of the database: a store only has to say when something changed.
 */

/**
 * `content`: the indexed text (chunks, passages, keyword index). `documents`: what search returns
 * of a document (a ready document's status or title). `rows`: any row of the registry (the
 * document list). A change of content is a change of documents, which is a change of rows.
 */
export type ChangeKind = "content" | "documents" | "rows";

const IMPLIED: Record<ChangeKind, readonly ChangeKind[]> = {
  content: ["content", "documents", "rows"],
  documents: ["documents", "rows"],
  rows: ["rows"],
};

/** A map emptied when its kind changes, or when a new entry would pass its bounds. */
export interface BoundedCache<Key, Value> {
  get(key: Key): Value | undefined;
  has(key: Key): boolean;
  set(key: Key, value: Value): void;
  /** Makes room for `count` entries about to be set together (emptying the cache if they would not fit), so none pushes out another. */
  reserve(count: number): void;
}

/** One value built on first need after each change of its kind. */
export interface CachedValue<Value> {
  get(): Value;
}

export interface CacheGenerations {
  /** Records changes of `kinds` (and the kinds they imply): each generation moves once, and their caches are emptied. */
  invalidate(kinds: Iterable<ChangeKind>): void;
  /** How many changes of `kind` this process has seen, its own and other processes'. */
  generation(kind: ChangeKind): number;
  /**
   * A cache holding at most `maximumEntries` entries and, when `sizeOf` is given, values of at
   * most `maximumSize` in all (in a large library one common word's postings hold tens of
   * thousands of rowids). A value larger than the whole budget is not kept.
   */
  cache<Key, Value>(kind: ChangeKind, options: { maximumEntries: number; maximumSize?: number; sizeOf?: (value: Value) => number }): BoundedCache<Key, Value>;
  value<Value>(kind: ChangeKind, build: () => Value): CachedValue<Value>;
}

export function createCacheGenerations(): CacheGenerations {
  const generations: Record<ChangeKind, number> = { content: 0, documents: 0, rows: 0 };
  const resets: Record<ChangeKind, (() => void)[]> = { content: [], documents: [], rows: [] };
  return {
    invalidate(kinds) {
      const changed = new Set<ChangeKind>();
      for (const kind of kinds) for (const implied of IMPLIED[kind]) changed.add(implied);
      for (const kind of changed) {
        generations[kind] += 1;
        for (const reset of resets[kind]) reset();
      }
    },
    generation: (kind) => generations[kind],
    cache<Key, Value>(kind: ChangeKind, options: { maximumEntries: number; maximumSize?: number; sizeOf?: (value: Value) => number }): BoundedCache<Key, Value> {
      const entries = new Map<Key, Value>();
      const maximumSize = options.maximumSize ?? Infinity;
      let total = 0;
      const clear = () => {
        entries.clear();
        total = 0;
      };
      resets[kind].push(clear);
      return {
        get: (key: Key) => entries.get(key),
        has: (key: Key) => entries.has(key),
        set(key: Key, value: Value) {
          const size = options.sizeOf?.(value) ?? 0;
          if (size > maximumSize) return;
          if (total + size > maximumSize || entries.size >= options.maximumEntries) clear();
          entries.set(key, value);
          total += size;
        },
        reserve(count: number) {
          if (entries.size + count > options.maximumEntries) clear();
        },
      };
    },
    value<Value>(kind: ChangeKind, build: () => Value): CachedValue<Value> {
      let built: { value: Value } | undefined;
      resets[kind].push(() => {
        built = undefined;
      });
      return {
        get: () => (built ??= { value: build() }).value,
      };
    },
  };
}
