import path from "node:path";
import { authenticate, type AuthenticationResult } from "@/lib/auth/access-policy";
import { bearerToken, tokenFingerprint, tokensMatch } from "@/lib/auth/credentials";
import { openSessionStore, type SessionStore } from "@/lib/auth/session-store";
import { getConfig, type AppConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { RateLimiter } from "@/lib/http/rate-limit";
import { logger } from "@/lib/logger";
import { ensureDataDirectory } from "@/lib/storage/data-directory";

/**
 * Access control at run time: the session store and the failed-attempt limiter of this
 * process, and the operations the proxy and the auth routes call. Deliberately apart from
 * `lib/server/app-services.ts` so the proxy does not pull in Chroma, the embedder or parsers.
 * No `server-only` marker: the proxy bundle is not a React Server Components bundle.
 */

export type AccessServices =
  | { enabled: false }
  | {
      enabled: true;
      token: string;
      sessionTtlMs: number;
      sessions: SessionStore;
      /** Counts wrong tokens (sign-in and bearer) per client. */
      failedAttempts: RateLimiter;
    };

/** Builds the access services for a configuration (tests pass their own). */
export function createAccessServices(config: AppConfig): AccessServices {
  if (config.auth.token === undefined) return { enabled: false };
  ensureDataDirectory(config.dataDirectory);
  return {
    enabled: true,
    token: config.auth.token,
    sessionTtlMs: config.auth.sessionTtlMs,
    sessions: openSessionStore(path.join(config.dataDirectory, "app.db")),
    failedAttempts: new RateLimiter(config.auth.signInsPerMinute),
  };
}

// On globalThis: the proxy and the route bundles each hold a copy of this module but must share
// one limiter (and one database connection).
const GLOBAL_KEY = Symbol.for("cited.access-services");
type GlobalWithAccess = typeof globalThis & { [GLOBAL_KEY]?: AccessServices };

/** The access services of this process, created on first use. */
export function getAccessServices(): AccessServices {
  const holder = globalThis as GlobalWithAccess;
  holder[GLOBAL_KEY] ??= createAccessServices(getConfig());
  return holder[GLOBAL_KEY];
}

/** The credentials a request carries. */
export interface PresentedCredentials {
  authorization: string | null | undefined;
  sessionId: string | undefined;
  client: string;
}

/**
 * Authenticates a request. A wrong bearer token counts as a failed attempt; once a client has
 * used up its allowance every attempt is refused with `request.rate_limited`, right or wrong.
 */
export function checkCredentials(services: AccessServices, credentials: PresentedCredentials): AuthenticationResult {
  if (!services.enabled) return { status: "authenticated", method: "session" };
  if (bearerToken(credentials.authorization) !== undefined) services.failedAttempts.assertAvailable(credentials.client);
  const result = authenticate({ authorization: credentials.authorization, sessionId: credentials.sessionId, token: services.token, sessions: services.sessions });
  if (result.status === "rejected" && result.method === "bearer") {
    logger.warn("auth.bearer_rejected", { client: credentials.client });
    services.failedAttempts.take(credentials.client);
  }
  return result;
}

/** Exchanges the access token for a new session; wrong tokens are rate limited per client. */
export function signIn(services: AccessServices, options: { token: string; client: string }): { sessionId: string; expiresAt: Date; maxAgeSeconds: number } {
  if (!services.enabled) throw new AppError("request.invalid", "Access control is off (AUTH_TOKEN is not set); there is nothing to sign in to.");
  services.failedAttempts.assertAvailable(options.client);
  if (!tokensMatch(options.token, services.token)) {
    services.failedAttempts.take(options.client);
    logger.warn("auth.sign_in_rejected", { client: options.client });
    throw new AppError("auth.invalid_token", "That access token is not valid.");
  }
  const session = services.sessions.create({ tokenFingerprint: tokenFingerprint(services.token), ttlMs: services.sessionTtlMs });
  logger.info("auth.signed_in", { client: options.client, expiresAt: session.expiresAt.toISOString() });
  return { sessionId: session.id, expiresAt: session.expiresAt, maxAgeSeconds: Math.floor(services.sessionTtlMs / 1000) };
}

/** Ends the session with this id (a no-op for unknown ids or when access control is off). */
export function signOut(services: AccessServices, sessionId: string | undefined): void {
  if (!services.enabled || !sessionId) return;
  if (services.sessions.revoke(sessionId)) logger.info("auth.signed_out");
}

/** Ends every session (all browsers must sign in again; bearer clients are unaffected). */
export function revokeAllSessions(services: AccessServices): number {
  if (!services.enabled) return 0;
  const revoked = services.sessions.revokeAll();
  logger.warn("auth.sessions_revoked", { revoked });
  return revoked;
}

/** True when AUTH_TOKEN is set (every page and API needs credentials). */
export function isAccessControlEnabled(): boolean {
  return getConfig().auth.token !== undefined;
}
