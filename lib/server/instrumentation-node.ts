import "server-only";
import { getConfig, isNodeServerRuntime } from "@/lib/config";
import { installClientAddressStamp } from "@/lib/http/client-address";
import { logger } from "@/lib/logger";
import { startAppServices } from "@/lib/server/app-services";
import { armShutdownDeadline } from "@/lib/server/shutdown-deadline";

/** Boot work of the Node server: services, embedded Chroma, resumption of unfinished indexing. */
export async function startInstrumentation(): Promise<void> {
  if (!isNodeServerRuntime()) return;
  // Before the first request: per-client limits key on the socket address (lib/http/client-address.ts).
  installClientAddressStamp();
  try {
    armShutdownDeadline({
      graceMs: getConfig().shutdownGraceMs,
      onExpired: ({ signal, graceMs }) => logger.warn("shutdown.forced", { signal, graceMs, message: "Open requests outlived the shutdown grace period; exiting anyway." }),
    });
    await startAppServices();
    if (getConfig().auth.token === undefined) {
      // scripts/start.mjs binds an open app to 127.0.0.1; say so in the log too.
      logger.warn("access.open", { message: "AUTH_TOKEN is not set: no sign-in; serve this app on 127.0.0.1 only (npm start does)." });
    } else {
      logger.info("access.protected", { sessionTtlHours: getConfig().auth.sessionTtlMs / 3_600_000 });
    }
  } catch (error) {
    // Refuse to run half-configured (unwritable DATA_DIR, invalid configuration).
    logger.error("startup.failed", { error });
    console.error(`[cited] cannot start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
