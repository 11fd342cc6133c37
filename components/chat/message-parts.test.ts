import { describe, expect, it } from "vitest";
import { copyTextOf, scopeLabel, scopeOf } from "@/components/chat/message-parts";
import type { ChatRelatedPassage, ChatSourceData, CitedUIMessage } from "@/lib/contracts/chat-message";

const place = { documentId: "d1", documentName: "handbook.pdf", chunkId: "d1:0", page: 3, pageStart: 3, pageEnd: 3, section: null };

function answer(parts: CitedUIMessage["parts"]): CitedUIMessage {
  return { id: "a1", role: "assistant", parts };
}

describe("copyTextOf", () => {
  it("adds the source list to an answer with citations", () => {
    const source: ChatSourceData = { ...place, index: 1, text: "Meals are paid." };
    const notes: ChatSourceData = { ...place, index: 2, documentName: "notes.md", chunkId: "n:0", page: null, pageStart: null, pageEnd: null, section: "Travel", text: "Flights." };
    const message = answer([
      { type: "data-source", id: "1", data: source },
      { type: "data-source", id: "2", data: notes },
      { type: "text", text: "Meals are paid [1]. Flights too [2].\n" },
    ]);
    expect(copyTextOf(message)).toBe("Meals are paid [1]. Flights too [2].\n\nSources:\n[1] handbook.pdf, page 3\n[2] notes.md, Travel");
  });

  it('adds the closest passages, marked as not cited, to a "no"', () => {
    const passage: ChatRelatedPassage = { ...place, excerpt: "Late reports are approved by the finance director.", score: 0.6 };
    const message = answer([
      { type: "data-related", id: "related", data: { passages: [passage] } },
      { type: "text", text: "Nothing in the library answers this clearly enough to cite." },
    ]);
    expect(copyTextOf(message)).toBe(
      "Nothing in the library answers this clearly enough to cite.\n\nClosest passages (not cited):\n- handbook.pdf, page 3: “Late reports are approved by the finance director.”",
    );
  });

  it("copies a bare answer as it is", () => {
    expect(copyTextOf(answer([{ type: "text", text: "  The documents in the library do not answer this question. " }]))).toBe(
      "The documents in the library do not answer this question.",
    );
  });

  it("says which named documents the search preferred", () => {
    const scope = { documents: [{ documentId: "q2", documentName: "2023 Q2 AMZN.pdf" }] };
    const message = answer([
      { type: "data-scope", id: "scope", data: scope },
      { type: "text", text: "The documents in the library do not answer this question." },
    ]);
    expect(scopeOf(message)).toEqual(scope.documents);
    expect(copyTextOf(message)).toBe(
      "The documents in the library do not answer this question.\n\nPreferred 2023 Q2 AMZN.pdf, which the question names; the rest of the library was searched too.",
    );
  });
});

describe("scopeLabel", () => {
  const named = (...names: string[]) => names.map((name) => ({ documentId: name, documentName: name }));
  it("lists up to three names, then a count", () => {
    expect(scopeLabel(named("a.pdf"))).toBe("Preferred a.pdf, which the question names; the rest of the library was searched too.");
    expect(scopeLabel(named("a.pdf", "b.pdf"))).toBe("Preferred a.pdf and b.pdf, which the question names; the rest of the library was searched too.");
    expect(scopeLabel(named("a.pdf", "b.pdf", "c.pdf", "d.pdf", "e.pdf"))).toBe(
      "Preferred a.pdf, b.pdf, c.pdf and 2 more, which the question names; the rest of the library was searched too.",
    );
  });
});
