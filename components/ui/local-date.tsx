"use client";

import { useSyncExternalStore } from "react";

const FORMATS = {
  full: { dateStyle: "medium", timeStyle: "short" },
  short: { month: "short", day: "numeric" },
} satisfies Record<string, Intl.DateTimeFormatOptions>;

function format(iso: string, style: keyof typeof FORMATS, timeZone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "—";
  return new Intl.DateTimeFormat(undefined, { ...FORMATS[style], timeZone }).format(date);
}

const subscribe = () => () => undefined;

/**
 * A date in the reader's locale and time zone. The server does not know either, so it renders
 * UTC; React swaps in the local value right after hydration instead of reporting a mismatch.
 */
export function LocalDate({ iso, style = "full" }: { iso: string; style?: keyof typeof FORMATS }) {
  const text = useSyncExternalStore(
    subscribe,
    () => format(iso, style),
    () => format(iso, style, "UTC"),
  );
  return <time dateTime={iso}>{text}</time>;
}
