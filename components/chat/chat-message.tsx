"use client";

import { memo, useMemo, useState } from "react";
import type { CitedUIMessage } from "@/lib/contracts/chat-message";
import { AnswerMarkdown } from "@/components/chat/answer-markdown";
import { CitationContext, type CitationContextValue } from "@/components/chat/citation-context";
import { RelatedPassages } from "@/components/chat/related-passages";
import { SourceList } from "@/components/chat/source-list";
import { copyTextOf, relatedOf, scopeOf, sourcesOf, textOf } from "@/components/chat/message-parts";
import { SearchScope } from "@/components/chat/search-scope";
import { CheckIcon, CopyIcon, RefreshIcon } from "@/components/ui/icons";

interface ChatMessageProps {
  message: CitedUIMessage;
  streaming: boolean;
  /** The cited source shown in the panel, if it belongs to this message. */
  activeIndex: number | null;
  onOpenSource: (message: CitedUIMessage, index: number, trigger: HTMLElement) => void;
  /** Only the last answer can be regenerated. */
  onRetry?: () => void;
}

const ACTION =
  "inline-flex items-center gap-1 rounded-md px-2 py-1 text-xs font-medium text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900 dark:hover:bg-zinc-800 dark:hover:text-zinc-100";

function CopyButton({ text }: { text: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  return (
    <button
      type="button"
      className={ACTION}
      onClick={() => {
        navigator.clipboard
          .writeText(text)
          .then(() => setState("copied"))
          .catch(() => setState("failed"))
          .finally(() => setTimeout(() => setState("idle"), 2_000));
      }}
      data-testid="copy-answer"
    >
      {state === "copied" ? <CheckIcon /> : <CopyIcon />}
      <span aria-live="polite">{state === "copied" ? "Copied" : state === "failed" ? "Copy failed" : "Copy"}</span>
    </button>
  );
}

/**
 * One turn: the question as a bubble, or the answer as Markdown with citation chips and source
 * cards. Memoised: while an answer streams, the earlier turns are not parsed again on every token.
 */
export const ChatMessage = memo(function ChatMessage({ message, streaming, activeIndex, onOpenSource, onRetry }: ChatMessageProps) {
  const text = textOf(message);
  const sources = useMemo(() => sourcesOf(message), [message]);
  const related = useMemo(() => relatedOf(message), [message]);
  const scope = useMemo(() => scopeOf(message), [message]);
  const citation = useMemo<CitationContextValue>(
    () => ({
      messageId: message.id,
      sources: new Map(sources.map((source) => [source.index, source])),
      activeIndex,
      open: (index, trigger) => onOpenSource(message, index, trigger),
    }),
    [message, sources, activeIndex, onOpenSource],
  );

  if (message.role === "user") {
    return (
      <div className="flex justify-end" data-testid="user-message">
        <div className="max-w-[85%] whitespace-pre-wrap rounded-2xl rounded-br-md bg-indigo-600 px-4 py-2.5 text-white shadow-sm">{text}</div>
      </div>
    );
  }

  const copyText = copyTextOf(message);

  return (
    <article className="flex gap-3" data-testid="assistant-message" data-streaming={streaming || undefined} aria-busy={streaming}>
      <span
        aria-hidden="true"
        className="mt-1 grid size-7 shrink-0 place-items-center rounded-lg bg-zinc-900 text-[0.6rem] font-bold text-white dark:bg-zinc-100 dark:text-zinc-900"
      >
        [1]
      </span>
      <div className="min-w-0 flex-1">
        <h2 className="sr-only">Answer</h2>
        <CitationContext.Provider value={citation}>
          {text ? (
            <div data-testid="answer-text">
              <AnswerMarkdown text={text} />
            </div>
          ) : (
            streaming && <p className="text-sm text-zinc-500">Reading the sources…</p>
          )}
        </CitationContext.Provider>
        <SearchScope documents={scope} />
        <SourceList sources={sources} answerText={text} activeIndex={activeIndex} onOpen={(index, trigger) => onOpenSource(message, index, trigger)} />
        <RelatedPassages passages={related} />
        {!streaming && text && (
          <div className="mt-2 flex items-center gap-1">
            <CopyButton text={copyText} />
            {onRetry && (
              <button type="button" className={ACTION} onClick={onRetry} data-testid="retry-answer">
                <RefreshIcon />
                Retry
              </button>
            )}
          </div>
        )}
      </div>
    </article>
  );
});
