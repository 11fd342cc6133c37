import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { keywordTerms } from "@/lib/retrieval/keyword-query";
import { openConversationStore } from "@/lib/storage/conversation-store";
import { migrate } from "@/lib/storage/sqlite-migrations";
import { openSqliteRegistry } from "@/lib/storage/sqlite-registry";
import { createSeededRandom } from "@/tests/support/seeded-random";
import type { ChunkRecord, DocumentRegistry, NewPassage } from "@/lib/storage/registry-types";

/** The FTS5 keyword index in the registry stays in step with chunks on index, reindex, failure and delete. */

let directory: string;
let registry: DocumentRegistry;

function chunk(documentId: string, chunkIndex: number, text: string): ChunkRecord {
  return {
    id: `${documentId}:${chunkIndex}`,
    documentId,
    chunkIndex,
    text,
    pageStart: chunkIndex + 1,
    pageEnd: chunkIndex + 1,
    section: null,
    pageSpans: [{ page: chunkIndex + 1, start: 0, end: text.length }],
    tokenCount: 10,
    embeddingModel: "m",
    createdAt: "2025-01-01T00:00:00.000Z",
  };
}

function passage(chunkRecord: ChunkRecord, passageIndex: number, start: number, end: number, context = "Handbook"): NewPassage {
  return { chunkId: chunkRecord.id, documentId: chunkRecord.documentId, passageIndex, start, end, page: chunkRecord.pageStart, context };
}

function search(query: string, documentIds?: string[]) {
  return registry.searchKeywords({ terms: keywordTerms(query) ?? [], limit: 10, documentIds });
}

function ftsRows(): number {
  const database = new Database(path.join(directory, "app.db"), { readonly: true });
  try {
    return (database.prepare("SELECT count(*) AS count FROM passages_fts").get() as { count: number }).count;
  } finally {
    database.close();
  }
}

beforeEach(async () => {
  directory = await mkdtemp(path.join(tmpdir(), "cited-keywords-"));
  registry = openSqliteRegistry(path.join(directory, "app.db"));
  for (const id of ["doc-1", "doc-2"]) {
    registry.createDocument({ id, name: `${id}.pdf`, kind: "pdf", sizeBytes: 1, sha256: id.padStart(64, "0") });
  }
});

afterEach(async () => {
  registry.close();
  await rm(directory, { recursive: true, force: true });
});

