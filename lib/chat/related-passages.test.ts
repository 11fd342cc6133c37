import { describe, expect, it } from "vitest";
import { MAXIMUM_RELATED_PASSAGES, RELATED_PASSAGE_FLOOR, toRelatedPassages } from "@/lib/chat/related-passages";
import type { SearchResult } from "@/lib/retrieval/search";

function result(options: { name: string; score: number; text?: string; highlight?: { start: number; end: number }; page?: number | null }): SearchResult {
  const text = options.text ?? `Intro line.\n${options.name} passage   about\nclaims.`;
  return {
    chunkId: `${options.name}:0`,
    documentId: options.name,
    documentName: `${options.name}.pdf`,
    page: options.page ?? 3,
    pageStart: 2,
    pageEnd: 4,
    section: "Claims",
    chunkIndex: 0,
    text,
    score: options.score,
    highlight: options.highlight ?? { start: 12, end: text.length },
    pageRange: { start: 0, end: text.length },
    locations: [],
  };
}

describe("toRelatedPassages", () => {
  it("keeps results at or above the floor, best first, at most MAXIMUM_RELATED_PASSAGES", () => {
    const results = [0.69, 0.66, RELATED_PASSAGE_FLOOR, RELATED_PASSAGE_FLOOR - 0.01, RELATED_PASSAGE_FLOOR - 0.05].map((score, position) =>
      result({ name: `doc${position}`, score }),
    );
    const related = toRelatedPassages(results);
    expect(related).toHaveLength(MAXIMUM_RELATED_PASSAGES);
    expect(related.map((passage) => passage.documentId)).toEqual(["doc0", "doc1", "doc2"]);
    expect(toRelatedPassages([result({ name: "far", score: RELATED_PASSAGE_FLOOR - 0.01 })])).toEqual([]);
  });

  it("carries the matched passage's page and text, whitespace collapsed, as the excerpt", () => {
    const [passage] = toRelatedPassages([result({ name: "plan", score: 0.65, page: 7 })]);
    expect(passage).toEqual({
      documentId: "plan",
      documentName: "plan.pdf",
      chunkId: "plan:0",
      page: 7,
      pageStart: 7,
      pageEnd: 7,
      section: "Claims",
      excerpt: "plan passage about claims.",
      score: 0.65,
    });
  });

  it("keeps the chunk's range for a result without a page", () => {
    const [passage] = toRelatedPassages([{ ...result({ name: "notes", score: 0.65 }), page: null, pageStart: null, pageEnd: null }]);
    expect(passage).toMatchObject({ page: null, pageStart: null, pageEnd: null });
  });

  it("cuts a long passage at a word boundary with an ellipsis", () => {
    const text = Array.from({ length: 120 }, (_, position) => `word${position}`).join(" ");
    const [passage] = toRelatedPassages([result({ name: "long", score: 0.65, text, highlight: { start: 0, end: text.length } })]);
    const excerpt = passage?.excerpt ?? "";
    expect(excerpt.endsWith("…")).toBe(true);
    expect(excerpt.length).toBeLessThanOrEqual(321);
    // Whole words only: the text before the ellipsis is a prefix of the passage ending at a word's end.
    const kept = excerpt.slice(0, -1);
    expect(text.startsWith(kept)).toBe(true);
    expect(text[kept.length]).toBe(" ");
  });
});
