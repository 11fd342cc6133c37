import { createQuietRunner, type QuietRunner } from "@/lib/async/run-when-quiet";
import { logger } from "@/lib/logger";
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

const SWEEP_QUIET_MILLISECONDS = 60_000;
const SWEEP_INTERVAL_MILLISECONDS = 600_000;
// A sweep of 100,000 vectors keeps Chroma busy for minutes: at most 5 % of the time.
const SWEEP_SHARE = 0.05;

/**
 * The sweep's schedule: after deletes (`noteChange`), once the library has been quiet for a
 * minute, at most every 10 minutes and at most 5 % of the time, every vector is probed and the
 * ones Chroma's index lost are written anew. `onRewritten` is told when a sweep rewrote any
 * (cached search results may have missed them).
 */
export function scheduleLostVectorSweeps(options: { getVectorStore: () => Promise<VectorStore>; onRewritten: () => void }): QuietRunner {
  return createQuietRunner({
    task: async () => {
      const sweep = await sweepLostVectors(await options.getVectorStore());
      if (sweep.rewritten > 0) options.onRewritten();
      logger.info("vectors.swept", { lost: sweep.lost, rewritten: sweep.rewritten, stillLost: sweep.stillLost.length, milliseconds: sweep.milliseconds });
    },
    onError: (error) => logger.warn("vectors.sweep_failed", { error }),
    quietMilliseconds: SWEEP_QUIET_MILLISECONDS,
    minimumIntervalMilliseconds: SWEEP_INTERVAL_MILLISECONDS,
    maximumRunShare: SWEEP_SHARE,
  });
}
