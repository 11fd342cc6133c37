/** Counters since the process started, for pipeline efficiency (model busy time ÷ wall time). */
export interface EmbeddingStatistics {
  /** Time the model spent on runs (local) or requests were in flight (OpenAI), in milliseconds. */
  busyMilliseconds: number;
  /** Texts embedded, by what asked for them. */
  inputs: { query: number; sentence: number; document: number };
  /** Word-pieces the local model ran on (special tokens included); 0 for OpenAI, which does not say. */
  wordPieces: number;
}

/** What the pipeline needs from an embedding model, whichever provider serves it. */
export interface Embedder {
  /** Stable model identifier, recorded with every vector and in the collection name. */
  readonly modelId: string;
  readonly dimensions: number;
  readonly provider: "local" | "openai";
  /**
   * Splits one chunk into the inputs to embed so that nothing is truncated by the model:
   * several overlapping windows for short-context models, one input otherwise. `prefix`
   * (document title and section) is prepended to every window.
   */
  windowsFor(options: { text: string; prefix: string }): Promise<string[]>;
  /** Embeds passages (already windowed), in batches; vectors are L2-normalised. */
  embedDocuments(texts: string[], signal?: AbortSignal): Promise<number[][]>;
  /** Embeds short texts a reader is waiting for (answer sentences): ahead of indexing, after search queries. */
  embedSentences(texts: string[], signal?: AbortSignal): Promise<number[][]>;
  embedQuery(text: string): Promise<number[]>;
  /** Busy time and inputs so far (reported by `/api/health` to authenticated callers). */
  statistics(): EmbeddingStatistics;
}
