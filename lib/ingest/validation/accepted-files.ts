import { CONTENT_TYPES, DOCUMENT_KINDS, type DocumentKind } from "@/lib/contracts/documents";

/**
 * The files the library accepts, in one place for the server's check (detect-kind.ts,
 * validate-file.ts) and the browser's file picker (components/library). Safe for the client: no
 * Node.js imports here.
 */

/** Every accepted file extension (lower case, without the dot) and the kind it maps to. */
export const EXTENSION_KINDS: Readonly<Record<string, DocumentKind>> = Object.freeze({
  pdf: "pdf",
  docx: "docx",
  md: "markdown",
  markdown: "markdown",
  txt: "text",
  text: "text",
});

/** Accepted extensions in the order they are listed to people. */
export const ALLOWED_EXTENSIONS: readonly string[] = Object.freeze(Object.keys(EXTENSION_KINDS));

/** The accepted extensions as one human-readable list, e.g. ".pdf, .docx, .md, .markdown, .txt or .text". */
export const ALLOWED_EXTENSIONS_TEXT: string = (() => {
  const dotted = ALLOWED_EXTENSIONS.map((extension) => `.${extension}`);
  return `${dotted.slice(0, -1).join(", ")} or ${dotted.at(-1) ?? ""}`;
})();

/**
 * The `accept` attribute of a file input: every accepted extension, then each kind's media type
 * (without parameters), so a picker offers exactly what the server takes.
 */
export const FILE_INPUT_ACCEPT: string = [
  ...ALLOWED_EXTENSIONS.map((extension) => `.${extension}`),
  ...DOCUMENT_KINDS.map((kind) => CONTENT_TYPES[kind].split(";")[0]?.trim() ?? ""),
].join(",");
