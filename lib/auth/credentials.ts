import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * The secrets of access control: the shared access token (AUTH_TOKEN) and random session ids.
 * Only digests are compared or stored, so neither a timing side channel nor a copy of the
 * database reveals a usable secret.
 */

function sha256(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

/** True when `presented` equals `expected`, compared as fixed-length digests in constant time (no content or length leak). */
export function tokensMatch(presented: string, expected: string): boolean {
  return timingSafeEqual(sha256(presented), sha256(expected));
}

/** A non-reversible fingerprint of the access token, stored with each session so a new AUTH_TOKEN ends every old session. */
export function tokenFingerprint(token: string): string {
  return sha256(`cited.access-token:${token}`).toString("hex");
}

/** A new session id: 32 random bytes, base64url (the cookie value). */
export function newSessionId(): string {
  return randomBytes(32).toString("base64url");
}

/** The key a session is stored under: the SHA-256 of its id, so the database holds no usable cookie. */
export function sessionKey(sessionId: string): string {
  return sha256(sessionId).toString("hex");
}

/** The token of an `Authorization: Bearer <token>` header, or undefined when there is none. */
export function bearerToken(header: string | null | undefined): string | undefined {
  const match = /^Bearer[ \t]+(\S.*)$/i.exec(header?.trim() ?? "");
  return match?.[1]?.trim() || undefined;
}
