"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { chatIdFromPath, requestNewChat } from "@/components/chat/new-chat-event";
import { BooksIcon, ChatIcon } from "@/components/ui/icons";

const LINKS = [
  { href: "/", label: "Chat", icon: ChatIcon, matches: (path: string) => path === "/" || path.startsWith("/chat") },
  { href: "/library", label: "Library", icon: BooksIcon, matches: (path: string) => path.startsWith("/library") || path.startsWith("/documents") },
];

/** The main navigation; a client leaf only because the current page is marked with aria-current. */
export function NavLinks() {
  const pathname = usePathname();
  return (
    <ul className="flex items-center gap-1">
      {LINKS.map(({ href, label, icon: Icon, matches }) => {
        const current = matches(pathname);
        return (
          <li key={href}>
            <Link
              href={href}
              aria-current={current ? "page" : undefined}
              onClick={(event) => {
                // Inside the chat, "Chat" means a fresh conversation; the open workspace starts it.
                const plainClick = event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
                if (href === "/" && plainClick && chatIdFromPath(pathname) !== undefined) {
                  event.preventDefault();
                  requestNewChat();
                }
              }}
              className={`flex items-center gap-1.5 rounded-md px-2.5 py-1.5 text-sm font-medium transition-colors ${
                current
                  ? "bg-zinc-100 text-zinc-900 dark:bg-zinc-800 dark:text-zinc-50"
                  : "text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800/70 dark:hover:text-zinc-100"
              }`}
            >
              <Icon />
              {label}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
