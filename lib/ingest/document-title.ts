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
