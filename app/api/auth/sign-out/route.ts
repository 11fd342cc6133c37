import { NextResponse, type NextRequest } from "next/server";
import { getAccessServices, signOut } from "@/lib/auth/access-service";
import { SESSION_COOKIE, isSecureRequest, sessionCookieAttributes } from "@/lib/auth/session-cookie";
import { apiHandler } from "@/lib/http/api-handler";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// Public (see lib/auth/access-policy.ts): it only ends the session whose cookie it is sent.
export const POST = apiHandler("/api/auth/sign-out", async (request: NextRequest) => {
  signOut(getAccessServices(), request.cookies.get(SESSION_COOKIE)?.value);
  // The header's sign-out button is a plain form: send the browser to the sign-in page. The
  // Location is relative: in a route handler, request.url carries the server's own origin (e.g.
  // localhost), not the one the browser used, and the page CSP's form-action 'self' blocks a form
  // post redirected to another origin.
  const response = (request.headers.get("accept") ?? "").includes("text/html")
    ? new NextResponse(null, { status: 303, headers: { Location: "/sign-in" } })
    : NextResponse.json({ signedOut: true });
  response.headers.set("Cache-Control", "no-store");
  response.cookies.set(SESSION_COOKIE, "", sessionCookieAttributes({ secure: isSecureRequest(request), maxAgeSeconds: 0 }));
  return Promise.resolve(response);
});
