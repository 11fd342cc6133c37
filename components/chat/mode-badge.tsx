import type { AnswerMode } from "@/lib/contracts/chat-message";

/** Tells the reader how answers are produced: quoted sentences (no model) or a named language model. */
export function ModeBadge({ mode, model }: { mode: AnswerMode; model: string | null }) {
  if (mode === "extractive") {
    return (
      <span
        className="inline-flex items-center gap-1.5 rounded-full bg-amber-50 px-2.5 py-1 text-xs font-medium text-amber-800 ring-1 ring-amber-200 dark:bg-amber-950/50 dark:text-amber-300 dark:ring-amber-900"
        title="Answers quote the most relevant sentences from your documents. Set OPENAI_API_KEY (or OPENAI_BASE_URL) to write answers with a language model."
        data-testid="mode-badge"
        data-mode={mode}
      >
        <span aria-hidden="true" className="size-1.5 rounded-full bg-amber-500" />
        <span className="hidden sm:inline">Extractive mode — no language model configured</span>
        <span className="sm:hidden">Extractive mode</span>
      </span>
    );
  }
  return (
    <span
      className="inline-flex items-center gap-1.5 rounded-full bg-emerald-50 px-2.5 py-1 text-xs font-medium text-emerald-800 ring-1 ring-emerald-200 dark:bg-emerald-950/50 dark:text-emerald-300 dark:ring-emerald-900"
      title={mode === "openai" ? "Answers are written by OpenAI from the cited passages." : "Answers are written by an OpenAI-compatible model from the cited passages."}
      data-testid="mode-badge"
      data-mode={mode}
    >
      <span aria-hidden="true" className="size-1.5 rounded-full bg-emerald-500" />
      {model ?? "Language model"}
    </span>
  );
}
