// Where `npm start` listens. Without AUTH_TOKEN the app has no sign-in, so it must not be
// reachable from other machines: it binds to the loopback interface and refuses anything else.
// Plain ESM: scripts/start.mjs runs before (and without) the TypeScript toolchain.

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

/** Removes `-H <host>`, `--hostname <host>` and `--hostname=<host>` from `next start` arguments; returns the last host given. */
export function extractHostnameArgument(argumentsList) {
  const rest = [];
  let hostname;
  for (let index = 0; index < argumentsList.length; index += 1) {
    const argument = argumentsList[index];
    if (argument === "-H" || argument === "--hostname") {
      hostname = argumentsList[index + 1];
      index += 1;
    } else if (argument.startsWith("--hostname=")) {
      hostname = argument.slice("--hostname=".length);
    } else {
      rest.push(argument);
    }
  }
  return { hostname, rest };
}

/**
 * The host to bind and the start-up notice, or an error when an open (token-less) app was asked
 * to listen beyond the loopback interface. `requested` comes from --hostname or HOST.
 */
export function chooseBindAddress({ authToken, requested }) {
  const protectedMode = typeof authToken === "string" && authToken.trim() !== "";
  const host = requested?.trim() || undefined;
  if (protectedMode) {
    const hostname = host ?? "0.0.0.0";
    return { hostname, notice: `[cited] access control is on (AUTH_TOKEN set): every page and API needs a sign-in or the bearer token; listening on ${hostname}.` };
  }
  if (host !== undefined && !LOOPBACK_HOSTS.has(host)) {
    return {
      error: `[cited] refusing to listen on ${host}: AUTH_TOKEN is not set, so the app has no sign-in and must stay local (127.0.0.1). Set AUTH_TOKEN (at least 16 characters) to serve other machines.`,
    };
  }
  const hostname = host ?? "127.0.0.1";
  return {
    hostname,
    notice: `[cited] AUTH_TOKEN is not set: the app is OPEN (no sign-in) and listens on ${hostname} only, so only this machine can reach it. Set AUTH_TOKEN to require a sign-in and serve the network.`,
  };
}
