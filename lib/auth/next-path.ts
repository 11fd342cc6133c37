/**
 * Where to go after signing in. Only a path on this site is accepted: anything that could
 * leave it (`//host`, `/\host`, `https://…`, control characters) falls back to the home page,
 * so the sign-in page can never be used as an open redirect.
 */

const PLACEHOLDER_ORIGIN = "http://cited.invalid";

/** A same-origin relative path (with query and hash) from an untrusted `next` value, or "/". */
export function safeNextPath(value: string | null | undefined): string {
  if (!value || value.length > 2048) return "/";
  if (!value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return "/";
  // Browsers drop tabs and newlines and treat backslashes as slashes: refuse them outright.
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return "/";
  let url: URL;
  try {
    url = new URL(value, PLACEHOLDER_ORIGIN);
  } catch {
    return "/";
  }
  if (url.origin !== PLACEHOLDER_ORIGIN) return "/";
  const path = `${url.pathname}${url.search}${url.hash}`;
  // Going "back" to the sign-in page after signing in would loop.
  if (url.pathname === "/sign-in" || url.pathname.startsWith("/sign-in/")) return "/";
  return path;
}
