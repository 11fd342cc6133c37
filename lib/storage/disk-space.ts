import fs from "node:fs/promises";
import { AppError } from "@/lib/errors";

/**
 * How many bytes an upload may still write under DATA_DIR: the file system's space available to
 * this user, less the reserve kept free (MIN_FREE_DISK_MB) for the registry, the vector store and
 * the logs. An upload that would eat into the reserve is refused with `upload.disk_full` (507)
 * instead of filling the disk, which would break every other write of the app.
 */
export async function uploadableBytes(options: { dataDirectory: string; reserveBytes: number; needed: number }): Promise<number> {
  const stats = await fs.statfs(options.dataDirectory);
  const available = Number(stats.bavail) * Number(stats.bsize) - options.reserveBytes;
  if (available < options.needed) {
    throw new AppError("upload.disk_full", "The server's disk is nearly full; delete documents or free space before uploading more.");
  }
  return available;
}
