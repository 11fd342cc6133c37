import type { VectorStore } from "@/lib/vector-store/types";

/** What one sweep for lost vectors found and did. */
export interface LostVectorSweep {
  lost: number;
  rewritten: number;
  stillLost: string[];
  milliseconds: number;
}

/**
 * Probes every stored vector with its own embedding and writes the ones search misses anew
 * (chroma-core/chroma#7758: deletes and updates can cut other vectors off Chroma's index).
 */
export async function sweepLostVectors(store: VectorStore): Promise<LostVectorSweep> {
  const started = performance.now();
  const lost = await store.listUnsearchableVectorIds();
  const stillLost = lost.length > 0 ? await store.rewriteVectors(lost) : [];
  return { lost: lost.length, rewritten: lost.length - stillLost.length, stillLost, milliseconds: Math.round(performance.now() - started) };
}
