/**
 * Whether the vectors Chroma stores can be found by a query, and writing anew those its index lost
 * (chroma-core/chroma#7758, decision 0008).
 */

/** Distance under which two vectors count as the same (the same text embedded twice). */
const SAME_VECTOR_DISTANCE = 1e-6;

/**
 * Whether a query with a vector's own embedding found it: its id is among the neighbours, or every
 * neighbour asked for is an identical copy (more copies than neighbours can cut the own id off).
 */
export function probeFound(options: { id: string; neighbours: string[]; distances: (number | null)[]; asked: number }): boolean {
  if (options.neighbours.includes(options.id)) return true;
  const farthest = options.distances[options.distances.length - 1];
  return options.neighbours.length === options.asked && typeof farthest === "number" && farthest <= SAME_VECTOR_DISTANCE;
}

/**
 * Makes `records` findable by search: the ones a query with their own vector misses are deleted
 * and written again, up to `attempts` times; returns the ids still missed after that.
 * Chroma's index can lose a vector it stores (chroma-core/chroma#7758): `get` returns it, no
 * query reaches it, and upserting it again keeps its place in the index and does not help. A
 * delete and a new write give it a new place, which finds it again far more often (the
 * measurements: docs/reliability.md).
 */
export async function keepSearchable<Item extends { id: string }>(options: {
  records: Item[];
  findLost: (records: Item[]) => Promise<string[]>;
  rewrite: (records: Item[]) => Promise<void>;
  attempts: number;
}): Promise<string[]> {
  let lost = new Set(await options.findLost(options.records));
  for (let attempt = 0; attempt < options.attempts && lost.size > 0; attempt += 1) {
    const again = options.records.filter((record) => lost.has(record.id));
    await options.rewrite(again);
    lost = new Set(await options.findLost(again));
  }
  return [...lost];
}
