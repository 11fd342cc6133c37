import { NextResponse, type NextRequest } from "next/server";
import { getAccessServices, signOut } from "@/lib/auth/access-service";
import { isSecureRequest, sessionCookieAttributes, sessionCookieName, sessionIdFrom } from "@/lib/auth/session-cookie";
import { apiHandler, otherMethods } from "@/lib/server/api-handler";
import { CLEAR_CACHE_HEADER } from "@/lib/http/security-headers";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// Public (see lib/auth/access-policy.ts): it only ends the session whose cookie it is sent.
export const POST = apiHandler("/api/auth/sign-out", async (request: NextRequest) => {
  signOut(getAccessServices(), sessionIdFrom(request));
  // The header's sign-out button is a plain form: send the browser to the sign-in page. The
  // Location is relative: in a route handler, request.url carries the server's own origin (e.g.
  // localhost), not the one the browser used, and the page CSP's form-action 'self' blocks a form
  // post redirected to another origin.
  const response = (request.headers.get("accept") ?? "").includes("text/html")
    ? new NextResponse(null, { status: 303, headers: { Location: "/sign-in" } })
    : NextResponse.json({ signedOut: true });
  response.headers.set("Cache-Control", "no-store");
  // Document files this browser kept must not outlive the session.
  response.headers.set("Clear-Site-Data", CLEAR_CACHE_HEADER["Clear-Site-Data"]);
  response.cookies.set(sessionCookieName(isSecureRequest(request)), "", sessionCookieAttributes({ secure: isSecureRequest(request), maxAgeSeconds: 0 }));
  return Promise.resolve(response);
});

// Other methods answer 405 after the access check, not before it (lib/server/api-handler.ts).
export const { GET, PUT, PATCH, DELETE } = otherMethods("/api/auth/sign-out", ["POST"]);
