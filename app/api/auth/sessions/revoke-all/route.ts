import { NextResponse, type NextRequest } from "next/server";
import { getAccessServices, revokeAllSessions } from "@/lib/auth/access-service";
import { SESSION_COOKIE, isSecureRequest, sessionCookieAttributes } from "@/lib/auth/session-cookie";
import { apiHandler } from "@/lib/http/api-handler";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// Behind the access check like every API: only a signed-in user or a bearer client gets here.
export const POST = apiHandler("/api/auth/sessions/revoke-all", async (request: NextRequest) => {
  const revoked = revokeAllSessions(getAccessServices());
  const response = NextResponse.json({ revoked }, { headers: { "Cache-Control": "no-store" } });
  response.cookies.set(SESSION_COOKIE, "", sessionCookieAttributes({ secure: isSecureRequest(request), maxAgeSeconds: 0 }));
  return Promise.resolve(response);
});
