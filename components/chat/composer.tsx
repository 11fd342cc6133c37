"use client";

import { useState, type ReactNode, type RefObject } from "react";
import { SendIcon, StopIcon } from "@/components/ui/icons";

interface ComposerProps {
  busy: boolean;
  onSend: (text: string) => void;
  onStop: () => void;
  inputRef: RefObject<HTMLTextAreaElement | null>;
  /** Controls shown under the input (scope picker, answer mode). */
  footer?: ReactNode;
}

const MAXIMUM_CHARACTERS = 8_000;

/** The question box: Enter sends, Shift+Enter adds a line; while answering, the button stops. */
export function Composer({ busy, onSend, onStop, inputRef, footer }: ComposerProps) {
  const [text, setText] = useState("");
  const trimmed = text.trim();

  const submit = () => {
    if (!trimmed || busy) return;
    onSend(trimmed);
    setText("");
  };

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
      className="rounded-2xl border border-zinc-300 bg-white shadow-sm focus-within:border-indigo-400 focus-within:ring-2 focus-within:ring-indigo-500/20 dark:border-zinc-700 dark:bg-zinc-900 dark:focus-within:border-indigo-500"
    >
      <label htmlFor="question" className="sr-only">
        Ask a question about your documents
      </label>
      <div className="flex items-end gap-2 p-2">
        <textarea
          id="question"
          ref={inputRef}
          value={text}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={(event) => {
            // Enter while an input method is composing (Japanese, Chinese…) confirms the composition.
            if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
              event.preventDefault();
              submit();
            }
          }}
          rows={1}
          maxLength={MAXIMUM_CHARACTERS}
          placeholder="Ask a question about your documents…"
          className="max-h-48 min-h-10 flex-1 resize-none bg-transparent px-2 py-2 text-[0.95rem] outline-none [field-sizing:content] placeholder:text-zinc-400 focus-visible:outline-none"
          data-testid="question-input"
        />
        {busy ? (
          <button
            type="button"
            onClick={onStop}
            className="grid size-10 shrink-0 place-items-center rounded-xl bg-zinc-900 text-white hover:bg-zinc-700 dark:bg-zinc-100 dark:text-zinc-900 dark:hover:bg-zinc-300"
            aria-label="Stop answering"
            data-testid="stop-button"
          >
            <StopIcon className="size-5" />
          </button>
        ) : (
          <button
            type="submit"
            disabled={!trimmed}
            className="grid size-10 shrink-0 place-items-center rounded-xl bg-indigo-600 text-white hover:bg-indigo-700 disabled:bg-zinc-200 disabled:text-zinc-400 dark:disabled:bg-zinc-800 dark:disabled:text-zinc-600"
            aria-label="Send question"
            data-testid="send-button"
          >
            <SendIcon className="size-5" />
          </button>
        )}
      </div>
      {footer && <div className="flex flex-wrap items-center gap-2 border-t border-zinc-100 px-3 py-2 dark:border-zinc-800">{footer}</div>}
    </form>
  );
}
