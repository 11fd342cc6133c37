/**
 * Loads pdf.js (legacy build, the one that runs on Node 20) once per process.
 *
 * The legacy build bundles core-js polyfills that install themselves globally on import. Most only
 * add missing features pdf.js relies on (Promise.withResolvers, Map.prototype.getOrInsertComputed,
 * Uint8Array base64 helpers), but some replace built-ins Node already has: JSON.stringify and
 * JSON.parse (for the JSON.rawJSON proposal), Array.prototype.push, and they define `globalThis.self`.
 * The replacement JSON.stringify is several times slower, and `self` makes libraries think they run
 * in a browser worker. pdf.js uses none of these, so they are put back right after loading.
 */

import { createRequire } from "node:module";
import path from "node:path";
import type * as PdfJsModule from "pdfjs-dist/legacy/build/pdf.mjs";

/** The pdf.js display API module. */
export type PdfJs = typeof PdfJsModule;

type Snapshot = Map<PropertyKey, PropertyDescriptor>;

function ownDescriptors(target: object): Snapshot {
  const snapshot: Snapshot = new Map();
  for (const key of Reflect.ownKeys(target)) {
    const descriptor = Object.getOwnPropertyDescriptor(target, key);
    if (descriptor) snapshot.set(key, descriptor);
  }
  return snapshot;
}

/** Records the JSON object, Array.prototype.push and `self`; the returned function restores them exactly. */
function preserveBuiltIns(): () => void {
  const json = ownDescriptors(JSON);
  const push = Object.getOwnPropertyDescriptor(Array.prototype, "push");
  const self = Object.getOwnPropertyDescriptor(globalThis, "self");
  return () => {
    for (const key of Reflect.ownKeys(JSON)) {
      const original = json.get(key);
      if (original === undefined) Reflect.deleteProperty(JSON, key);
      else Object.defineProperty(JSON, key, original);
    }
    if (push) Object.defineProperty(Array.prototype, "push", push);
    if (self) Object.defineProperty(globalThis, "self", self);
    else Reflect.deleteProperty(globalThis, "self");
  };
}

let loading: Promise<PdfJs> | undefined;

/** Imports pdf.js and its worker code once, leaving Node's own built-ins in place. */
export function loadPdfJs(): Promise<PdfJs> {
  loading ??= (async () => {
    const restore = preserveBuiltIns();
    try {
      const pdfJs = await import("pdfjs-dist/legacy/build/pdf.mjs");
      // In Node pdf.js runs its worker code on the main thread ("fake worker"). Importing the worker
      // module registers it on globalThis, so pdf.js never resolves a worker file path at run time,
      // which breaks once the code is bundled.
      await import("pdfjs-dist/legacy/build/pdf.worker.mjs");
      return pdfJs;
    } finally {
      restore();
    }
  })().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

let packageDirectory: string | undefined;

/** The installed pdfjs-dist folder, for its standard font and CMap data files. */
export function pdfJsPackageDirectory(): string {
  // Resolved from the project root: bundlers rewrite `require.resolve` relative to
  // `import.meta.url` into numeric module ids, which are not paths.
  packageDirectory ??= path.dirname(createRequire(path.join(process.cwd(), "package.json")).resolve("pdfjs-dist/package.json"));
  return packageDirectory;
}
