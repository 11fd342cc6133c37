#!/usr/bin/env node
// Bundles the worker-thread entry points (lib/ingest/parse-worker.ts) into dist/ so the Next
// server can start them with plain Node: a worker needs a real file, not a bundler chunk.
// Packages with native code or data files stay external and load from node_modules.
import { build } from "esbuild";
import path from "node:path";

const projectRoot = path.resolve(import.meta.dirname, "..");

await build({
  entryPoints: [path.join(projectRoot, "lib/ingest/parse-worker.ts")],
  outfile: path.join(projectRoot, "dist/parse-worker.mjs"),
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  tsconfig: path.join(projectRoot, "tsconfig.json"),
  external: ["pdfjs-dist", "pdfjs-dist/*", "mammoth", "tiktoken"],
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: "warning",
});
console.log("[cited] built dist/parse-worker.mjs");
