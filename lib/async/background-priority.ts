import os from "node:os";

/** Nice value of background threads (indexing): requests get the CPU first, indexing every idle cycle. */
export const BACKGROUND_NICE = 10;

/**
 * Lowers the calling thread's CPU priority to `BACKGROUND_NICE`; returns whether it did.
 * Linux only: there a nice value belongs to one thread (and the threads it starts afterwards
 * inherit it), while elsewhere `setPriority(0, …)` would lower the whole process.
 */
export function lowerThisThreadPriority(platform: NodeJS.Platform = process.platform): boolean {
  if (platform !== "linux") return false;
  try {
    os.setPriority(0, Math.max(os.getPriority(0), BACKGROUND_NICE));
    return true;
  } catch {
    // Some sandboxes forbid it; the work then simply runs at normal priority.
    return false;
  }
}
