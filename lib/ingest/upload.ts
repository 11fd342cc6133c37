import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import busboy from "busboy";
import { toDocumentView, type DocumentView } from "@/lib/domain/document-view";
import { AppError, isAppError, toErrorBody, type ErrorCode } from "@/lib/errors";
import { inspectPdfWithBudget } from "@/lib/ingest/parse-in-worker";
import { sanitizeFileName, validateUploadedFile } from "@/lib/ingest/validation";
import { logger } from "@/lib/logger";
import { uploadableBytes } from "@/lib/storage/disk-space";
import { writeStreamToFile } from "@/lib/storage/write-stream-to-file";
import { mediaTypeOf } from "@/lib/http/request-origin";
import type { Semaphore } from "@/lib/async/semaphore";
import type { AppConfig } from "@/lib/config";
import type { Embedder } from "@/lib/embeddings/types";
import type { IndexingQueue } from "@/lib/ingest/indexing-queue";
import type { FileStore } from "@/lib/storage/file-store";
import type { DocumentRepository } from "@/lib/storage/registry-types";

/**
 * Receives a multipart upload without ever buffering it whole: each file streams to a temporary
 * file while being hashed and counted, so the size limit is enforced as bytes arrive. Only a
 * file that passed every check is moved into the content-addressed store, registered and queued;
 * a refused file leaves nothing behind.
 */

/** What receiving and accepting uploads use (lib/server/app-services.ts wires it). */
export interface UploadDependencies {
  config: Pick<AppConfig, "upload" | "indexing" | "dataDirectory">;
  registry: Pick<DocumentRepository, "findDocumentBySha256" | "createDocument" | "getDocument">;
  fileStore: Pick<FileStore, "importFile">;
  queue: Pick<IndexingQueue, "enqueue">;
  /** The configured model, for the document views returned. */
  embedder: Pick<Embedder, "modelId">;
  /** Upload requests received at once; the rest wait their turn. */
  uploadSlots: Pick<Semaphore, "acquire">;
  /** Where files stream to before they are checked (on the file store's file system). */
  temporaryDirectory: string;
}

export type UploadItemResult =
  | { name: string; status: "accepted"; document: DocumentView }
  | { name: string; status: "duplicate"; document: DocumentView; error: { code: ErrorCode; message: string } }
  | { name: string; status: "rejected"; error: { code: ErrorCode; message: string } };

interface ReceivedFile {
  rawName: string;
  temporaryPath: string;
  size: number;
  sha256: string;
  error?: AppError;
}

// Longest an upload waits for its PDF check (opening a document and reading its metadata).
const INSPECTION_TIMEOUT_MS = 60_000;

// Multipart framing and field overhead allowed on top of the file bytes.
const REQUEST_OVERHEAD_BYTES = 1024 * 1024;

