import { accessRefusal } from "@/lib/auth/request-guard";
import { withRequestLog } from "@/lib/http/request-log";

/**
 * Wraps every API route handler: the access check (401/429 without valid credentials when
 * AUTH_TOKEN is set; lib/auth/request-guard.ts), then the handler, with errors mapped to the one
 * error shape and one request log line (lib/http/request-log.ts). APIs are checked here rather
 * than in proxy.ts because a proxy-matched route gets its request body buffered by Next.
 */
export function apiHandler<Incoming extends Request, Rest extends unknown[]>(
  route: string,
  handler: (request: Incoming, ...rest: Rest) => Promise<Response>,
): (request: Incoming, ...rest: Rest) => Promise<Response> {
  return withRequestLog(route, (request: Incoming, ...rest: Rest) => {
    const refusal = accessRefusal(request);
    return refusal ? Promise.resolve(refusal) : handler(request, ...rest);
  });
}
