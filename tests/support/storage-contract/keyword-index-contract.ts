import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { keywordTerms } from "@/lib/retrieval/keyword-query";
import type { ChunkReader, DocumentRepository, KeywordIndex } from "@/lib/storage/registry-types";
import { chunkOf, indexed, passageOf, type ContractStore, type OpenContractStore } from "@/tests/support/storage-contract/contract-store";

export type KeywordIndexUnderTest = KeywordIndex & DocumentRepository & ChunkReader;

/**
 * The behaviour every keyword index must have, whatever stores it (registry-types.ts;
 * docs/decisions/0012-storage-interfaces.md). Documents are written through the repository of
 * the same store, as the indexer writes them. Exact BM25 figures are the SQLite implementation's
 * own test; this suite holds what search relies on: ranking, filtering, counts and caches that
 * follow every write.
 */
export function describeKeywordIndexContract(name: string, open: OpenContractStore<KeywordIndexUnderTest>): void {
  describe(`${name}: keyword index contract`, () => {
    let opened: ContractStore<KeywordIndexUnderTest>;
    let store: KeywordIndexUnderTest;

    beforeEach(async () => {
      opened = await open();
      store = opened.store;
      for (const id of ["doc-1", "doc-2"]) store.createDocument({ id, name: `${id}.pdf`, kind: "pdf", sizeBytes: 1, sha256: id.padStart(64, "0") });
    });

    afterEach(async () => {
      vi.useRealTimers();
      await opened.dispose();
    });

    const search = (query: string, documentIds?: string[], limit = 10) => store.searchKeywords({ terms: keywordTerms(query) ?? [], limit, documentIds });
    const chunkIds = (matches: { chunkId: string }[]) => matches.map((match) => match.chunkId);

    it("ranks passages by how well they match, best first, context and stemmed forms included", () => {
      const first = chunkOf("doc-1", 0, "Dental cleanings are covered twice a year. Vision exams are covered yearly.");
      const passages = [passageOf(first, 0, { start: 0, end: 42 }, "Northwind Standard"), passageOf(first, 1, { start: 43, end: first.text.length }, "Northwind Standard")];
      store.completeIndexing(indexed("doc-1", [first], { passages, title: "Northwind Standard" }));
      const matches = search("Are dental cleanings covered?");
      expect(matches[0]).toMatchObject({ chunkId: "doc-1:0", documentId: "doc-1", passageIndex: 0, start: 0, end: 42, page: 1 });
      expect(matches[0]?.score).toBeGreaterThan(matches[1]?.score ?? 0);
      expect(search("standard")).toHaveLength(2);
      expect(search("What does it cover for vision?")[0]).toMatchObject({ passageIndex: 1 });
      expect(search("unicorn")).toEqual([]);
    });

    it("indexes each chunk whole when no passages are given", () => {
      store.completeIndexing(indexed("doc-1", [chunkOf("doc-1", 0, "Parking is free."), chunkOf("doc-1", 1, "Lunch is at noon.")]));
      expect(search("parking")).toEqual([expect.objectContaining({ chunkId: "doc-1:0", passageIndex: 0, start: 0, end: 16, page: 1 })]);
      expect(search("lunch")).toEqual([expect.objectContaining({ chunkId: "doc-1:1", passageIndex: 0, start: 0, end: 17, page: 2 })]);
    });

    it("keeps at most `limit` matches, the best ones, in descending score", () => {
      const texts = ["copay", "copay copay deductible", "copay deductible", "deductible plan", "copay plan plan plan", "nothing here"];
      store.completeIndexing(
        indexed(
          "doc-1",
          texts.map((text, index) => chunkOf("doc-1", index, text)),
        ),
      );
      const all = search("copay deductible", undefined, 100);
      expect(all).toHaveLength(5);
      for (let index = 1; index < all.length; index += 1) expect(all[index]?.score).toBeLessThanOrEqual(all[index - 1]?.score ?? Infinity);
      expect(search("copay deductible", undefined, 2)).toEqual(all.slice(0, 2));
      expect(search("copay deductible", undefined, 0)).toEqual([]);
      expect(store.searchKeywords({ terms: [], limit: 10 })).toEqual([]);
    });

    it("filters by document and treats query syntax in questions as plain words", () => {
      store.completeIndexing(indexed("doc-1", [chunkOf("doc-1", 0, "Copay NEAR deductible")]));
      store.completeIndexing(indexed("doc-2", [chunkOf("doc-2", 0, "Copay and more")]));
      expect(search("copay", ["doc-2"]).map((match) => match.documentId)).toEqual(["doc-2"]);
      expect(search("copay", ["doc-2", "unknown"]).map((match) => match.documentId)).toEqual(["doc-2"]);
      expect(search("copay", [])).toEqual([]);
      expect(() => search('"copay" NEAR( OR * deductible:')).not.toThrow();
      expect(search('copay" OR "x')).toHaveLength(2);
    });

    it("follows reindexing, reset, failure and deletion", () => {
      store.completeIndexing(indexed("doc-1", [chunkOf("doc-1", 0, "Old wording about parking.")]));
      store.completeIndexing(indexed("doc-2", [chunkOf("doc-2", 0, "Parking for visitors.")]));
      store.completeIndexing(indexed("doc-1", [chunkOf("doc-1", 0, "New wording about lunch.")]));
      expect(search("wording").map((match) => match.documentId)).toEqual(["doc-1"]);
      expect(search("parking").map((match) => match.documentId)).toEqual(["doc-2"]);
      store.resetForIndexing("doc-1");
      expect(search("lunch")).toEqual([]);
      store.completeIndexing(indexed("doc-1", [chunkOf("doc-1", 0, "Lunch again.")]));
      expect(chunkIds(search("lunch"))).toEqual(["doc-1:0"]);
      store.failIndexing({ id: "doc-1", code: "indexing.failed", message: "y" });
      expect(search("lunch")).toEqual([]);
      store.deleteDocument("doc-2");
      expect(search("parking")).toEqual([]);
      expect(store.passageCount()).toBe(0);
    });

    it("scores from the current library: a document added and removed again leaves the scores as they were", () => {
      store.completeIndexing(indexed("doc-1", [chunkOf("doc-1", 0, "Parking badges are issued at reception."), chunkOf("doc-1", 1, "Parking is free.")]));
      const before = search("parking badges");
      expect(search("parking badges")).toEqual(before);
      store.completeIndexing(indexed("doc-2", [chunkOf("doc-2", 0, "Parking for visitors is behind the building."), chunkOf("doc-2", 1, "Lunch.")]));
      const withBoth = search("parking badges");
      expect(chunkIds(withBoth).sort()).toEqual(["doc-1:0", "doc-1:1", "doc-2:0"]);
      expect(chunkIds(withBoth)[0]).toBe("doc-1:0");
      store.deleteDocument("doc-2");
      expect(search("parking badges")).toEqual(before);
    });

    it("weighs the question's words by rarity for each passage's coverage, with a document's name words", () => {
      const first = chunkOf("doc-1", 0, "Gender affirming care is covered. Dental care is covered.");
      store.completeIndexing(
        indexed("doc-1", [first], {
          passages: [passageOf(first, 0, { start: 0, end: 33 }, "Plan"), passageOf(first, 1, { start: 34, end: first.text.length }, "Plan")],
          title: "Plan",
        }),
      );
      const both = [
        { chunkId: "doc-1:0", passageIndex: 0 },
        { chunkId: "doc-1:0", passageIndex: 1 },
      ];
      const coverage = store.keywordCoverage({ words: ["gender", "affirming", "care", "plan"], passages: [...both, { chunkId: "unknown", passageIndex: 0 }] });
      expect([...coverage.keys()].sort()).toEqual(["doc-1:0#0", "doc-1:0#1"]);
      expect(coverage.get("doc-1:0#0")).toBeCloseTo(1, 10);
      expect(coverage.get("doc-1:0#1")).toBeLessThan(0.25);
      const partly = store.keywordCoverage({ words: ["gender", "unicorn"], passages: both.slice(0, 1) }).get("doc-1:0#0") ?? 0;
      expect(partly).toBeGreaterThan(0);
      expect(partly).toBeLessThan(0.6);
      const named = store.keywordCoverage({ words: ["gender", "unicorn"], passages: both.slice(0, 1), documentWords: new Map([["doc-1", new Set(["unicorn"])]]) });
      expect(named.get("doc-1:0#0")).toBeCloseTo(1, 10);
      expect(store.keywordCoverage({ words: ["gender"], passages: [] }).size).toBe(0);
    });

    it("holds each document's cover: its first page, or its first chunk without pages", () => {
      store.completeIndexing(indexed("doc-1", [chunkOf("doc-1", 0, "Apple Inc. Form 10-Q"), chunkOf("doc-1", 1, "Net sales rose.")], { title: "A" }));
      const pageless = { pageStart: null, pageEnd: null, pageSpans: [] };
      store.completeIndexing(indexed("doc-2", [chunkOf("doc-2", 0, "Amazon.com, Inc.", pageless), chunkOf("doc-2", 1, "Books.", pageless)], { pageCount: null, title: "B" }));
      expect(store.documentCovers()).toEqual(
        new Map([
          ["doc-1", "Apple Inc. Form 10-Q"],
          ["doc-2", "Amazon.com, Inc."],
        ]),
      );
      store.deleteDocument("doc-1");
      expect([...store.documentCovers().keys()]).toEqual(["doc-2"]);
    });

    it("counts the passages holding a word, as the index stems it, and in all", () => {
      store.completeIndexing(indexed("doc-1", [chunkOf("doc-1", 0, "Apple sells phones and services."), chunkOf("doc-1", 1, "Apple sells laptops.")]));
      store.completeIndexing(indexed("doc-2", [chunkOf("doc-2", 0, "Amazon sells books.")]));
      expect(["apple", "sells", "sell", "service", "unicorn"].map((word) => store.passagesContaining(word))).toEqual([2, 3, 3, 1, 0]);
      expect(store.passageCount()).toBe(3);
      search("apple sells");
      expect([store.passagesContaining("apple"), store.passagesContaining("sells")]).toEqual([2, 3]);
      store.deleteDocument("doc-1");
      expect([store.passagesContaining("apple"), store.passageCount()]).toEqual([0, 1]);
    });

    it("lists every indexed word as written, and a new document's words once a minute has passed", () => {
      vi.useFakeTimers({ now: new Date("2026-01-01T00:00:00Z"), toFake: ["Date"] });
      store.completeIndexing(
        indexed("doc-1", [chunkOf("doc-1", 0, "Gender-affirming care services are covered."), chunkOf("doc-1", 1, "Hearing services need a referral.")], {
          title: "Benefits Guide",
        }),
      );
      const words = store.indexedWords();
      expect([words.get("services"), words.get("gender"), words.get("benefits")]).toEqual([2, 1, 2]);
      expect(words.has("service")).toBe(false);
      store.completeIndexing(indexed("doc-2", [chunkOf("doc-2", 0, "The generator is tested monthly.")], { title: "B" }));
      vi.setSystemTime(new Date("2026-01-01T00:01:01Z"));
      expect(store.indexedWords().has("generator")).toBe(true);
    });

    it("answers repeated reads alike and follows writes here and through another handle", () => {
      const read = () => ({
        hits: chunkIds(search("generator")),
        chunkText: store.getChunks(["doc-1:0"]).get("doc-1:0")?.text,
        coverage: store.keywordCoverage({ words: ["generator", "parking"], passages: [{ chunkId: "doc-1:0", passageIndex: 0 }] }).get("doc-1:0#0"),
        containing: store.passagesContaining("generator"),
        passages: store.passageCount(),
      });
      store.completeIndexing(indexed("doc-1", [chunkOf("doc-1", 0, "Parking badges are issued at reception.")], { title: "A" }));
      const first = read();
      expect(first).toMatchObject({ hits: [], chunkText: "Parking badges are issued at reception.", containing: 0, passages: 1 });
      expect(read()).toEqual(first);
      store.completeIndexing(indexed("doc-1", [chunkOf("doc-1", 0, "The generator is tested monthly.")], { title: "A" }));
      expect(read()).toMatchObject({ hits: ["doc-1:0"], chunkText: "The generator is tested monthly.", containing: 1, passages: 1 });
      const other = opened.openAnother();
      try {
        other.completeIndexing(indexed("doc-2", [chunkOf("doc-2", 0, "A second generator.")], { title: "B" }));
        other.deleteDocument("doc-1");
      } finally {
        other.close();
      }
      expect(read()).toEqual({ hits: ["doc-2:0"], chunkText: undefined, coverage: undefined, containing: 1, passages: 1 });
    });
  });
}
