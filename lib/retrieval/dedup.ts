/**
 * Near-duplicate grouping. The same text often appears twice: in two documents (the two
 * northwind plan booklets share most of their wording) or on two pages of one document. Such
 * results must not fill the top-k, so each later result whose matched text is nearly the same as
 * an earlier one's is folded into the earlier result's `locations` instead of taking a slot.
 * Similarity is the Jaccard overlap of word 3-shingles, which ignores case, punctuation and layout.
 */

export const DUPLICATE_SIMILARITY = 0.8;

function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

// Search shingles the same passages query after query; the sets are kept (bounded) by text.
const SHINGLE_CACHE_SIZE = 5_000;
const shingleCache = new Map<string, Set<string>>();

/** The word 3-shingles of a text (its words when it has fewer than three); treat as read-only. */
export function shingles(text: string): Set<string> {
  const cached = shingleCache.get(text);
  if (cached) return cached;
  const result = computeShingles(text);
  if (shingleCache.size >= SHINGLE_CACHE_SIZE) shingleCache.clear();
  shingleCache.set(text, result);
  return result;
}

function computeShingles(text: string): Set<string> {
  const list = words(text);
  if (list.length < 3) return new Set(list.length > 0 ? [list.join(" ")] : []);
  const result = new Set<string>();
  for (let index = 0; index + 2 < list.length; index += 1) result.add(`${list[index]} ${list[index + 1]} ${list[index + 2]}`);
  return result;
}

/** Jaccard similarity of two shingle sets (0 when both are empty). */
export function jaccard(left: Set<string>, right: Set<string>): number {
  if (left.size === 0 && right.size === 0) return 0;
  let shared = 0;
  const [small, large] = left.size <= right.size ? [left, right] : [right, left];
  for (const item of small) if (large.has(item)) shared += 1;
  return shared / (left.size + right.size - shared);
}

/**
 * Whether the Jaccard similarity of two shingle sets reaches `threshold`, the same answer as
 * `jaccard(left, right) >= threshold` but stopping at the first shingle past the misses it can
 * afford: most pairs share almost nothing and are ruled out after a tenth of the lookups.
 */
export function similarAtLeast(options: { left: Set<string>; right: Set<string>; threshold: number }): boolean {
  const { left, right, threshold } = options;
  if (left.size === 0 && right.size === 0) return 0 >= threshold;
  const [small, large] = left.size <= right.size ? [left, right] : [right, left];
  // shared / (|left| + |right| - shared) >= threshold  ⇔  shared >= threshold (|left| + |right|) / (1 + threshold)
  const needed = (threshold * (left.size + right.size)) / (1 + threshold);
  // The margin keeps rounding in `needed` from ruling out a pair exactly at the threshold.
  let affordableMisses = small.size - needed + 1e-9;
  if (affordableMisses < 0) return false;
  for (const item of small) {
    if (large.has(item)) continue;
    affordableMisses -= 1;
    if (affordableMisses < 0) return false;
  }
  // Past the loop the count is exact: decide with the same arithmetic as jaccard().
  return jaccard(left, right) >= threshold;
}

/**
 * Groups ranked items (best first) whose `text` is near-identical. Returns the group leaders in
 * order, each with its duplicates (in rank order) and stops once `limit` groups are complete.
 */
export function groupNearDuplicates<T>(options: { items: T[]; text: (item: T) => string; limit: number; similarity?: number }): { leader: T; duplicates: T[] }[] {
  const threshold = options.similarity ?? DUPLICATE_SIMILARITY;
  const groups: { leader: T; duplicates: T[]; shingles: Set<string> }[] = [];
  for (const item of options.items) {
    const itemShingles = shingles(options.text(item));
    // Jaccard similarity is at most the smaller set's size over the larger's: most pairs are
    // ruled out by their sizes alone.
    const group = groups.find((candidate) => {
      const [small, large] = candidate.shingles.size <= itemShingles.size ? [candidate.shingles.size, itemShingles.size] : [itemShingles.size, candidate.shingles.size];
      return small >= threshold * large && similarAtLeast({ left: candidate.shingles, right: itemShingles, threshold });
    });
    if (group) {
      group.duplicates.push(item);
      continue;
    }
    if (groups.length >= options.limit) continue;
    groups.push({ leader: item, duplicates: [], shingles: itemShingles });
  }
  return groups.map(({ leader, duplicates }) => ({ leader, duplicates }));
}
