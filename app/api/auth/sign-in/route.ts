import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { getAccessServices, signIn } from "@/lib/auth/access-service";
import { isSecureRequest, sessionCookieAttributes, sessionCookieName } from "@/lib/auth/session-cookie";
import { parseJsonBody } from "@/lib/http/responses";
import { apiHandler, otherMethods } from "@/lib/server/api-handler";
import { clientKey } from "@/lib/http/rate-limit";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const signInSchema = z.object({ token: z.string().min(1, "must not be empty").max(1024) });

export const POST = apiHandler("/api/auth/sign-in", async (request: NextRequest) => {
  const input = await parseJsonBody(request, signInSchema, { maxBytes: 16 * 1024 });
  const session = signIn(getAccessServices(), { token: input.token, client: clientKey(request) });
  const response = NextResponse.json({ signedIn: true, expiresAt: session.expiresAt.toISOString() }, { headers: { "Cache-Control": "no-store" } });
  response.cookies.set(
    sessionCookieName(isSecureRequest(request)),
    session.sessionId,
    sessionCookieAttributes({ secure: isSecureRequest(request), maxAgeSeconds: session.maxAgeSeconds }),
  );
  return response;
});

// Other methods answer 405 after the access check, not before it (lib/server/api-handler.ts).
export const { GET, PUT, PATCH, DELETE } = otherMethods("/api/auth/sign-in", ["POST"]);