describe("keyword index", () => {
  it("indexes passages with their context and ranks by BM25", () => {
    const first = chunk("doc-1", 0, "Dental cleanings are covered twice a year. Vision exams are covered yearly.");
    registry.completeIndexing({
      id: "doc-1",
      chunks: [first],
      passages: [passage(first, 0, 0, 42, "Northwind Standard"), passage(first, 1, 43, first.text.length, "Northwind Standard")],
      embeddingModel: "m",
      pageCount: 1,
      title: "Northwind Standard",
    });
    const matches = search("Are dental cleanings covered?");
    expect(matches[0]).toMatchObject({ chunkId: "doc-1:0", passageIndex: 0, start: 0, end: 42, page: 1 });
    expect(matches[0]?.score).toBeGreaterThan(matches[1]?.score ?? 0);
    // The context (title) is searchable too, and stemming matches "covers" with "covered".
    expect(search("standard").length).toBe(2);
    expect(search("What does it cover for vision?")[0]).toMatchObject({ passageIndex: 1 });
  });

  it("indexes each chunk whole when no passages are given", () => {
    registry.completeIndexing({
      id: "doc-1",
      chunks: [chunk("doc-1", 0, "Parking is free."), chunk("doc-1", 1, "Lunch is at noon.")],
      embeddingModel: "m",
      pageCount: 2,
      title: null,
    });
    expect(search("parking")).toEqual([expect.objectContaining({ chunkId: "doc-1:0", passageIndex: 0, start: 0, end: 16 })]);
    expect(registry.getPassages(["doc-1:1"]).get("doc-1:1")).toEqual([{ chunkId: "doc-1:1", documentId: "doc-1", passageIndex: 0, start: 0, end: 17, page: 2 }]);
  });

  it("replaces a document's passages on reindex and clears them on reset, failure and delete", () => {
    registry.completeIndexing({ id: "doc-1", chunks: [chunk("doc-1", 0, "Old wording about parking.")], embeddingModel: "m", pageCount: 1, title: null });
    registry.completeIndexing({ id: "doc-2", chunks: [chunk("doc-2", 0, "Parking for visitors.")], embeddingModel: "m", pageCount: 1, title: null });
    registry.completeIndexing({ id: "doc-1", chunks: [chunk("doc-1", 0, "New wording about lunch.")], embeddingModel: "m", pageCount: 1, title: null });
    expect(search("wording").map((match) => match.documentId)).toEqual(["doc-1"]);
    expect(search("parking").map((match) => match.documentId)).toEqual(["doc-2"]);
    expect(ftsRows()).toBe(2);

    registry.resetForIndexing("doc-1");
    expect(search("lunch")).toEqual([]);
    registry.completeIndexing({ id: "doc-1", chunks: [chunk("doc-1", 0, "Lunch again.")], embeddingModel: "m", pageCount: 1, title: null });
    registry.failIndexing({ id: "doc-1", code: "indexing.failed", message: "y" });
    expect(search("lunch")).toEqual([]);
    registry.deleteDocument("doc-2");
    expect(search("parking")).toEqual([]);
    expect(ftsRows()).toBe(0);
  });

  it("filters by document and treats FTS syntax in questions as plain words", () => {
    registry.completeIndexing({ id: "doc-1", chunks: [chunk("doc-1", 0, "Copay NEAR deductible")], embeddingModel: "m", pageCount: 1, title: null });
    registry.completeIndexing({ id: "doc-2", chunks: [chunk("doc-2", 0, "Copay and more")], embeddingModel: "m", pageCount: 1, title: null });
    expect(search("copay", ["doc-2"]).map((match) => match.documentId)).toEqual(["doc-2"]);
    expect(search("copay", [])).toEqual([]);
    expect(() => search('"copay" NEAR( OR * deductible:')).not.toThrow();
    expect(search('copay" OR "x').length).toBe(2);
  });

  it("ranks and scores exactly as FTS5's bm25() over the terms joined with OR", () => {
    // Passages of random words from a small vocabulary: many ties, repeated words, long and short rows.
    const random = createSeededRandom(7);
    const vocabulary = ["copay", "deductible", "dental", "vision", "claim", "network", "provider", "plan", "care", "hospital"];
    for (const documentId of ["doc-1", "doc-2"]) {
      const chunks = Array.from({ length: 40 }, (_, index) =>
        chunk(documentId, index, Array.from({ length: 2 + Math.floor(random() * 12) }, () => vocabulary[Math.floor(random() * vocabulary.length)]).join(" ")),
      );
      registry.completeIndexing({ id: documentId, chunks, embeddingModel: "m", pageCount: chunks.length, title: null });
    }
    const database = new Database(path.join(directory, "app.db"), { readonly: true });
    const fts5 = database.prepare(
      `SELECT passages.chunk_id AS chunkId, passages.passage_index AS passageIndex, -bm25(passages_fts, 1, 1) AS score
       FROM passages_fts JOIN passages ON passages.id = passages_fts.rowid
       WHERE passages_fts MATCH @match AND (@documentIds IS NULL OR passages.document_id IN (SELECT value FROM json_each(@documentIds)))
       ORDER BY bm25(passages_fts, 1, 1) LIMIT @limit`,
    );
    try {
      const cases: { terms: string[]; limit: number; documentIds?: string[] }[] = [
        { terms: ["copay", "dental", "hospital"], limit: 200 },
        { terms: ["copay", "dental", "hospital"], limit: 7 },
        { terms: ["care", "plan", "network", "claim"], limit: 15 },
        { terms: ["vision", "copay vision", "dental care"], limit: 200 },
        { terms: ["provider", "provider", "claim"], limit: 30 },
        { terms: ["deductible", "plan"], limit: 10, documentIds: ["doc-2"] },
        { terms: ["unicorn", "copay"], limit: 200 },
      ];
      for (const { terms, limit, documentIds } of cases) {
        const expected = fts5.all({ match: terms.map((word) => `"${word}"`).join(" OR "), limit, documentIds: documentIds ? JSON.stringify(documentIds) : null });
        const actual = registry.searchKeywords({ terms, limit, documentIds }).map((match) => ({ chunkId: match.chunkId, passageIndex: match.passageIndex, score: match.score }));
        expect(actual).toEqual(expected);
      }
    } finally {
      database.close();
    }
  });

  it("reads each term's scores from the index once, not once per query", () => {
    registry.completeIndexing({
      id: "doc-1",
      chunks: [chunk("doc-1", 0, "Dental cleanings."), chunk("doc-1", 1, "Vision exams."), chunk("doc-1", 2, "Dental and vision.")],
      embeddingModel: "m",
      pageCount: 3,
      title: null,
    });
    registry.searchKeywords({ terms: ["dental"], limit: 10 });
    registry.searchKeywords({ terms: ["vision"], limit: 10 });
    // Every statement shares one prototype: count the runs of those that score with bm25().
    const probe = new Database(":memory:");
    const prototype = Object.getPrototypeOf(probe.prepare("SELECT 1")) as { all: (...args: unknown[]) => unknown };
    probe.close();
    const all = vi.spyOn(prototype, "all");
    try {
      const matches = registry.searchKeywords({ terms: ["vision", "dental", "cleanings"], limit: 10 });
      expect(matches.map((match) => match.chunkId)).toEqual(["doc-1:0", "doc-1:2", "doc-1:1"]);
      // Only the term not read before is scored by FTS5.
      const scoring = all.mock.calls.filter((_, index) => String((all.mock.contexts[index] as { source?: string }).source).includes("bm25("));
      expect(scoring).toEqual([['"cleanings"']]);
    } finally {
      all.mockRestore();
    }
    // A change of the index empties the cache.
    registry.completeIndexing({ id: "doc-1", chunks: [chunk("doc-1", 0, "Vision only.")], embeddingModel: "m", pageCount: 1, title: null });
    expect(registry.searchKeywords({ terms: ["vision", "dental"], limit: 10 }).map((match) => match.chunkId)).toEqual(["doc-1:0"]);
  });

  it("backfills chunks indexed before the keyword index existed", () => {
    registry.completeIndexing({ id: "doc-1", chunks: [chunk("doc-1", 0, "Parking is free for staff.")], embeddingModel: "m", pageCount: 1, title: "Handbook" });
    registry.close();
    // Turn the file back into a version-1 database: documents and chunks only.
    const database = new Database(path.join(directory, "app.db"));
    database.exec("DROP TRIGGER passages_delete_fts; DROP TABLE passages_fts; DROP TABLE passages; DROP TABLE index_generation;");
    database.pragma("user_version = 1");
    migrate(database);
    expect(database.pragma("user_version", { simple: true })).toBe(3);
    database.close();
    registry = openSqliteRegistry(path.join(directory, "app.db"));
    expect(search("parking")).toEqual([expect.objectContaining({ chunkId: "doc-1:0", passageIndex: 0, start: 0, end: 26, page: 1 })]);
    expect(search("handbook")).toHaveLength(1);
  });
});

