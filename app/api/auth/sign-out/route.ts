import { NextResponse, type NextRequest } from "next/server";
import { getAccessServices, signOut } from "@/lib/auth/access-service";
import { SESSION_COOKIE, isSecureRequest, sessionCookieAttributes } from "@/lib/auth/session-cookie";
import { withRequestLog } from "@/lib/http/request-log";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// Public (see lib/auth/access-policy.ts): it only ends the session whose cookie it is sent.
export const POST = withRequestLog("/api/auth/sign-out", async (request: NextRequest) => {
  signOut(getAccessServices(), request.cookies.get(SESSION_COOKIE)?.value);
  // The header's sign-out button is a plain form: send the browser to the sign-in page.
  const response = (request.headers.get("accept") ?? "").includes("text/html")
    ? NextResponse.redirect(new URL("/sign-in", request.url), 303)
    : NextResponse.json({ signedOut: true });
  response.headers.set("Cache-Control", "no-store");
  response.cookies.set(SESSION_COOKIE, "", sessionCookieAttributes({ secure: isSecureRequest(request), maxAgeSeconds: 0 }));
  return Promise.resolve(response);
});
