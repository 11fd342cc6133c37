// Postinstall: make chromadb's embedded server load on glibc < 2.38 (e.g. Debian 12, glibc 2.36).
//
// chromadb@3.5.0 runs its Rust server from the native addon in `chromadb-js-bindings-linux-x64-gnu`
// (pinned to 1.3.4 in package.json "overrides"). That binary was linked against glibc 2.39, so the
// dynamic loader refuses it on older systems with "GLIBC_2.38 not found", although it only needs:
//   - pidfd_getpid / pidfd_spawnp (GLIBC_2.39): already weak imports, resolved to null when absent;
//   - __isoc23_sscanf / __isoc23_strtol (GLIBC_2.38): the C23 variants, which differ from the classic
//     sscanf / strtol only in also accepting "0b" binary literals.
// The patch therefore (a) marks the GLIBC_2.38 / GLIBC_2.39 version needs as weak, so a missing version
// is no longer fatal, and (b) redirects the two C23 imports to sscanf / strtol at GLIBC_2.2.5.
// No byte moves: only flags, string offsets and version indices change, so the ELF layout stays valid.
//
// It never breaks `npm install`: on anything unexpected it leaves the file alone, warns, and exits 0.
// Pure Node, no dependencies, and no process.env: everything comes from arguments and the running process.

