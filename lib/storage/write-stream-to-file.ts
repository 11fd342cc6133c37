import { createWriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";

/**
 * Streams `source` into a new file at `filePath` and settles only once the file is closed.
 * `pipeline` alone rejects as soon as the source fails, while the file may still be opening:
 * removing it then races the open, and a file created after its removal is left behind.
 */
export async function writeStreamToFile(options: { source: NodeJS.ReadableStream; filePath: string }): Promise<void> {
  const output = createWriteStream(options.filePath);
  // `close` follows every outcome of an fs stream: finished, destroyed, or failed to open.
  const closed = new Promise<void>((resolve) => output.once("close", () => resolve()));
  try {
    await pipeline(options.source, output);
  } finally {
    await closed;
  }
}
