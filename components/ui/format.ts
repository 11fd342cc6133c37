/** Display formatting shared by the library, the chat and the document viewer. */

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The document viewer at a passage: its page (when known) and its chunk highlighted. */
export function documentHref(location: { documentId: string; chunkId: string; page: number | null }): string {
  const parameters = new URLSearchParams();
  if (location.page !== null) parameters.set("page", String(location.page));
  parameters.set("chunk", location.chunkId);
  return `/documents/${encodeURIComponent(location.documentId)}?${parameters.toString()}`;
}

/** "1 chunk", "3 chunks". */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** A document title worth showing under its file name (not just the name without extension). */
export function distinctTitle(name: string, title: string | null): string | null {
  if (!title) return null;
  const bare = name.replace(/\.[^.]+$/, "").toLowerCase();
  const normalized = title.trim().toLowerCase();
  return normalized === name.toLowerCase() || normalized === bare ? null : title;
}

/** The document kind a file name suggests (for icons before the server has looked at the bytes). */
export function kindFromName(name: string): string {
  const extension = name.toLowerCase().split(".").pop() ?? "";
  if (extension === "pdf") return "pdf";
  if (extension === "docx") return "docx";
  if (extension === "md" || extension === "markdown") return "markdown";
  if (extension === "txt" || extension === "text") return "text";
  return "other";
}

export function kindLabel(kind: string): string {
  switch (kind) {
    case "pdf":
      return "PDF";
    case "docx":
      return "Word";
    case "markdown":
      return "Markdown";
    default:
      return "Text";
  }
}

/** "page 3", "pages 3–4", or the section path, for a cited passage. */
export function locationLabel(location: { page: number | null; pageStart: number | null; pageEnd: number | null; section: string | null }): string | null {
  if (location.pageStart !== null && location.pageEnd !== null && location.pageEnd !== location.pageStart) {
    return `pages ${location.pageStart}–${location.pageEnd}`;
  }
  const page = location.page ?? location.pageStart;
  if (page !== null) return `page ${page}`;
  if (location.section) return location.section;
  return null;
}

/** Reads `{ error: { message } }` from an API error body, with a fallback. */
export function apiErrorMessage(body: unknown, fallback: string): string {
  if (typeof body !== "object" || body === null || !("error" in body)) return fallback;
  const error: unknown = body.error;
  if (typeof error === "object" && error !== null && "message" in error && typeof error.message === "string") return error.message;
  return fallback;
}
