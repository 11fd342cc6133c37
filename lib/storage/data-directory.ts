import fs from "node:fs";

/**
 * Creates DATA_DIR (and any missing parent) readable by this user only: it holds every uploaded
 * document, the conversations and the session table, which other local users must not read. An
 * existing directory is left as the operator made it.
 */
export function ensureDataDirectory(dataDirectory: string): void {
  fs.mkdirSync(dataDirectory, { recursive: true, mode: 0o700 });
}
