import fs from "node:fs";
import path from "node:path";

/**
 * Creates the folder for uploads in flight (DATA_DIR/tmp, on the file store's file system, so
 * moving a checked file into the store is a rename) and empties it: what a crash left there
 * belongs to no document and is never referenced again. Called once at start-up.
 */
export function prepareTemporaryDirectory(dataDirectory: string): string {
  const temporaryDirectory = path.join(dataDirectory, "tmp");
  fs.mkdirSync(temporaryDirectory, { recursive: true });
  for (const entry of fs.readdirSync(temporaryDirectory)) fs.rmSync(path.join(temporaryDirectory, entry), { force: true, recursive: true });
  return temporaryDirectory;
}