describe("keyword coverage", () => {
  it("weights the question's words by rarity and counts the ones each passage holds", () => {
    const first = chunk("doc-1", 0, "Gender affirming care is covered. Dental care is covered.");
    registry.completeIndexing({
      id: "doc-1",
      chunks: [first],
      passages: [passage(first, 0, 0, 33, "Plan"), passage(first, 1, 34, first.text.length, "Plan")],
      embeddingModel: "m",
      pageCount: 1,
      title: "Plan",
    });
    const coverage = registry.keywordCoverage({
      words: ["gender", "affirming", "care", "plan"],
      passages: [
        { chunkId: "doc-1:0", passageIndex: 0 },
        { chunkId: "doc-1:0", passageIndex: 1 },
      ],
    });
    // "care" and "plan" are in every passage (little weight); "gender" and "affirming" only in the first.
    expect(coverage.get("doc-1:0#0")).toBeCloseTo(1, 10);
    expect(coverage.get("doc-1:0#1")).toBeLessThan(0.25);
    const missing = registry.keywordCoverage({ words: ["gender", "unicorn"], passages: [{ chunkId: "doc-1:0", passageIndex: 0 }] });
    expect(missing.get("doc-1:0#0")).toBeGreaterThan(0);
    expect(missing.get("doc-1:0#0")).toBeLessThan(0.6);
    expect(registry.keywordCoverage({ words: ["gender"], passages: [] }).size).toBe(0);
  });

  it("counts a document's name words as held by each of its passages", () => {
    const first = chunk("doc-1", 0, "Net sales rose. Dental care is covered.");
    registry.completeIndexing({ id: "doc-1", chunks: [first], passages: [passage(first, 0, 0, 15, "2023 Q1 AAPL")], embeddingModel: "m", pageCount: 1, title: "2023 Q1 AAPL" });
    const passages = [{ chunkId: "doc-1:0", passageIndex: 0 }];
    const without = registry.keywordCoverage({ words: ["apple", "sales"], passages }).get("doc-1:0#0") ?? 0;
    const named = registry.keywordCoverage({ words: ["apple", "sales"], passages, documentWords: new Map([["doc-1", new Set(["apple"])]]) }).get("doc-1:0#0") ?? 0;
    expect(without).toBeGreaterThan(0);
    expect(without).toBeLessThan(1);
    expect(named).toBeCloseTo(1, 10);
  });
});

