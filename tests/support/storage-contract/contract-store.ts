import type { ChunkRecord, NewDocument, NewPassage } from "@/lib/storage/registry-types";

/**
 * What the storage contract suites (document-repository-contract.ts, keyword-index-contract.ts)
 * need of an implementation: a handle on a new, empty store, and a second handle on the same
 * store as another process opens it (`npm run ingest` beside the server, or a second app
 * instance). Times come from the process clock (`Date`), which some tests fake.
 */
export interface ContractStore<Store> {
  store: Store;
  openAnother(): Store & { close(): void };
  /** Closes every handle the suite did not close and removes the store. */
  dispose(): Promise<void>;
}

export type OpenContractStore<Store> = () => Promise<ContractStore<Store>>;

export function newDocument(index: number, overrides: Partial<NewDocument> = {}): NewDocument {
  return { id: `doc-${index}`, name: `Document ${index}.pdf`, kind: "pdf", sizeBytes: 1000 + index, sha256: index.toString(16).padStart(64, "0"), ...overrides };
}

/** A chunk of `documentId` on page chunkIndex + 1 (or without pages when `pageless`). */
export function chunkOf(documentId: string, chunkIndex: number, text: string, overrides: Partial<ChunkRecord> = {}): ChunkRecord {
  return {
    id: `${documentId}:${chunkIndex}`,
    documentId,
    chunkIndex,
    text,
    pageStart: chunkIndex + 1,
    pageEnd: chunkIndex + 1,
    section: null,
    pageSpans: [{ page: chunkIndex + 1, start: 0, end: text.length }],
    tokenCount: 10 + chunkIndex,
    embeddingModel: "m",
    createdAt: "2025-01-01T00:00:00.000Z",
    ...overrides,
  };
}

export function passageOf(chunk: ChunkRecord, passageIndex: number, range: { start: number; end: number }, context = "Handbook"): NewPassage {
  return { chunkId: chunk.id, documentId: chunk.documentId, passageIndex, start: range.start, end: range.end, page: chunk.pageStart, context };
}

/** `completeIndexing` options for `chunks` with the defaults the suites do not vary. */
export function indexed(id: string, chunks: ChunkRecord[], options: { passages?: NewPassage[]; title?: string | null; pageCount?: number | null } = {}) {
  return {
    id,
    chunks,
    passages: options.passages,
    embeddingModel: "m",
    pageCount: options.pageCount === undefined ? chunks.length : options.pageCount,
    title: options.title ?? null,
  };
}
