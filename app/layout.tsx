import type { Metadata, Viewport } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { SiteHeader } from "@/components/ui/site-header";
import { isAccessControlEnabled } from "@/lib/auth/access-service";
import { isNodeServerRuntime } from "@/lib/config";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Cited", template: "%s · Cited" },
  description: "Ask your team's documents; every answer cites the page it came from.",
  // public/icon.svg: the header's "[1]" mark. Without it the browser asks for /favicon.ico and gets a 404.
  icons: { icon: { url: "/icon.svg", type: "image/svg+xml" } },
};

export const viewport: Viewport = {
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#ffffff" },
    { media: "(prefers-color-scheme: dark)", color: "#09090b" },
  ],
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page renders per request, never prerendered: Next puts the per-request CSP nonce (from
  // proxy.ts) on its inline scripts only while rendering, and a static page's scripts would be blocked.
  await connection();
  return (
    <html lang="en">
      <body className="min-h-dvh">
        <a href="#main" className="sr-only z-50 rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white focus:not-sr-only focus:fixed focus:left-3 focus:top-3">
          Skip to content
        </a>
        {/* Not while prerendering at build time: whether access control is on is decided at start. */}
        <SiteHeader signOut={isNodeServerRuntime() && isAccessControlEnabled()} />
        {children}
      </body>
    </html>
  );
}
