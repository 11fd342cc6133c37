import http from "node:http";
import { isIPv4, isIPv6 } from "node:net";

/**
 * Who a request comes from, for per-client limits. The address of the TCP peer is the only one a
 * client cannot choose; `X-Forwarded-For` is whatever the client wrote unless a proxy of ours
 * replaced it. So forwarding headers count only when TRUST_PROXY says how many proxies of ours
 * stand in front (as Express's and Fastify's `trust proxy` hop count), and otherwise the key is
 * the socket's address.
 *
 * Next's route handlers only see a Web `Request`, which carries no socket, and Next copies the
 * socket address into `X-Forwarded-For` only when the client sent none. The server process
 * therefore stamps every incoming request with its peer address in a header of its own
 * (`installClientAddressStamp`), overwriting anything a client sent under that name.
 */

export const CLIENT_ADDRESS_HEADER = "x-cited-peer-address";

const STAMPED = Symbol.for("cited.client-address-stamp");

/** Makes every HTTP server of this process stamp requests with their peer's address (once per process). */
export function installClientAddressStamp(): void {
  const prototype = http.Server.prototype as http.Server & { [STAMPED]?: true };
  if (prototype[STAMPED]) return;
  prototype[STAMPED] = true;
  // Taken unbound on purpose: it is called with each server as `this` below.
  const emit = Reflect.get(prototype, "emit") as (this: http.Server, event: string | symbol, ...rest: unknown[]) => boolean;
  prototype.emit = function stampedEmit(this: http.Server, event: string | symbol, ...rest: unknown[]): boolean {
    if (event === "request") {
      const request = rest[0] as http.IncomingMessage | undefined;
      if (request) request.headers[CLIENT_ADDRESS_HEADER] = request.socket.remoteAddress ?? "unknown";
    }
    return emit.call(this, event, ...rest);
  } as typeof prototype.emit;
}

/** Expands an IPv6 address to its eight groups, or undefined when it is not one. */
function ipv6Groups(address: string): string[] | undefined {
  if (!isIPv6(address)) return undefined;
  const [head = "", tail] = address.split("::");
  const groupsOf = (part: string) => (part === "" ? [] : part.split(":"));
  const left = groupsOf(head);
  const right = tail === undefined ? [] : groupsOf(tail);
  // An embedded IPv4 tail ("::ffff:1.2.3.4") counts as two groups.
  const width = [...left, ...right].reduce((sum, group) => sum + (group.includes(".") ? 2 : 1), 0);
  return [...left, ...Array.from({ length: Math.max(0, 8 - width) }, () => "0"), ...right];
}

/**
 * The limiter key of an address: IPv4 as is (also when written IPv4-mapped, "::ffff:10.0.0.1"),
 * IPv6 by its /64 network, which one subscriber usually holds whole, so rotating through it buys
 * no new allowance.
 */
export function addressKey(address: string): string {
  const trimmed = address
    .trim()
    .replace(/^\[(.*)\]$/, "$1")
    .replace(/%.*$/, "");
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(trimmed)?.[1];
  if (mapped && isIPv4(mapped)) return mapped;
  if (isIPv4(trimmed)) return trimmed;
  const groups = ipv6Groups(trimmed);
  if (groups)
    return `${groups
      .slice(0, 4)
      .map((group) => group.toLowerCase().replace(/^0+(?=.)/, ""))
      .join(":")}::/64`;
  return trimmed;
}

/**
 * The client of a request: with `trustProxyHops` 0 the peer itself; with n, the address n hops
 * back through `X-Forwarded-For` (the peer is our proxy, the entry it appended is its client, and
 * so on), or the leftmost when there are fewer. "direct" when no peer address is known (tests, CLI).
 */
export function clientAddress(request: Request, trustProxyHops: number): string {
  const peer = request.headers.get(CLIENT_ADDRESS_HEADER) ?? undefined;
  if (trustProxyHops > 0) {
    const forwarded = (request.headers.get("x-forwarded-for") ?? "")
      .split(",")
      .map((entry) => entry.trim())
      .filter((entry) => entry !== "");
    const chain = [...forwarded, ...(peer ? [peer] : [])];
    const client = chain[Math.max(0, chain.length - 1 - trustProxyHops)];
    if (client) return addressKey(client);
  }
  return peer ? addressKey(peer) : "direct";
}
