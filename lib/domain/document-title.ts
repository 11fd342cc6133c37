/** A readable title from a file name: "Northwind_Standard_Benefits.pdf" → "Northwind Standard Benefits". */
export function titleFromFileName(fileName: string): string {
  const withoutExtension = fileName.replace(/\.[^.]+$/, "");
  const spaced = withoutExtension.replace(/[_]+/g, " ").replace(/\s+/g, " ").trim();
  return spaced.length > 0 ? spaced : fileName;
}

/** The context line prepended to every embedded and keyword-indexed window of a chunk. */
export function embeddingPrefix(options: { title: string; section: string | null }): string {
  return options.section ? `${options.title} — ${options.section}` : options.title;
}

/**
 * A metadata title that names nothing a reader or a question would use: an accession number, a
 * date, a file id ("0000320193-23-000077", "04.01.2023 10Q Document" is fine, "Microsoft Word -
 * doc1" is not worth keeping either way). Fewer than two words of three or more letters.
 */
export function isIdentifierLikeTitle(title: string): boolean {
  return (title.match(/\p{L}{3,}/gu) ?? []).length < 2;
}

/**
 * The title a document is shown and indexed under: its metadata title when that is made of
 * words, else the title read from its file name. When both carry words, the file name's words
 * that the metadata title lacks are appended in parentheses ("10-Q … Intel Corporation (2022 Q3
 * INTC)"), because people name files after what they ask about.
 */
export function chooseDocumentTitle(options: { metadataTitle: string | undefined | null; fileName: string }): string {
  const fromFileName = titleFromFileName(options.fileName);
  const metadata = options.metadataTitle?.replace(/\s+/g, " ").trim() ?? "";
  if (metadata.length === 0 || isIdentifierLikeTitle(metadata)) return fromFileName;
  const metadataWords = new Set(metadata.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
  const missing = (fromFileName.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).some((word) => !metadataWords.has(word));
  return missing ? `${metadata} (${fromFileName})` : metadata;
}