async function receiveFiles(options: { request: Request; services: UploadDependencies }): Promise<ReceivedFile[]> {
  const { request, services } = options;
  const { maxBytes, maxFiles } = services.config.upload;
  const contentType = request.headers.get("content-type") ?? "";
  if (mediaTypeOf(contentType) !== "multipart/form-data") {
    throw new AppError("request.not_multipart", 'Upload files as multipart/form-data (field name "file" or "files").');
  }
  const announced = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(announced) && announced > maxBytes * maxFiles + REQUEST_OVERHEAD_BYTES) {
    // Refused from the headers alone, before a byte of the body is read.
    throw new AppError("upload.too_large", `The upload is larger than allowed (${formatMegabytes(maxBytes)} per file, ${maxFiles} files).`);
  }
  if (!request.body) throw new AppError("upload.no_files", "The request has no body.");
  // Admitted only with room on the disk for what it announces; a body without a length is held to
  // the room there is as it streams.
  const diskBytes = await uploadableBytes({
    dataDirectory: services.config.dataDirectory,
    reserveBytes: services.config.upload.minFreeDiskBytes,
    needed: Number.isFinite(announced) ? announced : 0,
  });

  const received: ReceivedFile[] = [];
  const writes: Promise<void>[] = [];
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { "content-type": contentType },
      defParamCharset: "utf8",
      // busboy reports reaching fileSize, not passing it: one byte more tells a file of exactly the limit from a larger one.
      limits: { fileSize: maxBytes + 1, files: maxFiles, fields: 20, fieldSize: 64 * 1024, parts: maxFiles + 20 },
    });
  } catch (error) {
    throw new AppError("request.malformed_multipart", "The multipart body is malformed (missing boundary).", { cause: error });
  }

  // A limit is enforced the moment it is crossed: the request stops being read and is refused
  // whole, so a client cannot make the server read (and discard) gigabytes after a refusal. The
  // byte count also bounds bodies without a Content-Length (chunked transfer).
  const source = Readable.fromWeb(request.body as WebReadableStream<Uint8Array>);
  const refuse = (error: AppError) => {
    if (!source.destroyed) source.destroy(error);
  };
  const maxRequestBytes = maxBytes * maxFiles + REQUEST_OVERHEAD_BYTES;
  let requestBytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      requestBytes += chunk.length;
      if (requestBytes > maxRequestBytes) {
        callback(new AppError("upload.too_large", `The upload is larger than allowed (${formatMegabytes(maxBytes)} per file, ${maxFiles} files).`));
        return;
      }
      // A body without a Content-Length can outgrow the disk space it was admitted with.
      if (requestBytes > diskBytes) {
        callback(new AppError("upload.disk_full", "The server's disk is nearly full; delete documents or free space before uploading more."));
        return;
      }
      callback(null, chunk);
    },
  });

  parser.on("file", (_fieldName, stream, info) => {
    const temporaryPath = path.join(services.temporaryDirectory, `${randomUUID()}.upload`);
    // An empty name (e.g. "../" once busboy dropped the path) is refused later as upload.invalid_name.
    const item: ReceivedFile = { rawName: info.filename ?? "", temporaryPath, size: 0, sha256: "" };
    received.push(item);
    const hash = createHash("sha256");
    stream.on("data", (chunk: Buffer) => {
      item.size += chunk.length;
      hash.update(chunk);
    });
    stream.on("limit", () => {
      item.error = new AppError("upload.too_large", `"${sanitizeSafe(item.rawName)}" is larger than the ${formatMegabytes(maxBytes)} limit.`, { details: { maxBytes } });
      refuse(item.error);
    });
    writes.push(
      writeStreamToFile({ source: stream, filePath: temporaryPath }).then(() => {
        item.sha256 = hash.digest("hex");
      }),
    );
  });
  let tooManyFiles = false;
  parser.on("filesLimit", () => {
    tooManyFiles = true;
    refuse(new AppError("upload.too_many_files", `At most ${maxFiles} files can be uploaded in one request.`));
  });

  try {
    await pipeline(source, counter, parser);
    await Promise.all(writes);
  } catch (error) {
    await Promise.allSettled(writes);
    await removeTemporaryFiles(received);
    if (isAppError(error)) throw error;
    throw new AppError("request.malformed_multipart", "The multipart body is malformed or was cut off.", { cause: error });
  }
  // The body may have been read to its end before a limit was noticed: refuse all the same.
  const refusal = tooManyFiles ? new AppError("upload.too_many_files", `At most ${maxFiles} files can be uploaded in one request.`) : received.find((file) => file.error)?.error;
  if (refusal) {
    await removeTemporaryFiles(received);
    throw refusal;
  }
  if (received.length === 0) throw new AppError("upload.no_files", 'The request contains no file (use the field name "file").');
  return received;
}

function formatMegabytes(bytes: number): string {
  const megabytes = bytes / 1024 / 1024;
  return `${megabytes >= 1 ? Math.round(megabytes * 10) / 10 : Number(megabytes.toPrecision(2))} MB`;
}

function sanitizeSafe(rawName: string): string {
  try {
    return sanitizeFileName(rawName);
  } catch {
    return "file";
  }
}

async function removeTemporaryFiles(files: ReceivedFile[]): Promise<void> {
  await Promise.all(files.map((file) => fs.rm(file.temporaryPath, { force: true })));
}

function rejected(name: string, error: unknown): UploadItemResult {
  const { body } = toErrorBody(error);
  if (!isAppError(error)) logger.error("upload.unexpected_error", { name, error });
  else logger.info("upload.rejected", { name, code: error.code, cause: error.cause instanceof Error ? error.cause.message : undefined });
  return { name, status: "rejected", error: { code: body.error.code, message: body.error.message } };
}

