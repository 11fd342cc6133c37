import type { ChatSourceData } from "@/lib/contracts/chat-message";
import { AppError } from "@/lib/errors";
import { countTokens, splitByTokens } from "@/lib/text/tokens";

/**
 * Fits everything sent to the model into CONTEXT_TOKEN_LIMIT (tiktoken cl100k_base): system
 * prompt + kept history + kept sources + question + a reserve for the answer. Over budget, the
 * lowest-ranked passages go first (the best one always stays), then the oldest turns, then the
 * best passage is shortened; the current question is never cut: if it alone does not fit, the
 * request is refused with `chat.question_too_long`.
 */

export interface HistoryTurn {
  role: "user" | "assistant";
  text: string;
}

export interface BudgetInput {
  limit: number;
  answerReserve: number;
  systemPrompt: string;
  question: string;
  /** Best first. */
  sources: ChatSourceData[];
  /** Oldest first, without the current question. */
  history: HistoryTurn[];
  /** Tokens the sources' wrapper text costs besides the passages themselves. */
  renderSources: (sources: ChatSourceData[]) => string;
}

export interface BudgetResult {
  sources: ChatSourceData[];
  history: HistoryTurn[];
  droppedSources: number;
  droppedTurns: number;
  truncatedSource: boolean;
  totalTokens: number;
}

// Chat formats add a few tokens per message.
const PER_MESSAGE_OVERHEAD = 4;

/** Chooses what to send so the request fits the token budget. */
export function fitContextBudget(input: BudgetInput): BudgetResult {
  const questionTokens = countTokens(input.question) + PER_MESSAGE_OVERHEAD;
  const fixed = countTokens(input.systemPrompt) + PER_MESSAGE_OVERHEAD + input.answerReserve;
  // The same list is measured again by every check below; tokenising five 1,000-token sources is
  // most of the budget's cost, so each list is counted once.
  let measured: { sources: ChatSourceData[]; tokens: number } | undefined;
  const sourcesTokens = (sources: ChatSourceData[]) => {
    if (sources.length === 0) return 0;
    if (measured?.sources !== sources) measured = { sources, tokens: countTokens(input.renderSources(sources)) };
    return measured.tokens;
  };
  const minimumSourcesTokens = input.sources.length > 0 ? countTokens(input.renderSources([])) : 0;
  if (fixed + questionTokens + minimumSourcesTokens > input.limit) {
    throw new AppError(
      "chat.question_too_long",
      `The question is too long for the model's context (${questionTokens} tokens; the limit leaves room for about ${Math.max(0, input.limit - fixed - minimumSourcesTokens)}). Shorten it.`,
    );
  }

  let sources = [...input.sources];
  // Each turn is counted once, newest first, and only until the turns counted so far exceed the
  // whole limit: an older turn could never be kept, so a long conversation costs no more to
  // measure than one that fills the context.
  const turnTokens: number[] = [];
  let counted = 0;
  for (let index = input.history.length - 1; index >= 0 && counted <= input.limit; index -= 1) {
    const tokens = countTokens(input.history[index]?.text ?? "") + PER_MESSAGE_OVERHEAD;
    turnTokens.push(tokens);
    counted += tokens;
  }
  turnTokens.reverse();
  let history = input.history.slice(input.history.length - turnTokens.length);
  let droppedTurns = input.history.length - history.length;
  let keptTurnTokens = counted;
  const total = () => fixed + questionTokens + sourcesTokens(sources) + keptTurnTokens;

  let droppedSources = 0;
  while (total() > input.limit && sources.length > 1) {
    sources = sources.slice(0, -1);
    droppedSources += 1;
  }
  while (total() > input.limit && history.length > 0) {
    keptTurnTokens -= turnTokens.shift() ?? 0;
    history = history.slice(1);
    droppedTurns += 1;
  }
  let truncatedSource = false;
  const best = sources[0];
  if (total() > input.limit && best) {
    const available = input.limit - (fixed + questionTokens + sourcesTokens([{ ...best, text: "" }]));
    if (available < 16) {
      sources = [];
      droppedSources += 1;
    } else {
      const [shortened = ""] = splitByTokens({ text: best.text, maxTokens: available, overlapTokens: 0 });
      sources = [{ ...best, text: shortened }];
      truncatedSource = true;
      // Token boundaries when re-joined may add a token or two: shave until it fits.
      let maxTokens = available;
      while (total() > input.limit && maxTokens > 16) {
        maxTokens -= 8;
        const [shorter = ""] = splitByTokens({ text: best.text, maxTokens, overlapTokens: 0 });
        sources = [{ ...best, text: shorter }];
      }
    }
  }
  return { sources, history, droppedSources, droppedTurns, truncatedSource, totalTokens: total() };
}
