import "server-only";
import { randomUUID } from "node:crypto";
import { APICallError, RetryError, createUIMessageStream, createUIMessageStreamResponse, streamText, type ModelMessage, type TextStreamPart, type ToolSet } from "ai";
import { CitationFilter } from "@/lib/chat/citation-filter";
import { fitContextBudget, type HistoryTurn } from "@/lib/chat/context-budget";
import { EXTRACTIVE_NOTE, NOTHING_QUOTED_TEXT, renderExtractiveLine, streamAnswerSentences } from "@/lib/chat/extractive-answerer";
import { createChatModel, type AttemptCounter } from "@/lib/chat/language-model";
import { SYSTEM_PROMPT, renderQuestionWithSources, renderSources } from "@/lib/chat/prompt";
import { CHAT_SEARCH_OPTIONS, buildSearchQuery } from "@/lib/chat/search-query";
import { CLOSEST_PASSAGES_TEXT, MAXIMUM_RELATED_PASSAGES, RELATED_PASSAGE_FLOOR, toRelatedPassages } from "@/lib/chat/related-passages";
import { toChatSources } from "@/lib/chat/sources";
import { trustedMessages } from "@/lib/chat/trusted-messages";
import { libraryWordRarity } from "@/lib/chat/word-rarity";
import type { AnswerMode, CitedUIMessage } from "@/lib/contracts/chat-message";
import { createDeadline } from "@/lib/async/deadline";
import type { AppConfig } from "@/lib/config";
import type { Embedder } from "@/lib/embeddings/types";
import { AppError, isAppError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { MAXIMUM_QUERY_CHARACTERS } from "@/lib/retrieval/search";
import { cachedSearchChunks, cachedSearchWithScope, type SearchCache } from "@/lib/retrieval/search-cache";
import { titleFromQuestion, type ConversationStore } from "@/lib/storage/conversation-store";
import type { SearchLibrary } from "@/lib/storage/registry-types";
import type { VectorStore } from "@/lib/vector-store/types";

/**
 * One chat turn: build the search query from the conversation, retrieve, send the sources,
 * then stream the answer (language model or extractive), and persist the exchange.
 */

export const NO_ANSWER_TEXT = "The documents in the library do not answer this question, so there is nothing to cite.";
const ANSWER_RESERVE_TOKENS = 1_024;
const MAXIMUM_QUESTION_CHARACTERS = 8_000;

/** What a chat turn uses (lib/server/app-services.ts wires it). */
export interface ChatDependencies {
  /** The chat and search settings, and the language model's (createChatModel). */
  config: AppConfig;
  /** Whole: the search reads it through lib/retrieval. */
  registry: SearchLibrary;
  conversations: Pick<ConversationStore, "get" | "truncateAfter" | "appendMessages">;
  embedder: Embedder;
  getVectorStore: () => Promise<VectorStore>;
  searchCache: SearchCache;
}

export interface ChatRequest {
  messages: CitedUIMessage[];
  conversationId?: string;
  documentIds?: string[];
  /** `regenerate-message` when the user retries an answer (useChat's `regenerate`). */
  trigger?: string;
}

/** The plain text of a message's text parts. */
export function messageText(message: CitedUIMessage): string {
  return message.parts
    .map((part) => (part.type === "text" ? part.text : ""))
    .join("")
    .trim();
}

function modelError(error: unknown): AppError {
  if (isAppError(error)) return error;
  const last = RetryError.isInstance(error) ? error.lastError : error;
  if (APICallError.isInstance(last) && last.statusCode === 429) {
    return new AppError("chat.rate_limited", "The language model is rate-limited right now; try again in a moment.", { cause: error });
  }
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return new AppError("chat.model_unavailable", "The language model did not answer in time; try again.", { cause: error });
  }
  return new AppError("chat.model_unavailable", "The language model failed to answer; try again in a moment.", { cause: error });
}

/**
 * streamText does not throw when its abort signal fires (timeout or client gone): it emits an
 * `abort` part and ends the stream. That is a failed answer, not a complete one.
 */
function abortError(clientSignal: AbortSignal): AppError {
  if (clientSignal.aborted) return new AppError("chat.model_unavailable", "The request was cancelled.");
  return new AppError("chat.model_unavailable", "The language model did not answer in time; try again.");
}

