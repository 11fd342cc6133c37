import "server-only";
import { isNodeServerRuntime } from "@/lib/config";
import { logger } from "@/lib/logger";
import { startAppServices } from "@/lib/server/app-services";

/** Boot work of the Node server: services, embedded Chroma, resumption of unfinished indexing. */
export async function startInstrumentation(): Promise<void> {
  if (!isNodeServerRuntime()) return;
  try {
    await startAppServices();
  } catch (error) {
    // Refuse to run half-configured (unwritable DATA_DIR, invalid configuration).
    logger.error("startup.failed", { error });
    console.error(`[cited] cannot start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
