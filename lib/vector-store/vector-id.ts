/**
 * Vector ids are `${documentId}:${chunkIndex}:${windowIndex}` (docs/architecture.md), and the
 * window index encodes the retrieval passage the window embeds:
 * `windowIndex = passageIndex × WINDOWS_PER_PASSAGE + window within the passage`.
 * A search can then map a match to its chunk and passage from the id alone, without asking the
 * vector store for metadata. Vectors written before passages existed number their windows 0…n
 * over the whole chunk, which decodes to passage 0: the whole-chunk passage the registry
 * migration created for them.
 */

export const WINDOWS_PER_PASSAGE = 1000;

/** The window index of the `window`-th window of passage `passageIndex`. */
export function windowIndexFor(passageIndex: number, window: number): number {
  if (!Number.isInteger(window) || window < 0 || window >= WINDOWS_PER_PASSAGE) throw new Error(`A passage has at most ${WINDOWS_PER_PASSAGE} windows.`);
  return passageIndex * WINDOWS_PER_PASSAGE + window;
}

/** The vector id of a chunk's window. */
export function vectorIdFor(chunkId: string, windowIndex: number): string {
  return `${chunkId}:${windowIndex}`;
}

/** Decodes a vector id; undefined when it is not `document:chunk:window`. */
export function parseVectorId(id: string): { chunkId: string; documentId: string; windowIndex: number; passageIndex: number } | undefined {
  const lastColon = id.lastIndexOf(":");
  const chunkColon = lastColon > 0 ? id.lastIndexOf(":", lastColon - 1) : -1;
  if (chunkColon <= 0) return undefined;
  const windowIndex = Number(id.slice(lastColon + 1));
  const chunkIndex = id.slice(chunkColon + 1, lastColon);
  if (!Number.isInteger(windowIndex) || windowIndex < 0 || !/^\d+$/.test(chunkIndex)) return undefined;
  return {
    chunkId: id.slice(0, lastColon),
    documentId: id.slice(0, chunkColon),
    windowIndex,
    passageIndex: Math.floor(windowIndex / WINDOWS_PER_PASSAGE),
  };
}
