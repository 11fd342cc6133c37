import { describe, expect, it, vi } from "vitest";
import { fitContextBudget, type BudgetInput, type HistoryTurn } from "@/lib/chat/context-budget";
import { SYSTEM_PROMPT, renderSources } from "@/lib/chat/prompt";
import type { ChatSourceData } from "@/lib/contracts/chat-message";
import { isAppError } from "@/lib/errors";
import { countTokens } from "@/lib/text/tokens";

const PER_MESSAGE_OVERHEAD = 4;
const WORDS = ["the", "plan", "covers", "dental", "care", "for", "all", "employees", "and", "their", "families", "abroad"];

/** Roughly `count` tokens of prose-like text, deterministic for a seed. */
function text(count: number, seed = 1): string {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return WORDS[Math.floor((state / 2147483648) * WORDS.length)] ?? "the";
  }).join(" ");
}

function source(index: number, body: string): ChatSourceData {
  return {
    index,
    documentId: `doc-${index}`,
    documentName: `Document ${index}.pdf`,
    chunkId: `doc-${index}:0`,
    page: index,
    pageStart: index,
    pageEnd: index,
    section: null,
    text: body,
  };
}

function input(overrides: Partial<BudgetInput>): BudgetInput {
  return {
    limit: 8192,
    answerReserve: 1024,
    systemPrompt: SYSTEM_PROMPT,
    question: "How much of the premium does the company pay?",
    sources: [source(1, text(200, 1)), source(2, text(200, 2))],
    history: [],
    renderSources,
    ...overrides,
  };
}

/** Counts what would be sent, independently of the implementation's bookkeeping. */
function sentTokens(budget: BudgetInput, result: { sources: ChatSourceData[]; history: HistoryTurn[] }): number {
  return (
    countTokens(budget.systemPrompt) +
    PER_MESSAGE_OVERHEAD +
    budget.answerReserve +
    countTokens(budget.question) +
    PER_MESSAGE_OVERHEAD +
    (result.sources.length > 0 ? countTokens(renderSources(result.sources)) : 0) +
    result.history.reduce((sum, turn) => sum + countTokens(turn.text) + PER_MESSAGE_OVERHEAD, 0)
  );
}

