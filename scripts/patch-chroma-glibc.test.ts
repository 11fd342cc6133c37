import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ORIGINAL_SHA256, PATCHED_SHA256, needsPatch, patchElfBuffer, runPatch, sha256 } from "./patch-chroma-glibc.mjs";

const BINDING_FILE = "chromadb-js-bindings.linux-x64-gnu.node";
const scriptPath = path.resolve(import.meta.dirname, "patch-chroma-glibc.mjs");
const installedDirectory = path.resolve(import.meta.dirname, "..", "node_modules", "chromadb-js-bindings-linux-x64-gnu");
const installed = existsSync(path.join(installedDirectory, "package.json")) && existsSync(path.join(installedDirectory, BINDING_FILE));
const runningGlibc = (process.report.getReport() as { header: { glibcVersionRuntime?: string } }).header.glibcVersionRuntime;

if (!installed) {
  console.warn(`[cited] skipping patch-chroma-glibc tests: ${installedDirectory} is not installed (only on Linux x64 glibc).`);
}

/** Minimal, independent ELF64 reader: just enough to check what the patch wrote. */
function readElf(buffer: Buffer) {
  const sectionTableOffset = Number(buffer.readBigUInt64LE(40));
  const sectionCount = buffer.readUInt16LE(60);
  const sectionNamesIndex = buffer.readUInt16LE(62);
  const header = (index: number) => {
    const base = sectionTableOffset + index * 64;
    return { nameOffset: buffer.readUInt32LE(base), offset: Number(buffer.readBigUInt64LE(base + 24)), size: Number(buffer.readBigUInt64LE(base + 32)) };
  };
  const readString = (offset: number) => buffer.toString("latin1", offset, buffer.indexOf(0, offset));
  const namesOffset = header(sectionNamesIndex).offset;
  const section = (name: string) => {
    for (let index = 0; index < sectionCount; index++) {
      const candidate = header(index);
      if (readString(namesOffset + candidate.nameOffset) === name) return candidate;
    }
    throw new Error(`no ${name}`);
  };
  const dynamicStrings = section(".dynstr");
  const dynamicSymbols = section(".dynsym");
  const versionSymbols = section(".gnu.version");
  const versionNeeds = section(".gnu.version_r");

  // libc.so.6 version needs: name -> { flags, index }
  const libcVersions = new Map<string, { flags: number; index: number }>();
  let needOffset = versionNeeds.offset;
  for (;;) {
    const fileName = readString(dynamicStrings.offset + buffer.readUInt32LE(needOffset + 4));
    let auxiliaryOffset = needOffset + buffer.readUInt32LE(needOffset + 8);
    for (let auxiliaryIndex = 0; auxiliaryIndex < buffer.readUInt16LE(needOffset + 2); auxiliaryIndex++) {
      if (fileName === "libc.so.6") {
        libcVersions.set(readString(dynamicStrings.offset + buffer.readUInt32LE(auxiliaryOffset + 8)), {
          flags: buffer.readUInt16LE(auxiliaryOffset + 4),
          index: buffer.readUInt16LE(auxiliaryOffset + 6),
        });
      }
      auxiliaryOffset += buffer.readUInt32LE(auxiliaryOffset + 12);
    }
    const next = buffer.readUInt32LE(needOffset + 12);
    if (next === 0) break;
    needOffset += next;
  }

  const symbols = [];
  for (let index = 0; index < dynamicSymbols.size / 24; index++) {
    const symbolOffset = dynamicSymbols.offset + index * 24;
    symbols.push({
      index,
      name: readString(dynamicStrings.offset + buffer.readUInt32LE(symbolOffset)),
      versionIndex: buffer.readUInt16LE(versionSymbols.offset + index * 2) & 0x7fff,
    });
  }
  return { libcVersions, symbols };
}

/** A copy of `buffer` with one byte inverted, i.e. a file whose hash is unknown to the patch. */
function withFlippedByte(buffer: Buffer, offset: number): Buffer {
  const copy = Buffer.from(buffer);
  copy.writeUInt8(copy.readUInt8(offset) ^ 0xff, offset);
  return copy;
}

