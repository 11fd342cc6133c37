// Types for scripts/patch-chroma-glibc.mjs (plain ESM so it runs as a postinstall hook without a compiler).

/** One byte-level edit made by the patch. */
export interface ElfChange {
  offset: number;
  size: 2 | 4;
  before: number;
  after: number;
  description: string;
}

export type PatchStatus = "not-needed" | "patched" | "already-patched" | "skipped";

export interface RunPatchOptions {
  bindingDirectory?: string;
  glibcVersion?: string;
  platform?: NodeJS.Platform;
  architecture?: string;
  log?: (message: string) => void;
}

/** SHA-256 of the published chromadb-js-bindings-linux-x64-gnu@1.3.4 binary. */
export const ORIGINAL_SHA256: string;
/** SHA-256 of that binary after the patch. */
export const PATCHED_SHA256: string;

/** True when the given glibc version (e.g. "2.36") is too old for the unpatched binding. */
export function needsPatch(glibcVersion: string | undefined): boolean;
/** SHA-256 of a buffer as lowercase hex. */
export function sha256(buffer: Uint8Array): string;
/** Patches the binding in memory; throws on any unexpected ELF structure. */
export function patchElfBuffer(buffer: Buffer): { patchedBuffer: Buffer; changes: ElfChange[] };
/** Patches the installed binding if this machine needs it; never throws. */
export function runPatch(options?: RunPatchOptions): PatchStatus;