async function acceptFile(options: { file: ReceivedFile; services: UploadDependencies }): Promise<UploadItemResult> {
  const { file, services } = options;
  const { registry, fileStore, config } = services;
  const displayName = sanitizeSafe(file.rawName);
  try {
    if (file.error) throw file.error;
    const validated = await validateUploadedFile({
      name: file.rawName,
      filePath: file.temporaryPath,
      size: file.size,
      limits: {
        maxBytes: config.upload.maxBytes,
        docxMaxUncompressedBytes: config.upload.docxMaxUncompressedBytes,
        docxMaxEntries: config.upload.docxMaxEntries,
      },
    });
    const existing = registry.findDocumentBySha256(file.sha256);
    if (existing) return duplicateOf(validated.name, existing.id, services);
    if (validated.kind === "pdf") {
      // Encrypted PDFs and PDF bombs are refused at the door, not accepted and failed later. The
      // check runs in a parse process under the parse budget: pdf.js decodes the metadata, which
      // a bomb inflates without end (lib/ingest/parse-in-worker.ts).
      await inspectPdfWithBudget({
        bytes: new Uint8Array(await fs.readFile(file.temporaryPath)),
        budget: { timeoutMs: Math.min(config.indexing.parseTimeoutMs, INSPECTION_TIMEOUT_MS), maxMemoryMb: config.indexing.parseMaxMemoryMb },
      });
    }
    await fileStore.importFile({ temporaryPath: file.temporaryPath, sha256: file.sha256 });
    const id = randomUUID();
    try {
      registry.createDocument({ id, name: validated.name, kind: validated.kind, sizeBytes: file.size, sha256: file.sha256 });
    } catch (error) {
      // Two identical uploads raced: the unique hash lets exactly one through.
      const winner = registry.findDocumentBySha256(file.sha256);
      if (winner) return duplicateOf(validated.name, winner.id, services);
      throw error;
    }
    services.queue.enqueue(id);
    const document = registry.getDocument(id);
    if (!document) throw new Error("Document vanished right after creation");
    logger.info("upload.accepted", { documentId: id, name: validated.name, kind: validated.kind, sizeBytes: file.size });
    return { name: validated.name, status: "accepted", document: toDocumentView(document, services.embedder.modelId) };
  } catch (error) {
    return rejected(displayName, error);
  } finally {
    await fs.rm(file.temporaryPath, { force: true });
  }
}

function duplicateOf(name: string, existingId: string, services: UploadDependencies): UploadItemResult {
  const existing = services.registry.getDocument(existingId);
  if (!existing) throw new Error("Duplicate target vanished");
  return {
    name,
    status: "duplicate",
    document: toDocumentView(existing, services.embedder.modelId),
    error: { code: "upload.duplicate", message: `"${name}" is a duplicate of "${existing.name}", which is already in the library.` },
  };
}

/** Handles one upload request end to end and returns a result per file, in order. */
export async function handleUpload(options: { request: Request; services: UploadDependencies }): Promise<UploadItemResult[]> {
  const { services } = options;
  // A bounded number of uploads is received at once (each with its disk check); the rest wait.
  const release = await services.uploadSlots.acquire();
  try {
    const files = await receiveFiles(options);
    const results: UploadItemResult[] = [];
    // Sequential on purpose: duplicates inside one request are then detected against each other.
    for (const file of files) results.push(await acceptFile({ file, services }));
    return results;
  } finally {
    release();
  }
}

/** Ingests one file from the local disk (the `npm run ingest` command) through the same checks as an upload. */
export async function ingestLocalFile(options: { filePath: string; services: UploadDependencies }): Promise<UploadItemResult> {
  const { filePath, services } = options;
  const temporaryPath = path.join(services.temporaryDirectory, `${randomUUID()}.upload`);
  const hash = createHash("sha256");
  let size = 0;
  const name = path.basename(filePath);
  const source = createReadStream(filePath);
  source.on("data", (chunk) => {
    const bytes = chunk as Buffer;
    size += bytes.length;
    hash.update(bytes);
  });
  try {
    await writeStreamToFile({ source, filePath: temporaryPath });
  } catch (error) {
    await fs.rm(temporaryPath, { force: true });
    return rejected(name, error);
  }
  const file: ReceivedFile = { rawName: name, temporaryPath, size, sha256: hash.digest("hex") };
  if (size > services.config.upload.maxBytes) {
    file.error = new AppError("upload.too_large", `"${name}" is larger than the ${formatMegabytes(services.config.upload.maxBytes)} limit.`);
  }
  return acceptFile({ file, services });
}