describe.skipIf(!installed)("patch-chroma-glibc", () => {
  let workDirectory = "";
  let original = Buffer.alloc(0);
  let copyCount = 0;

  /** A fresh binding directory (package.json + binary) in the temp dir, optionally with altered bytes. */
  function makeCopy(contents: Buffer = original, version = "1.3.4"): { directory: string; file: string } {
    const directory = path.join(workDirectory, `binding-${copyCount++}`);
    mkdirSync(directory);
    const packageJson = JSON.parse(readFileSync(path.join(installedDirectory, "package.json"), "utf8")) as Record<string, unknown>;
    writeFileSync(path.join(directory, "package.json"), JSON.stringify({ ...packageJson, version }));
    writeFileSync(path.join(directory, BINDING_FILE), contents);
    return { directory, file: path.join(directory, BINDING_FILE) };
  }

  function patchCopy(glibcVersion = "2.36") {
    const messages: string[] = [];
    const copy = makeCopy();
    const status = runPatch({ bindingDirectory: copy.directory, glibcVersion, platform: "linux", architecture: "x64", log: (message) => messages.push(message) });
    return { ...copy, status, messages };
  }

  beforeAll(() => {
    workDirectory = mkdtempSync(path.join(tmpdir(), "cited-patch-chroma-"));
    // After a real postinstall the installed file is already patched; the pristine bytes live in `.orig`.
    const installedFile = path.join(installedDirectory, BINDING_FILE);
    const source = existsSync(`${installedFile}.orig`) ? `${installedFile}.orig` : installedFile;
    copyFileSync(source, path.join(workDirectory, "source.node"));
    original = readFileSync(path.join(workDirectory, "source.node"));
  });

  afterAll(() => {
    if (workDirectory) rmSync(workDirectory, { recursive: true, force: true });
  });

  it("decides from the glibc version alone", () => {
    expect(needsPatch("2.36")).toBe(true);
    expect(needsPatch("2.37")).toBe(true);
    expect(needsPatch("1.99")).toBe(true);
    expect(needsPatch("2.38")).toBe(false);
    expect(needsPatch("2.39")).toBe(false);
    expect(needsPatch("3.0")).toBe(false);
    expect(needsPatch(undefined)).toBe(false);
  });

  it("starts from the pinned, unpatched binary", () => {
    expect(sha256(original)).toBe(ORIGINAL_SHA256);
  });

  it("patches a copy: weak GLIBC_2.38/2.39 needs, C23 imports redirected, original kept", () => {
    const { file, status, messages } = patchCopy();
    expect(status).toBe("patched");
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^\[cited\] patched/);

    const patched = readFileSync(file);
    expect(sha256(patched)).toBe(PATCHED_SHA256);
    expect(sha256(readFileSync(`${file}.orig`))).toBe(ORIGINAL_SHA256);

    const before = readElf(original);
    const after = readElf(patched);
    const baselineIndex = after.libcVersions.get("GLIBC_2.2.5")?.index;
    expect(baselineIndex).toBeDefined();
    for (const version of ["GLIBC_2.38", "GLIBC_2.39"]) {
      expect(before.libcVersions.get(version)?.flags).toBe(0);
      expect(after.libcVersions.get(version)?.flags).toBe(0x2);
    }
    for (const [c23Name, plainName] of [
      ["__isoc23_sscanf", "sscanf"],
      ["__isoc23_strtol", "strtol"],
    ] as const) {
      const symbol = before.symbols.find((candidate) => candidate.name === c23Name);
      expect(symbol).toBeDefined();
      expect(after.symbols[symbol?.index ?? -1]).toEqual({ index: symbol?.index, name: plainName, versionIndex: baselineIndex });
    }
    expect(after.symbols.filter((symbol) => symbol.name.startsWith("__isoc23_"))).toEqual([]);

    // Only the 6 reported fields differ from the original.
    const { changes } = patchElfBuffer(original);
    expect(changes).toHaveLength(6);
    const changedBytes = new Set(changes.flatMap((change) => Array.from({ length: change.size }, (_, index) => change.offset + index)));
    for (let offset = 0; offset < original.length; offset++) {
      if (original[offset] !== patched[offset]) expect(changedBytes.has(offset)).toBe(true);
    }
  });

  it("is idempotent: a second run recognises the patched file and changes nothing", () => {
    const { directory, file } = patchCopy();
    const patchedBytes = readFileSync(file);
    const messages: string[] = [];
    expect(runPatch({ bindingDirectory: directory, glibcVersion: "2.36", platform: "linux", architecture: "x64", log: (message) => messages.push(message) })).toBe(
      "already-patched",
    );
    expect(messages[0]).toMatch(/^\[cited\] .*already patched/);
    expect(readFileSync(file).equals(patchedBytes)).toBe(true);
    expect(patchElfBuffer(patchedBytes).changes).toEqual([]);
  });

  it("leaves a binary with an unknown hash byte-identical and warns about CHROMA_URL", () => {
    const altered = withFlippedByte(original, original.length - 1);
    const { directory, file } = makeCopy(altered);
    const messages: string[] = [];
    expect(runPatch({ bindingDirectory: directory, glibcVersion: "2.36", platform: "linux", architecture: "x64", log: (message) => messages.push(message) })).toBe("skipped");
    expect(readFileSync(file).equals(altered)).toBe(true);
    expect(existsSync(`${file}.orig`)).toBe(false);
    expect(messages[0]).toMatch(/^\[cited\] WARNING: .*unknown SHA-256.*CHROMA_URL/);
  });

  it("skips other binding versions and a missing binary", () => {
    const otherVersion = makeCopy(original, "1.3.5");
    const messages: string[] = [];
    const options = { glibcVersion: "2.36", platform: "linux", architecture: "x64", log: (message: string) => messages.push(message) } as const;
    expect(runPatch({ ...options, bindingDirectory: otherVersion.directory })).toBe("skipped");
    expect(sha256(readFileSync(otherVersion.file))).toBe(ORIGINAL_SHA256);
    expect(runPatch({ ...options, bindingDirectory: path.join(workDirectory, "does-not-exist") })).toBe("skipped");
    expect(messages).toHaveLength(2);
    for (const message of messages) expect(message).toMatch(/^\[cited\] WARNING: .*CHROMA_URL/);
  });

  it("rejects buffers that are not the expected ELF", () => {
    expect(() => patchElfBuffer(Buffer.from("not an elf file at all, just some text padding it out to 64 bytes....."))).toThrow(/unexpected ELF/);
  });

  it("does nothing on glibc >= 2.38 or other platforms", () => {
    for (const options of [
      { glibcVersion: "2.38", platform: "linux", architecture: "x64" },
      { glibcVersion: "2.39", platform: "linux", architecture: "x64" },
      { glibcVersion: undefined, platform: "darwin", architecture: "arm64" },
    ] as const) {
      const { directory, file } = makeCopy();
      const messages: string[] = [];
      expect(runPatch({ ...options, bindingDirectory: directory, log: (message) => messages.push(message) })).toBe("not-needed");
      expect(messages[0]).toMatch(/^\[cited\] .*no glibc patch needed/);
      expect(readFileSync(file).equals(original)).toBe(true);
      expect(existsSync(`${file}.orig`)).toBe(false);
    }
  });

  it("runs as a CLI with --binding-dir and always exits 0", () => {
    const altered = withFlippedByte(original, 0x10);
    const { directory, file } = makeCopy(altered);
    const result = spawnSync(process.execPath, [scriptPath, "--binding-dir", directory], { encoding: "utf8" });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^\[cited\] /);
    expect(readFileSync(file).equals(altered)).toBe(true);
  });

  it.skipIf(!needsPatch(runningGlibc))("the patched copy loads with the running glibc", () => {
    const { file, status } = patchCopy(runningGlibc);
    expect(status).toBe("patched");
    const result = spawnSync(process.execPath, ["-e", `require(${JSON.stringify(file)}); console.log("loaded")`], { encoding: "utf8" });
    expect(result.stderr).toBe("");
    expect(result.stdout.trim()).toBe("loaded");
    expect(result.status).toBe(0);
  });
});
