// Types for scripts/bind-address.mjs (plain ESM so `npm start` needs no compiler).

/** Removes the hostname options from `next start` arguments; returns the last host given. */
export function extractHostnameArgument(argumentsList: string[]): { hostname: string | undefined; rest: string[] };

/** The host to bind and the start-up notice, or an error for an open app asked to leave the loopback interface. */
export function chooseBindAddress(options: {
  authToken: string | undefined;
  requested: string | undefined;
}): { hostname: string; notice: string; error?: undefined } | { error: string; hostname?: undefined; notice?: undefined };
