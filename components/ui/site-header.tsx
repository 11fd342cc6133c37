import Link from "next/link";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { NavLinks } from "@/components/ui/nav-links";

/** The top bar; `signOut` adds the sign-out control (when access control is on). */
export function SiteHeader({ signOut = false }: { signOut?: boolean }) {
  return (
    <header className="sticky top-0 z-30 h-[var(--header-height)] border-b border-zinc-200 bg-white/90 backdrop-blur dark:border-zinc-800 dark:bg-zinc-950/90">
      <nav className="flex h-full items-center justify-between gap-4 px-4" aria-label="Main">
        <Link href="/" className="flex items-center gap-2 font-semibold tracking-tight">
          <span aria-hidden="true" className="grid size-7 place-items-center rounded-lg bg-indigo-600 text-xs font-bold text-white">
            [1]
          </span>
          Cited
        </Link>
        <div className="flex items-center gap-1">
          <NavLinks />
          {signOut && <SignOutButton />}
        </div>
      </nav>
    </header>
  );
}