describe("document covers", () => {
  it("holds each document's first page, or first chunk without pages, and follows writes", () => {
    registry.completeIndexing({
      id: "doc-1",
      chunks: [chunk("doc-1", 0, "Apple Inc. Form 10-Q"), chunk("doc-1", 1, "Net sales rose.")],
      embeddingModel: "m",
      pageCount: 2,
      title: "A",
    });
    const pageless = { ...chunk("doc-2", 0, "Amazon.com, Inc."), pageStart: null, pageEnd: null, pageSpans: [] };
    registry.completeIndexing({
      id: "doc-2",
      chunks: [pageless, { ...chunk("doc-2", 1, "Books."), pageStart: null, pageEnd: null, pageSpans: [] }],
      embeddingModel: "m",
      pageCount: null,
      title: "B",
    });
    expect(registry.documentCovers()).toEqual(
      new Map([
        ["doc-1", "Apple Inc. Form 10-Q"],
        ["doc-2", "Amazon.com, Inc."],
      ]),
    );
    registry.deleteDocument("doc-1");
    expect([...registry.documentCovers().keys()]).toEqual(["doc-2"]);
  });
});

describe("passage counts", () => {
  it("counts the passages holding a word and in all, following writes", () => {
    registry.completeIndexing({
      id: "doc-1",
      chunks: [chunk("doc-1", 0, "Apple sells phones."), chunk("doc-1", 1, "Apple sells laptops.")],
      embeddingModel: "m",
      pageCount: 2,
      title: "A",
    });
    registry.completeIndexing({ id: "doc-2", chunks: [chunk("doc-2", 0, "Amazon sells books.")], embeddingModel: "m", pageCount: 1, title: "B" });
    expect([registry.passagesContaining("apple"), registry.passagesContaining("sells"), registry.passagesContaining("unicorn")]).toEqual([2, 3, 0]);
    expect(registry.passageCount()).toBe(3);
    // Read from a query word's keyword list (searched first), a word's postings are the same.
    const fresh = openSqliteRegistry(path.join(directory, "app.db"));
    try {
      fresh.searchKeywords({ terms: ["apple", "sells"], limit: 10 });
      expect([fresh.passagesContaining("apple"), fresh.passagesContaining("sells")]).toEqual([2, 3]);
    } finally {
      fresh.close();
    }
    // The cache follows writes.
    registry.deleteDocument("doc-1");
    expect(registry.passagesContaining("apple")).toBe(0);
    expect(registry.passageCount()).toBe(1);
  });
});

