import { NextResponse, type NextRequest } from "next/server";
import { getAccessServices, revokeAllSessions } from "@/lib/auth/access-service";
import { isSecureRequest, sessionCookieAttributes, sessionCookieName } from "@/lib/auth/session-cookie";
import { apiHandler, otherMethods } from "@/lib/server/api-handler";
import { CLEAR_CACHE_HEADER } from "@/lib/http/security-headers";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// Behind the access check like every API: only a signed-in user or a bearer client gets here.
export const POST = apiHandler("/api/auth/sessions/revoke-all", async (request: NextRequest) => {
  const revoked = revokeAllSessions(getAccessServices());
  const response = NextResponse.json({ revoked }, { headers: { "Cache-Control": "no-store", ...CLEAR_CACHE_HEADER } });
  response.cookies.set(sessionCookieName(isSecureRequest(request)), "", sessionCookieAttributes({ secure: isSecureRequest(request), maxAgeSeconds: 0 }));
  return Promise.resolve(response);
});

// Other methods answer 405 after the access check, not before it (lib/server/api-handler.ts).
export const { GET, PUT, PATCH, DELETE } = otherMethods("/api/auth/sessions/revoke-all", ["POST"]);
