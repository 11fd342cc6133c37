/** Size limits an upload is checked against (from `AppConfig.upload`). */
export interface UploadLimits {
  maxBytes: number;
  docxMaxUncompressedBytes: number;
  docxMaxEntries: number;
}

export const MEBIBYTE = 1024 * 1024;

/** "50 MB", "1.5 MB", or enough significant digits for tiny limits. */
export function formatMegabytes(bytes: number): string {
  const megabytes = bytes / MEBIBYTE;
  const formatted = megabytes >= 1 ? megabytes.toLocaleString("en-US", { maximumFractionDigits: 1 }) : megabytes.toLocaleString("en-US", { maximumSignificantDigits: 2 });
  return `${formatted} MB`;
}