describe("words for typo correction", () => {
  it("counts passages per word as the index stems them, and lists every indexed word as written", () => {
    registry.completeIndexing({
      id: "doc-1",
      chunks: [chunk("doc-1", 0, "Gender-affirming care services are covered."), chunk("doc-1", 1, "Hearing services need a referral.")],
      embeddingModel: "m",
      pageCount: 2,
      title: "Benefits Guide",
    });
    expect(registry.passagesContaining("services")).toBe(2);
    expect(registry.passagesContaining("service")).toBe(2);
    expect(registry.passagesContaining("gendr")).toBe(0);
    const words = registry.indexedWords();
    expect(words.get("services")).toBe(2);
    expect(words.get("gender")).toBe(1);
    // The title is indexed as each passage's context, so its words count once per passage.
    expect(words.get("benefits")).toBe(2);
    expect(words.has("gendr")).toBe(false);
  });

  it("picks up this process's own writes once the minute between rebuilds has passed", () => {
    vi.useFakeTimers({ now: new Date("2026-01-01T00:00:00Z"), toFake: ["Date"] });
    try {
      registry.completeIndexing({ id: "doc-1", chunks: [chunk("doc-1", 0, "Parking badges are issued.")], embeddingModel: "m", pageCount: 1, title: "A" });
      expect(registry.indexedWords().has("generator")).toBe(false);
      registry.completeIndexing({ id: "doc-2", chunks: [chunk("doc-2", 0, "The generator is tested monthly.")], embeddingModel: "m", pageCount: 1, title: "B" });
      // Within the minute the vocabulary is reused; after it, the new document's words are in.
      expect(registry.indexedWords().has("generator")).toBe(false);
      vi.setSystemTime(new Date("2026-01-01T00:01:01Z"));
      expect(registry.indexedWords().has("generator")).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("read caches", () => {
  const read = () => ({
    keywordHits: search("generator").map((match) => match.chunkId),
    chunkText: registry.getChunks(["doc-1:0"]).get("doc-1:0")?.text,
    passages: registry.getPassages(["doc-1:0"]).get("doc-1:0")?.length ?? 0,
    coverage: registry.keywordCoverage({ words: ["generator", "parking"], passages: [{ chunkId: "doc-1:0", passageIndex: 0 }] }).get("doc-1:0#0"),
    containing: registry.passagesContaining("generator"),
  });

  // One passage in the index: a word in it weighs ln(2 / 1.5), a word in none ln(2 / 0.5).
  const halfCovered = Math.log(2 / 1.5) / (Math.log(2 / 1.5) + Math.log(2 / 0.5));

  it("answer repeated reads the same and follow this process's reindexing and deletion", () => {
    registry.completeIndexing({ id: "doc-1", chunks: [chunk("doc-1", 0, "Parking badges are issued at reception.")], embeddingModel: "m", pageCount: 1, title: "A" });
    const first = read();
    expect(first).toEqual({ keywordHits: [], chunkText: "Parking badges are issued at reception.", passages: 1, coverage: halfCovered, containing: 0 });
    expect(read()).toEqual(first);

    registry.completeIndexing({ id: "doc-1", chunks: [chunk("doc-1", 0, "The generator is tested monthly.")], embeddingModel: "m", pageCount: 1, title: "A" });
    const reindexed = read();
    expect(reindexed.keywordHits).toEqual(["doc-1:0"]);
    expect(reindexed.chunkText).toBe("The generator is tested monthly.");
    expect(reindexed.coverage).toBeCloseTo(halfCovered, 10);
    expect(reindexed.containing).toBe(1);

    registry.deleteDocument("doc-1");
    expect(read()).toEqual({ keywordHits: [], chunkText: undefined, passages: 0, coverage: undefined, containing: 0 });
  });

  it("follow writes made through another connection to the same file (npm run ingest)", () => {
    registry.completeIndexing({ id: "doc-1", chunks: [chunk("doc-1", 0, "Parking badges are issued at reception.")], embeddingModel: "m", pageCount: 1, title: "A" });
    expect(read().keywordHits).toEqual([]);
    const other = openSqliteRegistry(path.join(directory, "app.db"));
    try {
      other.completeIndexing({ id: "doc-1", chunks: [chunk("doc-1", 0, "The generator is tested monthly.")], embeddingModel: "m", pageCount: 1, title: "A" });
    } finally {
      other.close();
    }
    const after = read();
    expect(after.keywordHits).toEqual(["doc-1:0"]);
    expect(after.chunkText).toBe("The generator is tested monthly.");
    expect(after.containing).toBe(1);
  });
  it("stay cached while another connection writes only conversations (a chat must not empty the search caches)", () => {
    registry.completeIndexing({ id: "doc-1", chunks: [chunk("doc-1", 0, "Parking badges are issued at reception.")], embeddingModel: "m", pageCount: 1, title: "A" });
    const first = search("parking badges");
    expect(first.map((match) => match.chunkId)).toEqual(["doc-1:0"]);
    const conversations = openConversationStore(path.join(directory, "app.db"));
    try {
      conversations.appendMessages({
        conversationId: "c-1",
        title: "Parking",
        messages: [{ id: "m-1", role: "user", parts: [{ type: "text", text: "Where are parking badges issued?" }] }],
      });
    } finally {
      conversations.close();
    }
    // The same array: answered from the cache, not by a new FTS query.
    expect(search("parking badges")).toBe(first);
    const other = openSqliteRegistry(path.join(directory, "app.db"));
    try {
      other.completeIndexing({ id: "doc-2", chunks: [chunk("doc-2", 0, "Parking badges expire yearly.")], embeddingModel: "m", pageCount: 1, title: "B" });
    } finally {
      other.close();
    }
    expect(
      search("parking badges")
        .map((match) => match.chunkId)
        .sort(),
    ).toEqual(["doc-1:0", "doc-2:0"]);
  });
});

describe("the cached document list", () => {
  it("follows every write, here and through another connection", () => {
    const statusOf = (id: string) => registry.listDocuments().find((document) => document.id === id)?.status;
    expect(statusOf("doc-1")).toBe("queued");
    registry.updateProgress("doc-1", { status: "embedding", chunksEmbedded: 0, chunksTotal: 1 });
    expect(statusOf("doc-1")).toBe("embedding");
    // A caller changing the returned array does not change the next answer.
    registry.listDocuments().length = 0;
    expect(registry.listDocuments()).toHaveLength(2);
    const other = openSqliteRegistry(path.join(directory, "app.db"));
    try {
      other.completeIndexing({ id: "doc-1", chunks: [chunk("doc-1", 0, "Text.")], embeddingModel: "m", pageCount: 1, title: "A" });
      other.deleteDocument("doc-2");
    } finally {
      other.close();
    }
    expect(statusOf("doc-1")).toBe("ready");
    expect(statusOf("doc-2")).toBeUndefined();
  });
});
