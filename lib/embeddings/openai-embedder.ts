import { createOpenAI } from "@ai-sdk/openai";
import { embed, embedMany } from "ai";
import { AppError } from "@/lib/errors";
import type { Embedder } from "@/lib/embeddings/types";

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

  const embedDocuments = async (texts: string[], signal?: AbortSignal): Promise<number[][]> => {
    const vectors: number[][] = [];
    for (let start = 0; start < texts.length; start += options.batchSize) {
      const result = await embedMany({
        model,
        values: texts.slice(start, start + options.batchSize),
        maxRetries: MAX_RETRIES,
        abortSignal: signal,
      }).catch(wrapError);
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
    embedDocuments,
    // Every request goes straight to the API: there is no local queue to jump.
    embedSentences: embedDocuments,
    async embedQuery(text) {
      const result = await embed({ model, value: text, maxRetries: MAX_RETRIES }).catch(wrapError);
      return result.embedding;
    },
  };
}
