import "server-only";
import { createOpenAI } from "@ai-sdk/openai";
import type { LanguageModel } from "ai";
import type { AppConfig } from "@/lib/config";

/** Counts HTTP attempts per call so retries can be logged (the AI SDK retries internally). */
export interface AttemptCounter {
  attempts: number;
}

/** The configured chat model (OpenAI or an OpenAI-compatible server), or undefined in extractive mode. */
export function createChatModel(config: AppConfig, counter?: AttemptCounter): LanguageModel | undefined {
  if (config.chat.mode === "extractive" || !config.chat.model) return undefined;
  const provider = createOpenAI({
    // Local servers (Ollama, llama.cpp) ignore the key but the client requires one.
    apiKey: config.openai.apiKey ?? "not-needed",
    baseURL: config.openai.baseUrl,
    fetch: async (input, init) => {
      if (counter) counter.attempts += 1;
      return fetch(input, init);
    },
  });
  // Chat Completions is what every OpenAI-compatible server implements.
  return provider.chat(config.chat.model);
}
