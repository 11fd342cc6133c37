import type Database from "better-sqlite3";
import type { CacheGenerations } from "@/lib/storage/cache-generations";
import type { PassageRecord } from "@/lib/storage/registry-types";
import { toPassage, type PassageRow } from "@/lib/storage/sqlite-rows";

/** A passage with its row id, which is also its rowid in the keyword index. */
export interface CachedPassage {
  rowId: number;
  record: PassageRecord;
}

/** Most chunks whose passages are cached. */
const MAXIMUM_CACHED_CHUNKS = 20_000;

/**
 * The passages of chunks with their keyword-index rowids, cached until the indexed content
 * changes: the document repository answers `getPassages` with them, the keyword index weighs
 * coverage by rowid. Callers refresh the change tracker first. A chunk without passages maps to [].
 */
export function createPassageLookup(database: Database.Database, caches: CacheGenerations): (chunkIds: string[]) => Map<string, CachedPassage[]> {
  // One statement for any number of ids (a JSON array), instead of one per IN-list length.
  const passagesByChunkIds = database.prepare(`SELECT * FROM passages WHERE chunk_id IN (SELECT value FROM json_each(?)) ORDER BY chunk_id, passage_index`);
  const cache = caches.cache<string, CachedPassage[]>("content", { maximumEntries: MAXIMUM_CACHED_CHUNKS });
  return (chunkIds) => {
    const result = new Map<string, CachedPassage[]>();
    const missing: string[] = [];
    for (const chunkId of new Set(chunkIds)) {
      const cached = cache.get(chunkId);
      if (cached) result.set(chunkId, cached);
      else missing.push(chunkId);
    }
    if (missing.length === 0) return result;
    const loaded = new Map<string, CachedPassage[]>(missing.map((chunkId) => [chunkId, []]));
    for (const row of passagesByChunkIds.all(JSON.stringify(missing)) as PassageRow[]) {
      loaded.get(row.chunk_id)?.push({ rowId: row.id, record: toPassage(row) });
    }
    for (const [chunkId, passages] of loaded) {
      cache.set(chunkId, passages);
      result.set(chunkId, passages);
    }
    return result;
  };
}
