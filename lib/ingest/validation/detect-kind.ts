import { type DocumentKind } from "@/lib/contracts/documents";
import { EXTENSION_KINDS } from "./accepted-files";
import { fileExtension } from "./file-name";

/** The document kind a file name's extension stands for, or undefined when the extension is not accepted. */
export function kindFromExtension(name: string): DocumentKind | undefined {
  const extension = fileExtension(name);
  return Object.hasOwn(EXTENSION_KINDS, extension) ? EXTENSION_KINDS[extension] : undefined;
}
