import Link from "next/link";
import type { ReactNode } from "react";

/** The body of a "not found" page: what is missing and where to go instead. */
export function NotFoundMessage({ title, children, href, linkLabel }: { title: string; children: ReactNode; href: string; linkLabel: string }) {
  return (
    <main id="main" className="mx-auto grid min-h-[60dvh] max-w-md place-items-center px-4 text-center">
      <div>
        <p className="font-mono text-sm font-semibold text-indigo-600 dark:text-indigo-400">404</p>
        <h1 className="mt-2 text-2xl font-semibold tracking-tight">{title}</h1>
        <p className="mt-3 text-zinc-600 dark:text-zinc-400">{children}</p>
        <Link href={href} className="mt-6 inline-block rounded-lg bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-700">
          {linkLabel}
        </Link>
      </div>
    </main>
  );
}
