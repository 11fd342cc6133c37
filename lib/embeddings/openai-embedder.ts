import { createOpenAI } from "@ai-sdk/openai";
import { embed, embedMany } from "ai";
import { AppError } from "@/lib/errors";
import type { Embedder, EmbeddingStatistics } from "@/lib/embeddings/types";

const DIMENSIONS: Record<string, number> = {
  "text-embedding-3-small": 1536,
  "text-embedding-3-large": 3072,
};
// OpenAI's embedding models read 8191 tokens, far more than a chunk: one vector per chunk.
const MAX_RETRIES = 5;

/** OpenAI (or an OpenAI-compatible server) embeddings through the AI SDK, with retries and backoff. */
export function createOpenAiEmbedder(options: { apiKey: string; baseUrl?: string; model: string; batchSize: number }): Embedder {
  const dimensions = DIMENSIONS[options.model];
  if (dimensions === undefined) throw new AppError("embedding.unavailable", `Unknown OpenAI embedding model ${options.model}.`);
  const provider = createOpenAI({ apiKey: options.apiKey, baseURL: options.baseUrl });
  const model = provider.embedding(options.model);

  const wrapError = (error: unknown): never => {
    throw new AppError("embedding.failed", "The embedding service failed; indexing can be retried later.", { cause: error });
  };

  const statistics: EmbeddingStatistics = { busyMilliseconds: 0, inputs: { query: 0, sentence: 0, document: 0 }, wordPieces: 0 };
  // Requests may overlap, so this is the time requests were in flight, summed.
  const timed = async <T>(work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      statistics.busyMilliseconds += performance.now() - started;
    }
  };

  const embedBatches = async (request: { texts: string[]; signal: AbortSignal | undefined; priority: "sentence" | "document" }): Promise<number[][]> => {
    const vectors: number[][] = [];
    for (let start = 0; start < request.texts.length; start += options.batchSize) {
      const values = request.texts.slice(start, start + options.batchSize);
      statistics.inputs[request.priority] += values.length;
      const result = await timed(() => embedMany({ model, values, maxRetries: MAX_RETRIES, abortSignal: request.signal })).catch(wrapError);
      vectors.push(...result.embeddings);
    }
    return vectors;
  };

  return {
    modelId: options.model,
    dimensions,
    provider: "openai",
    windowsFor({ text, prefix }) {
      return Promise.resolve([prefix ? `${prefix}\n${text}` : text]);
    },
    embedDocuments: (texts, signal) => embedBatches({ texts, signal, priority: "document" }),
    // Every request goes straight to the API: there is no local queue to jump.
    embedSentences: (texts, signal) => embedBatches({ texts, signal, priority: "sentence" }),
    async embedQuery(text) {
      statistics.inputs.query += 1;
      const result = await timed(() => embed({ model, value: text, maxRetries: MAX_RETRIES })).catch(wrapError);
      return result.embedding;
    },
    statistics: () => ({ ...statistics, inputs: { ...statistics.inputs } }),
  };
}
