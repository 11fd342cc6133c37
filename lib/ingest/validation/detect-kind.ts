import { type DocumentKind } from "@/lib/contracts/documents";
import { fileExtension } from "./file-name";

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

/** The document kind a file name's extension stands for, or undefined when the extension is not accepted. */
export function kindFromExtension(name: string): DocumentKind | undefined {
  const extension = fileExtension(name);
  return Object.hasOwn(EXTENSION_KINDS, extension) ? EXTENSION_KINDS[extension] : undefined;
}