describe("fitContextBudget", () => {
  it("keeps everything that fits", () => {
    const history: HistoryTurn[] = [
      { role: "user", text: "What is covered?" },
      { role: "assistant", text: "Dental care is covered [1]." },
    ];
    const budget = input({ history });
    const result = fitContextBudget(budget);
    expect(result).toMatchObject({ droppedSources: 0, droppedTurns: 0, truncatedSource: false });
    expect(result.sources).toEqual(budget.sources);
    expect(result.history).toEqual(history);
    expect(result.totalTokens).toBe(sentTokens(budget, result));
  });

  it("truncates one huge passage to the start of the best passage and fits the limit", () => {
    const huge = text(20_000, 7);
    const budget = input({ sources: [source(1, huge)] });
    const result = fitContextBudget(budget);
    expect(result.truncatedSource).toBe(true);
    expect(result.sources).toHaveLength(1);
    const kept = result.sources[0]?.text ?? "";
    expect(kept.length).toBeGreaterThan(1_000);
    expect(huge.startsWith(kept)).toBe(true);
    expect(sentTokens(budget, result)).toBeLessThanOrEqual(budget.limit);
    expect(result.totalTokens).toBe(sentTokens(budget, result));
    // It uses most of the room, not a token-wasting sliver.
    expect(sentTokens(budget, result)).toBeGreaterThan(budget.limit - 100);
  });

  it("drops the lowest-ranked passages first, keeping the order and the best one", () => {
    const sources = [1, 2, 3, 4, 5].map((index) => source(index, text(1_500, index)));
    const history: HistoryTurn[] = [{ role: "user", text: "Earlier question?" }];
    const budget = input({ sources, history });
    const result = fitContextBudget(budget);
    expect(result.droppedSources).toBeGreaterThan(0);
    expect(result.sources.map((item) => item.index)).toEqual(sources.slice(0, sources.length - result.droppedSources).map((item) => item.index));
    // History is only touched once passages cannot shrink further.
    expect(result.droppedTurns).toBe(0);
    expect(result.history).toEqual(history);
    expect(sentTokens(budget, result)).toBeLessThanOrEqual(budget.limit);
  });

  it("drops the oldest turns after the lowest-ranked passages", () => {
    const sources = [1, 2, 3].map((index) => source(index, text(1_000, index)));
    const history: HistoryTurn[] = Array.from({ length: 12 }, (_, turn) => ({ role: turn % 2 === 0 ? "user" : "assistant", text: `turn ${turn}: ${text(800, 100 + turn)}` }));
    const budget = input({ sources, history });
    const result = fitContextBudget(budget);
    expect(result.droppedSources).toBe(2);
    expect(result.sources.map((item) => item.index)).toEqual([1]);
    expect(result.sources[0]?.text).toBe(sources[0]?.text);
    expect(result.droppedTurns).toBeGreaterThan(0);
    expect(result.droppedTurns).toBeLessThan(history.length);
    // The newest turns are kept, in order.
    expect(result.history).toEqual(history.slice(result.droppedTurns));
    expect(result.truncatedSource).toBe(false);
    expect(sentTokens(budget, result)).toBeLessThanOrEqual(budget.limit);
  });

  it("refuses a question longer than the budget with chat.question_too_long", () => {
    const budget = input({ limit: 2_048, question: text(3_000, 3) });
    let thrown: unknown;
    try {
      fitContextBudget(budget);
    } catch (error) {
      thrown = error;
    }
    expect(isAppError(thrown)).toBe(true);
    expect(thrown).toMatchObject({ code: "chat.question_too_long", status: 413 });
  });

  it("never cuts the question: a question that barely fits keeps it whole", () => {
    const question = text(500, 4);
    const budget = input({ limit: 2_048, question, sources: [source(1, text(3_000, 5)), source(2, text(100, 7))], history: [{ role: "user", text: text(500, 6) }] });
    const result = fitContextBudget(budget);
    expect(result).toMatchObject({ droppedSources: 1, droppedTurns: 1, truncatedSource: true, history: [] });
    expect(result.sources[0]?.index).toBe(1);
    expect(sentTokens(budget, result)).toBeLessThanOrEqual(budget.limit);
  });

  it("never exceeds the limit across many shapes", () => {
    let state = 42;
    const random = (maximum: number) => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return Math.floor((state / 2147483648) * maximum);
    };
    for (let round = 0; round < 25; round += 1) {
      const limit = 1_024 + random(6_000);
      const answerReserve = random(600);
      const sources = Array.from({ length: 1 + random(6) }, (_, index) => source(index + 1, text(1 + random(3_000), round * 10 + index)));
      const history: HistoryTurn[] = Array.from({ length: random(10) }, (_, index) => ({
        role: index % 2 === 0 ? "user" : "assistant",
        text: text(1 + random(1_500), round * 100 + index),
      }));
      const budget = input({ limit, answerReserve, sources, history, question: text(5 + random(200), round) });
      let result: ReturnType<typeof fitContextBudget>;
      try {
        result = fitContextBudget(budget);
      } catch (error) {
        expect(error).toMatchObject({ code: "chat.question_too_long" });
        continue;
      }
      expect(sentTokens(budget, result), `round ${round}`).toBeLessThanOrEqual(limit);
      expect(result.totalTokens).toBe(sentTokens(budget, result));
      expect(result.sources.length + result.droppedSources).toBe(sources.length);
      expect(result.history.length + result.droppedTurns).toBe(history.length);
    }
  });
});

describe("fitContextBudget on a long conversation (issue 16)", () => {
  it("counts each turn at most once, and never the turns older than a full context", async () => {
    const tokens = await import("@/lib/text/tokens");
    const counted: string[] = [];
    const spy = vi.spyOn(tokens, "countTokens");
    spy.mockImplementation((text: string) => {
      counted.push(text);
      return text.length === 0 ? 0 : text.split(" ").length;
    });
    try {
      // 200 turns of 500 words each: only the newest few fit an 8,192-token context.
      const history: HistoryTurn[] = Array.from({ length: 200 }, (_, index) => ({ role: index % 2 === 0 ? "user" : "assistant", text: `turn${index} ${text(499, index + 1)}` }));
      const result = fitContextBudget(input({ history }));
      const turnsCounted = counted.filter((value) => /^turn\d+ /.test(value));
      expect(new Set(turnsCounted).size).toBe(turnsCounted.length);
      expect(turnsCounted.length).toBeLessThanOrEqual(20);
      expect(result.history.length).toBeGreaterThan(0);
      expect(result.history.at(-1)?.text).toBe(history.at(-1)?.text);
      expect(result.droppedTurns).toBe(200 - result.history.length);
      expect(result.totalTokens).toBeLessThanOrEqual(8192);
    } finally {
      spy.mockRestore();
    }
  });
});