import { createHash } from "node:crypto";
import { chmodSync, existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const LOG_PREFIX = "[cited] ";
const BINDING_PACKAGE = "chromadb-js-bindings-linux-x64-gnu";
const BINDING_FILE = "chromadb-js-bindings.linux-x64-gnu.node";
const BINDING_VERSION = "1.3.4";

// SHA-256 of the published 1.3.4 binary, and of the result of this patch: only these exact bytes are touched.
export const ORIGINAL_SHA256 = "b770770984cef8bbc3ee7738f290baefaed5359acda23dea5c5f6f7307860063";
export const PATCHED_SHA256 = "fa46d608ea77f8df635da51468412737415501b544897c2b0b842d37a8abddbc";

// First glibc that ships the versions the addon asks for; older ones need the patch.
const FIXED_GLIBC = [2, 38];

const LIBC_SONAME = "libc.so.6";
const WEAK_VERSIONS = ["GLIBC_2.38", "GLIBC_2.39"];
const BASELINE_VERSION = "GLIBC_2.2.5";
const C23_PREFIX = "__isoc23_";
const REDIRECTED_SYMBOLS = ["__isoc23_sscanf", "__isoc23_strtol"];

// ELF constants (see elf(5)).
const SHT_STRTAB = 3;
const SHT_DYNSYM = 11;
const SHT_NOBITS = 8; // occupies no file bytes (.bss), so its offset/size need not fit the file
const SHT_GNU_VERNEED = 0x6ffffffe;
const SHT_GNU_VERSYM = 0x6fffffff;
const EM_X86_64 = 62;
const VER_FLG_WEAK = 0x2;
const VERSYM_INDEX_MASK = 0x7fff; // bit 15 is the "hidden" flag, not part of the index
const SECTION_HEADER_SIZE = 64;
const SYMBOL_SIZE = 24;
const VERNEED_SIZE = 16;
const VERNAUX_SIZE = 16;

/** True when the given glibc version (e.g. "2.36") is too old for the unpatched binding. */
export function needsPatch(glibcVersion) {
  const match = /^(\d+)\.(\d+)/.exec(String(glibcVersion ?? ""));
  if (!match) return false; // not glibc (musl, macOS, Windows): the gnu binding is not used at all
  const major = Number(match[1]);
  const minor = Number(match[2]);
  return major < FIXED_GLIBC[0] || (major === FIXED_GLIBC[0] && minor < FIXED_GLIBC[1]);
}

/** SHA-256 of a buffer as lowercase hex. */
export function sha256(buffer) {
  return createHash("sha256").update(buffer).digest("hex");
}

/** Throws when a structural expectation fails; callers turn this into "leave the file alone". */
function ensure(condition, message) {
  if (!condition) throw new Error(`unexpected ELF structure: ${message}`);
}

function readString(buffer, offset) {
  const end = buffer.indexOf(0, offset);
  ensure(end !== -1, `unterminated string at ${offset}`);
  return buffer.toString("latin1", offset, end);
}

/** Reads the section headers of an ELF64 little-endian x86-64 file and returns them keyed by name. */
function readSections(buffer) {
  ensure(buffer.length >= 64 && buffer.readUInt32BE(0) === 0x7f454c46, "not an ELF file");
  ensure(buffer[4] === 2 && buffer[5] === 1, "not ELF64 little-endian");
  ensure(buffer.readUInt16LE(18) === EM_X86_64, "not x86-64");
  const sectionTableOffset = Number(buffer.readBigUInt64LE(40));
  const sectionHeaderSize = buffer.readUInt16LE(58);
  const sectionCount = buffer.readUInt16LE(60);
  const sectionNamesIndex = buffer.readUInt16LE(62);
  ensure(sectionHeaderSize === SECTION_HEADER_SIZE, "section header size");
  ensure(sectionCount > 0 && sectionTableOffset + sectionCount * SECTION_HEADER_SIZE <= buffer.length, "section table bounds");
  ensure(sectionNamesIndex < sectionCount, "section name table index");

  const headers = [];
  for (let index = 0; index < sectionCount; index++) {
    const base = sectionTableOffset + index * SECTION_HEADER_SIZE;
    const header = {
      nameOffset: buffer.readUInt32LE(base),
      type: buffer.readUInt32LE(base + 4),
      offset: Number(buffer.readBigUInt64LE(base + 24)),
      size: Number(buffer.readBigUInt64LE(base + 32)),
      link: buffer.readUInt32LE(base + 40),
      info: buffer.readUInt32LE(base + 44),
      entrySize: Number(buffer.readBigUInt64LE(base + 56)),
    };
    ensure(header.type === SHT_NOBITS || header.offset + header.size <= buffer.length, `section ${index} bounds`);
    headers.push(header);
  }
  const names = headers[sectionNamesIndex];
  ensure(names.type === SHT_STRTAB, ".shstrtab type");
  const byName = new Map();
  for (const header of headers) {
    byName.set(readString(buffer, names.offset + header.nameOffset), header);
  }
  return { headers, byName };
}

function requireSection(sections, name, type) {
  const section = sections.byName.get(name);
  ensure(section !== undefined, `missing ${name}`);
  ensure(section.type === type, `${name} has type ${section.type}`);
  return section;
}

/**
 * Patches the chromadb binding in memory. Returns a copy plus the list of byte changes
 * (empty when the buffer is already patched). Throws on any unexpected structure.
 */
export function patchElfBuffer(buffer) {
  const sections = readSections(buffer);
  const dynamicSymbols = requireSection(sections, ".dynsym", SHT_DYNSYM);
  const dynamicStrings = requireSection(sections, ".dynstr", SHT_STRTAB);
  const versionSymbols = requireSection(sections, ".gnu.version", SHT_GNU_VERSYM);
  const versionNeeds = requireSection(sections, ".gnu.version_r", SHT_GNU_VERNEED);
  ensure(sections.headers[dynamicSymbols.link] === dynamicStrings, ".dynsym does not link to .dynstr");
  ensure(sections.headers[versionNeeds.link] === dynamicStrings, ".gnu.version_r does not link to .dynstr");
  ensure(dynamicSymbols.entrySize === SYMBOL_SIZE && dynamicSymbols.size % SYMBOL_SIZE === 0, ".dynsym entry size");
  const symbolCount = dynamicSymbols.size / SYMBOL_SIZE;
  ensure(versionSymbols.size === symbolCount * 2, ".gnu.version does not match .dynsym");

  const patched = Buffer.from(buffer);
  const changes = [];
  const dynamicString = (offset) => {
    ensure(offset < dynamicStrings.size, `.dynstr offset ${offset} out of range`);
    return readString(buffer, dynamicStrings.offset + offset);
  };
  const write16 = (offset, value, description) => {
    const before = patched.readUInt16LE(offset);
    if (before === value) return;
    patched.writeUInt16LE(value, offset);
    changes.push({ offset, size: 2, before, after: value, description });
  };
  const write32 = (offset, value, description) => {
    const before = patched.readUInt32LE(offset);
    if (before === value) return;
    patched.writeUInt32LE(value, offset);
    changes.push({ offset, size: 4, before, after: value, description });
  };

  // (a) Walk the Verneed chain (sh_info entries) to the libc.so.6 needs; collect its Vernaux entries by name.
  const libcVersions = new Map();
  let needOffset = versionNeeds.offset;
  for (let needIndex = 0; needIndex < versionNeeds.info; needIndex++) {
    ensure(needOffset + VERNEED_SIZE <= versionNeeds.offset + versionNeeds.size, "Verneed bounds");
    ensure(buffer.readUInt16LE(needOffset) === 1, "Verneed version");
    const auxiliaryCount = buffer.readUInt16LE(needOffset + 2);
    const fileName = dynamicString(buffer.readUInt32LE(needOffset + 4));
    let auxiliaryOffset = needOffset + buffer.readUInt32LE(needOffset + 8);
    for (let auxiliaryIndex = 0; auxiliaryIndex < auxiliaryCount; auxiliaryIndex++) {
      ensure(auxiliaryOffset + VERNAUX_SIZE <= versionNeeds.offset + versionNeeds.size, "Vernaux bounds");
      if (fileName === LIBC_SONAME) {
        const name = dynamicString(buffer.readUInt32LE(auxiliaryOffset + 8));
        libcVersions.set(name, {
          flagsOffset: auxiliaryOffset + 4,
          flags: buffer.readUInt16LE(auxiliaryOffset + 4),
          index: buffer.readUInt16LE(auxiliaryOffset + 6),
        });
      }
      auxiliaryOffset += buffer.readUInt32LE(auxiliaryOffset + 12);
    }
    needOffset += buffer.readUInt32LE(needOffset + 12);
  }
  const baseline = libcVersions.get(BASELINE_VERSION);
  ensure(baseline !== undefined, `${LIBC_SONAME} has no ${BASELINE_VERSION}`);
  const c23Version = libcVersions.get(WEAK_VERSIONS[0]);
  for (const versionName of WEAK_VERSIONS) {
    const version = libcVersions.get(versionName);
    ensure(version !== undefined, `${LIBC_SONAME} has no ${versionName}`);
    write16(version.flagsOffset, version.flags | VER_FLG_WEAK, `${versionName} vna_flags: weak`);
  }

  // (b) Redirect each __isoc23_* import to the classic function: its name is the tail of the same .dynstr string.
  for (const symbolName of REDIRECTED_SYMBOLS) {
    const plainName = symbolName.slice(C23_PREFIX.length);
    let found = 0;
    for (let symbolIndex = 1; symbolIndex < symbolCount; symbolIndex++) {
      const symbolOffset = dynamicSymbols.offset + symbolIndex * SYMBOL_SIZE;
      const nameOffset = buffer.readUInt32LE(symbolOffset);
      const versionOffset = versionSymbols.offset + symbolIndex * 2;
      const versionIndex = buffer.readUInt16LE(versionOffset) & VERSYM_INDEX_MASK;
      const name = dynamicString(nameOffset);
      // An already redirected entry reads "sscanf" but sits right after "__isoc23_" in .dynstr.
      const alreadyRedirected =
        name === plainName && nameOffset >= C23_PREFIX.length && dynamicString(nameOffset - C23_PREFIX.length) === symbolName && versionIndex === baseline.index;
      if (name !== symbolName && !alreadyRedirected) continue;
      ensure(buffer.readUInt16LE(symbolOffset + 6) === 0, `${symbolName} is not an undefined (imported) symbol`);
      ensure(alreadyRedirected || versionIndex === c23Version.index, `${symbolName} is not at ${WEAK_VERSIONS[0]}`);
      found++;
      write32(symbolOffset, nameOffset + (alreadyRedirected ? 0 : C23_PREFIX.length), `.dynsym[${symbolIndex}] st_name: ${symbolName} -> ${plainName}`);
      write16(versionOffset, baseline.index, `.gnu.version[${symbolIndex}]: ${WEAK_VERSIONS[0]} -> ${BASELINE_VERSION}`);
    }
    ensure(found === 1, `expected one ${symbolName} import, found ${found}`);
  }

  return { patchedBuffer: patched, changes };
}

/** Writes a file next to its destination and renames it into place, so readers never see a partial file. */
function writeAtomically(destination, contents, mode) {
  const temporary = `${destination}.tmp-${process.pid}`;
  try {
    writeFileSync(temporary, contents);
    chmodSync(temporary, mode);
    renameSync(temporary, destination);
  } finally {
    rmSync(temporary, { force: true });
  }
}

/**
 * Patches the installed binding if this machine needs it. Never throws: returns a status
 * ("not-needed" | "patched" | "already-patched" | "skipped") and reports through `log`.
 */
export function runPatch({
  bindingDirectory = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "node_modules", BINDING_PACKAGE),
  glibcVersion = process.report.getReport().header.glibcVersionRuntime,
  platform = process.platform,
  architecture = process.arch,
  log = console.log,
} = {}) {
  if (platform !== "linux" || architecture !== "x64" || !needsPatch(glibcVersion)) {
    log(`${LOG_PREFIX}chromadb binding: no glibc patch needed (${platform}-${architecture}, glibc ${glibcVersion ?? "none"}).`);
    return "not-needed";
  }
  const bindingPath = path.join(bindingDirectory, BINDING_FILE);
  const skip = (reason) => {
    log(
      `${LOG_PREFIX}WARNING: the embedded Chroma server needs glibc >= 2.38 (this system has ${glibcVersion}) and was not patched: ${reason}. ` +
        "Set CHROMA_URL to an external Chroma server (e.g. http://localhost:8000).",
    );
    return "skipped";
  };
  try {
    if (!existsSync(bindingPath)) return skip(`${bindingPath} is missing`);
    const packageVersion = JSON.parse(readFileSync(path.join(bindingDirectory, "package.json"), "utf8")).version;
    if (packageVersion !== BINDING_VERSION) return skip(`${BINDING_PACKAGE} is ${packageVersion}, the patch is only for ${BINDING_VERSION}`);

    const original = readFileSync(bindingPath);
    const originalHash = sha256(original);
    if (originalHash === PATCHED_SHA256) {
      log(`${LOG_PREFIX}chromadb binding already patched for glibc ${glibcVersion}; nothing to do.`);
      return "already-patched";
    }
    if (originalHash !== ORIGINAL_SHA256) return skip(`${BINDING_FILE} has an unknown SHA-256 ${originalHash}`);

    const { patchedBuffer, changes } = patchElfBuffer(original);
    const patchedHash = sha256(patchedBuffer);
    if (patchedHash !== PATCHED_SHA256) return skip(`patched result has an unexpected SHA-256 ${patchedHash}`);

    // Keep the pristine binary for diagnosis or manual rollback; it is the input the hashes above describe.
    const mode = statSync(bindingPath).mode & 0o777;
    const originalCopyPath = `${bindingPath}.orig`;
    if (!existsSync(originalCopyPath) || sha256(readFileSync(originalCopyPath)) !== ORIGINAL_SHA256) {
      writeAtomically(originalCopyPath, original, mode);
    }
    writeAtomically(bindingPath, patchedBuffer, mode);
    log(
      `${LOG_PREFIX}patched chromadb binding for glibc ${glibcVersion} (${changes.length} fields: GLIBC_2.38/2.39 needs weak, ` +
        `__isoc23_sscanf/strtol -> sscanf/strtol@GLIBC_2.2.5); original kept at ${path.basename(originalCopyPath)}.`,
    );
    return "patched";
  } catch (error) {
    return skip(error instanceof Error ? error.message : String(error));
  }
}

/** Parses `--binding-dir DIR` (or `--binding-dir=DIR`) from the command line. */
function parseArguments(argumentList) {
  const options = {};
  for (let index = 0; index < argumentList.length; index++) {
    const argument = argumentList[index];
    if (argument === "--binding-dir" && index + 1 < argumentList.length) {
      options.bindingDirectory = path.resolve(argumentList[++index]);
    } else if (argument.startsWith("--binding-dir=")) {
      options.bindingDirectory = path.resolve(argument.slice("--binding-dir=".length));
    }
  }
  return options;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  runPatch(parseArguments(process.argv.slice(2)));
  process.exitCode = 0; // a postinstall hook must never fail the install
}