/** Handles a chat request and returns the streamed UI-message response (or throws an AppError). */
export async function respondToChat(options: { request: ChatRequest; services: ChatDependencies; signal: AbortSignal }): Promise<Response> {
  const { request, services } = options;
  const { config } = services;
  const started = performance.now();
  const lastMessage = request.messages[request.messages.length - 1];
  if (!lastMessage || lastMessage.role !== "user") throw new AppError("chat.invalid_request", "The last message must be the user's question.");
  const question = messageText(lastMessage);
  if (!question) throw new AppError("chat.invalid_request", "The question is empty.");
  if (question.length > MAXIMUM_QUESTION_CHARACTERS) {
    throw new AppError("chat.question_too_long", `The question is longer than ${MAXIMUM_QUESTION_CHARACTERS} characters; shorten it.`);
  }

  const conversationId = request.conversationId ?? randomUUID();
  // Assistant turns count (for the model and the store) only as this server generated them.
  const stored = request.conversationId ? (services.conversations.get(request.conversationId)?.messages ?? []) : [];
  const trusted = trustedMessages({ messages: request.messages, stored });
  const userTurns = trusted.filter((message) => message.role === "user").map(messageText);
  const searchQuery = buildSearchQuery(userTurns).slice(0, MAXIMUM_QUERY_CHARACTERS);
  const vectorStore = await services.getVectorStore();
  // The scope is the documents the question's names made the search prefer (decision 0010).
  const { results, preferredDocuments: scope } = await cachedSearchWithScope({
    cache: services.searchCache,
    query: searchQuery,
    topK: config.chat.topK,
    threshold: config.search.similarityThreshold,
    documentIds: request.documentIds,
    ...CHAT_SEARCH_OPTIONS,
    registry: services.registry,
    embedder: services.embedder,
    vectorStore,
  });
  let sources = toChatSources(results);
  // Nothing relevant enough to cite: the closest passages under the threshold go with the "no",
  // so the reader can check it (lib/chat/related-passages.ts). The query vector is cached by now.
  const related =
    sources.length > 0
      ? []
      : toRelatedPassages(
          await cachedSearchChunks({
            cache: services.searchCache,
            query: searchQuery,
            topK: MAXIMUM_RELATED_PASSAGES,
            threshold: RELATED_PASSAGE_FLOOR,
            documentIds: request.documentIds,
            registry: services.registry,
            embedder: services.embedder,
            vectorStore,
          }),
        );
  const mode: AnswerMode = config.chat.mode;
  const attempts: AttemptCounter = { attempts: 0 };
  const model = sources.length > 0 ? createChatModel(config, attempts) : undefined;

  // With a language model, wait for its first token before answering, so a failure before any
  // text becomes a clear HTTP error instead of a broken stream.
  let modelStream: AsyncIterator<TextStreamPart<ToolSet>> | undefined;
  let modelDeadline: ReturnType<typeof createDeadline> | undefined;
  const firstParts: TextStreamPart<ToolSet>[] = [];
  let usage: { inputTokens?: number; outputTokens?: number } = {};
  if (model) {
    const history: HistoryTurn[] = trusted
      .slice(0, -1)
      .filter((message) => message.role === "user" || message.role === "assistant")
      .map((message) => ({ role: message.role as "user" | "assistant", text: messageText(message) }))
      .filter((turn) => turn.text.length > 0);
    const budget = fitContextBudget({
      limit: config.chat.contextTokenLimit,
      answerReserve: ANSWER_RESERVE_TOKENS,
      systemPrompt: SYSTEM_PROMPT,
      question,
      sources,
      history,
      renderSources,
    });
    sources = budget.sources;
    const messages: ModelMessage[] = [
      ...budget.history.map((turn): ModelMessage => ({ role: turn.role, content: turn.text })),
      { role: "user", content: renderQuestionWithSources({ question, sources }) },
    ];
    modelDeadline = createDeadline({ signal: options.signal, milliseconds: config.chat.timeoutMs, message: "The language model did not answer in time." });
    const result = streamText({
      model,
      system: SYSTEM_PROMPT,
      messages,
      maxRetries: config.chat.maxRetries,
      maxOutputTokens: ANSWER_RESERVE_TOKENS,
      abortSignal: modelDeadline.signal,
      onFinish: (event) => {
        usage = { inputTokens: event.totalUsage.inputTokens, outputTokens: event.totalUsage.outputTokens };
      },
    });
    modelStream = result.fullStream[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<TextStreamPart<ToolSet>>;
      try {
        next = await modelStream.next();
      } catch (error) {
        modelDeadline.dispose();
        logger.warn("chat.model_failed", { model: config.chat.model, attempts: attempts.attempts, error });
        throw modelError(error);
      }
      if (next.done) break;
      if (next.value.type === "error" || next.value.type === "abort") {
        modelDeadline.dispose();
        const error = next.value.type === "error" ? next.value.error : abortError(options.signal);
        logger.warn("chat.model_failed", { model: config.chat.model, attempts: attempts.attempts, error });
        throw modelError(error);
      }
      firstParts.push(next.value);
      if (next.value.type === "text-delta") break;
    }
  }

  let failed = false;
  let answerText = "";
  const stream = createUIMessageStream<CitedUIMessage>({
    originalMessages: request.messages,
    execute: async ({ writer }) => {
      writer.write({ type: "start", messageMetadata: { conversationId, mode, model: config.chat.model ?? null, createdAt: new Date().toISOString() } });
      if (scope.length > 0) writer.write({ type: "data-scope", id: "scope", data: { documents: scope } });
      for (const source of sources) {
        writer.write({ type: "data-source", id: String(source.index), data: source });
        writer.write({ type: "source-document", sourceId: String(source.index), mediaType: "text/plain", title: source.documentName });
      }
      if (related.length > 0) writer.write({ type: "data-related", id: "related", data: { passages: related } });
      const textId = "answer";
      const emit = (delta: string) => {
        if (!delta) return;
        answerText += delta;
        writer.write({ type: "text-delta", id: textId, delta });
      };
      writer.write({ type: "text-start", id: textId });
      if (sources.length === 0) {
        emit(related.length > 0 ? CLOSEST_PASSAGES_TEXT : NO_ANSWER_TEXT);
      } else if (!modelStream) {
        emit(`${EXTRACTIVE_NOTE}\n\n`);
        // Each quote is sent as soon as its source is scored: the first arrives long before the last.
        let quoted = 0;
        for await (const sentence of streamAnswerSentences({
          question,
          sources,
          embed: (texts) => services.embedder.embedSentences(texts, options.signal),
          wordRarity: libraryWordRarity(services.registry),
        })) {
          quoted += 1;
          emit(`- ${renderExtractiveLine(sentence)}\n`);
        }
        if (quoted === 0) emit(NOTHING_QUOTED_TEXT);
      } else {
        const filter = new CitationFilter(sources.length);
        const handle = (part: TextStreamPart<ToolSet>) => {
          if (part.type === "text-delta") emit(filter.push(part.text));
          if (part.type === "error") throw modelError(part.error);
          if (part.type === "abort") throw abortError(options.signal);
        };
        try {
          for (const part of firstParts) handle(part);
          for (;;) {
            const next = await modelStream.next();
            if (next.done) break;
            handle(next.value);
          }
          emit(filter.flush());
        } catch (error) {
          failed = true;
          emit(filter.flush());
          const appError = modelError(error);
          logger.warn("chat.stream_broken", { model: config.chat.model, attempts: attempts.attempts, error });
          writer.write({ type: "text-end", id: textId });
          writer.write({ type: "error", errorText: `The answer was interrupted: ${appError.message}` });
          return;
        } finally {
          modelDeadline?.dispose();
        }
      }
      writer.write({ type: "text-end", id: textId });
      writer.write({ type: "finish", finishReason: "stop" });
    },
    onError: (error) => {
      failed = true;
      logger.error("chat.failed", { error });
      return isAppError(error) ? error.message : "The answer failed because of a server error.";
    },
    onFinish: ({ responseMessage, isAborted }) => {
      logger.info("chat.answered", {
        conversationId,
        mode,
        model: config.chat.model ?? null,
        sources: sources.length,
        related: related.length,
        attempts: attempts.attempts,
        inputTokens: usage.inputTokens,
        outputTokens: usage.outputTokens,
        milliseconds: Math.round(performance.now() - started),
        aborted: isAborted,
        failed,
      });
      // Only complete exchanges are stored: a broken or aborted answer leaves no half message.
      if (failed || isAborted || answerText.length === 0) return;
      try {
        // A retried answer replaces the one it retries instead of piling up behind it.
        if (request.trigger === "regenerate-message") services.conversations.truncateAfter({ conversationId, messageId: lastMessage.id });
        services.conversations.appendMessages({
          conversationId,
          title: titleFromQuestion(userTurns[0] ?? question),
          messages: [...trusted, { ...responseMessage, metadata: { ...responseMessage.metadata, conversationId, mode } }],
        });
      } catch (error) {
        logger.error("chat.persist_failed", { conversationId, error });
      }
    },
  });
  // no-transform: Next gzips responses for clients that accept it and would hold the whole event
  // stream in the compressor until it ends; the answer must reach the browser as it is written.
  return createUIMessageStreamResponse({ stream, headers: { "X-Conversation-Id": conversationId, "Cache-Control": "no-cache, no-transform" } });
}
