"use client";

import Link from "next/link";
import { useChat } from "@ai-sdk/react";
import { DefaultChatTransport } from "ai";
import { useEffect, useMemo, useRef, useState, type ReactNode, type RefObject } from "react";
import type { CitedUIMessage } from "@/lib/contracts/chat-message";
import { ChatMessage } from "@/components/chat/chat-message";
import { Composer } from "@/components/chat/composer";
import { chatErrorMessage, textOf } from "@/components/chat/message-parts";
import { AlertIcon, RefreshIcon, SpinnerIcon } from "@/components/ui/icons";

interface ChatThreadProps {
  chatId: string;
  initialMessages: CitedUIMessage[];
  /** Document ids the question is restricted to; empty means the whole library. */
  scope: string[];
  readyDocumentCount: number;
  activeSource: { messageId: string; index: number } | null;
  onOpenSource: (message: CitedUIMessage, index: number, trigger: HTMLElement) => void;
  /** Called after a complete answer, with the id the server stored the conversation under. */
  onAnswered: (conversationId: string, firstQuestion: string) => void;
  inputRef: RefObject<HTMLTextAreaElement | null>;
  composerFooter: ReactNode;
}

/** The conversation: messages streamed with useChat, a composer, stop, retry and in-place errors. */
export function ChatThread({ chatId, initialMessages, scope, readyDocumentCount, activeSource, onOpenSource, onAnswered, inputRef, composerFooter }: ChatThreadProps) {
  // The scope travels with every request; the chat id doubles as the conversation id.
  const transport = useMemo(
    () =>
      new DefaultChatTransport<CitedUIMessage>({
        api: "/api/chat",
        prepareSendMessagesRequest: ({ id, messages, trigger, messageId }) => ({
          body: { id, messages, trigger, messageId, ...(scope.length > 0 ? { documentIds: scope } : {}) },
        }),
      }),
    [scope],
  );
  const [stopped, setStopped] = useState(false);
  const { messages, sendMessage, status, stop, regenerate, error, clearError } = useChat<CitedUIMessage>({
    id: chatId,
    messages: initialMessages,
    transport,
    experimental_throttle: 40,
    onFinish: ({ message, messages: all, isAbort, isError }) => {
      setStopped(isAbort);
      if (isAbort || isError) return;
      const first = all.find((candidate) => candidate.role === "user");
      onAnswered(message.metadata?.conversationId ?? chatId, first ? textOf(first) : "");
    },
  });
  const busy = status === "submitted" || status === "streaming";
  const scrollRef = useRef<HTMLDivElement>(null);
  const pinnedRef = useRef(true);

  // Follow the answer as it streams, unless the reader scrolled up to read something else.
  useEffect(() => {
    const element = scrollRef.current;
    if (element && pinnedRef.current) element.scrollTop = element.scrollHeight;
  }, [messages, status, error]);

  const send = (text: string) => {
    pinnedRef.current = true;
    setStopped(false);
    clearError();
    void sendMessage({ text });
  };

  const retry = () => {
    pinnedRef.current = true;
    setStopped(false);
    clearError();
    void regenerate();
  };

  const last = messages[messages.length - 1];
  const waiting = status === "submitted" && last?.role === "user";
  // Streamed tokens are not read out one by one; screen readers hear when an answer starts and ends.
  const announcement = busy ? "Answering…" : error ? "The answer failed." : last?.role === "assistant" && messages.length > initialMessages.length ? "Answer ready." : "";

  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <div
        ref={scrollRef}
        onScroll={(event) => {
          const element = event.currentTarget;
          pinnedRef.current = element.scrollHeight - element.scrollTop - element.clientHeight < 80;
        }}
        className="min-h-0 flex-1 overflow-y-auto"
      >
        <p className="sr-only" role="status" aria-live="polite">
          {announcement}
        </p>
        <div className="mx-auto max-w-3xl space-y-8 px-4 py-6 sm:px-6" data-testid="message-list">
          {messages.length === 0 && <Welcome readyDocumentCount={readyDocumentCount} />}
          {messages.map((message, position) => (
            <ChatMessage
              key={message.id}
              message={message}
              streaming={busy && position === messages.length - 1 && message.role === "assistant"}
              activeIndex={activeSource?.messageId === message.id ? activeSource.index : null}
              onOpenSource={onOpenSource}
              onRetry={!busy && position === messages.length - 1 && message.role === "assistant" ? retry : undefined}
            />
          ))}
          {waiting && (
            <div className="flex items-center gap-2 pl-10 text-sm text-zinc-500" role="status" data-testid="answer-pending">
              <SpinnerIcon />
              Searching your documents…
            </div>
          )}
          {error && !busy && (
            <div
              role="alert"
              className="flex flex-wrap items-start gap-3 rounded-xl border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800 dark:border-red-900 dark:bg-red-950/40 dark:text-red-200"
              data-testid="chat-error"
            >
              <AlertIcon className="mt-0.5 size-4 shrink-0" />
              <p className="min-w-0 flex-1">{chatErrorMessage(error)}</p>
              <button
                type="button"
                onClick={retry}
                className="inline-flex items-center gap-1 rounded-md bg-white px-2.5 py-1 text-xs font-medium text-red-800 ring-1 ring-red-200 hover:bg-red-100 dark:bg-red-950 dark:text-red-200 dark:ring-red-800"
              >
                <RefreshIcon />
                Retry
              </button>
            </div>
          )}
          {stopped && !busy && !error && (
            <p className="flex items-center gap-2 pl-10 text-sm text-zinc-500">
              Answer stopped.
              <button type="button" onClick={retry} className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">
                Answer again
              </button>
            </p>
          )}
        </div>
      </div>
      <div className="shrink-0 bg-gradient-to-t from-white via-white to-transparent px-4 pb-4 pt-2 dark:from-zinc-950 dark:via-zinc-950 sm:px-6">
        <div className="mx-auto max-w-3xl">
          <Composer busy={busy} onSend={send} onStop={() => void stop()} inputRef={inputRef} footer={composerFooter} />
          <p className="mt-2 text-center text-xs text-zinc-500">Answers come only from your library; check the cited passages.</p>
        </div>
      </div>
    </div>
  );
}

function Welcome({ readyDocumentCount }: { readyDocumentCount: number }) {
  return (
    <div className="py-10 text-center sm:py-16" data-testid="chat-welcome">
      <h1 className="text-2xl font-semibold tracking-tight sm:text-3xl">Ask your documents</h1>
      {readyDocumentCount > 0 ? (
        <p className="mx-auto mt-3 max-w-md text-zinc-600 dark:text-zinc-400">
          {readyDocumentCount === 1 ? "One document is" : `${readyDocumentCount} documents are`} ready. Every answer cites the page or section it came from; click a citation to
          read the passage.
        </p>
      ) : (
        <p className="mx-auto mt-3 max-w-md text-zinc-600 dark:text-zinc-400">
          Your library has no indexed documents yet.{" "}
          <Link href="/library" className="font-medium text-indigo-700 underline dark:text-indigo-300">
            Add documents
          </Link>{" "}
          first, then ask about them here.
        </p>
      )}
    </div>
  );
}
