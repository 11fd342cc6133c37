import yauzl, { type Entry, type ZipFile } from "yauzl";

/**
 * The few ZIP operations the upload check needs, over yauzl with lazy entries: open an archive
 * (sizes validated while inflating), walk its central directory one entry at a time, inflate a
 * part into nothing, and read a small part whole. What an entry means is the caller's business
 * (docx-package.ts).
 */

export type { Entry, ZipFile };

/** The signature of a ZIP local file header, the first bytes of every non-empty archive. */
export const ZIP_LOCAL_FILE_HEADER = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
/** The signature of an end-of-central-directory record, the first bytes of an empty archive. */
export const ZIP_EMPTY_ARCHIVE = Buffer.from([0x50, 0x4b, 0x05, 0x06]);

/**
 * Opens an archive. yauzl emits late errors (e.g. closing the file) on the ZipFile; without a
 * listener they would crash the process, so they are ignored here.
 */
export async function openZip(filePath: string): Promise<ZipFile> {
  const zipFile = await new Promise<ZipFile>((resolve, reject) => {
    yauzl.open(filePath, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false }, (error, opened) => (error ? reject(error) : resolve(opened)));
  });
  zipFile.on("error", () => undefined);
  return zipFile;
}

/** The next central-directory entry, or undefined after the last one. */
export function readNextEntry(zipFile: ZipFile): Promise<Entry | undefined> {
  return new Promise((resolve, reject) => {
    const onEntry = (entry: Entry): void => {
      removeListeners();
      resolve(entry);
    };
    const onEnd = (): void => {
      removeListeners();
      resolve(undefined);
    };
    const onError = (error: Error): void => {
      removeListeners();
      reject(error);
    };
    function removeListeners(): void {
      zipFile.off("entry", onEntry);
      zipFile.off("end", onEnd);
      zipFile.off("error", onError);
    }
    zipFile.on("entry", onEntry);
    zipFile.on("end", onEnd);
    zipFile.on("error", onError);
    zipFile.readEntry();
  });
}

/** True for the error yauzl's `validateEntrySizes` stops a part with when it inflates beyond its declared size. */
export function isBeyondDeclaredSize(error: Error): boolean {
  return /too many bytes/i.test(error.message);
}

/**
 * Inflates a part into nothing (an encrypted one is skipped: it cannot be inflated). Rejects with
 * yauzl's error, at the first byte beyond the declared size for a part that lies about it.
 */
export function inflateToNothing(options: { zipFile: ZipFile; entry: Entry }): Promise<void> {
  const { zipFile, entry } = options;
  if (entry.isEncrypted()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    zipFile.openReadStream(entry, (error, stream) => {
      if (error) {
        reject(error);
        return;
      }
      stream.on("data", () => undefined);
      stream.on("error", reject);
      stream.on("end", () => resolve());
    });
  });
}

/** Inflates a small part as UTF-8 text; undefined when it is encrypted or declares more than `maxBytes`. */
export function readSmallEntry(options: { zipFile: ZipFile; entry: Entry; maxBytes: number }): Promise<string | undefined> {
  const { zipFile, entry, maxBytes } = options;
  if (entry.uncompressedSize > maxBytes || entry.isEncrypted()) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    zipFile.openReadStream(entry, (error, stream) => {
      if (error) {
        reject(error);
        return;
      }
      const chunks: Buffer[] = [];
      let byteCount = 0;
      stream.on("data", (chunk: Buffer) => {
        byteCount += chunk.length;
        // yauzl already fails on more bytes than declared; this bounds memory even if that changes.
        if (byteCount > maxBytes) {
          stream.destroy(new Error(`${entry.fileName} inflates beyond ${maxBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      stream.on("error", reject);
      stream.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    });
  });
}
