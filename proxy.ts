import type { NextRequest } from "next/server";
import { guardRequest } from "@/lib/auth/request-guard";

/**
 * Next.js proxy (formerly middleware; Node.js runtime): every request passes the access check
 * first. Only the hashed build assets are skipped here; the sign-in page, its API and the
 * health probe are let through by the policy in lib/auth/access-policy.ts.
 */
export function proxy(request: NextRequest) {
  return guardRequest(request);
}

export const config = {
  matcher: ["/((?!_next/static/).*)"],
};
