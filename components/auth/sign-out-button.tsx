"use client";

import { usePathname } from "next/navigation";

/** The header's sign-out control: a plain form post (works without JavaScript); hidden on the sign-in page. */
export function SignOutButton() {
  const pathname = usePathname();
  if (pathname === "/sign-in") return null;
  return (
    <form method="post" action="/api/auth/sign-out">
      <button
        type="submit"
        className="rounded-md px-2.5 py-1.5 text-sm font-medium text-zinc-500 transition-colors hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800/70 dark:hover:text-zinc-100"
      >
        Sign out
      </button>
    </form>
  );
}
