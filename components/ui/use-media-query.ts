"use client";

import { useSyncExternalStore } from "react";

/**
 * Whether a media query matches, kept in sync with the window. The server (and hydration) assume
 * `serverDefault`, so markup matches; the real value applies right after hydration.
 */
export function useMediaQuery(query: string, serverDefault: boolean): boolean {
  return useSyncExternalStore(
    (onChange) => {
      const list = window.matchMedia(query);
      list.addEventListener("change", onChange);
      return () => list.removeEventListener("change", onChange);
    },
    () => window.matchMedia(query).matches,
    () => serverDefault,
  );
}
