import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { toChatSources } from "@/lib/chat/sources";
import type { Embedder } from "@/lib/embeddings/types";
import { contentWords } from "@/lib/retrieval/keyword-query";
import { ABSENT_NAME_FACTOR, searchChunks, searchWithScope } from "@/lib/retrieval/search";
import { pageRangeOf, rankPassages } from "@/lib/retrieval/search-results";
import { cachedSearchChunks, createSearchCache } from "@/lib/retrieval/search-cache";
import { openSqliteRegistry } from "@/lib/storage/sqlite-registry";
import type { ChunkRecord, DocumentRegistry, NewPassage } from "@/lib/storage/registry-types";
import type { VectorMatch, VectorRecord, VectorStore } from "@/lib/vector-store/types";

/**
 * searchChunks end to end on a real registry (FTS5) with a bag-of-words embedder and an exact
 * in-memory vector store: page attribution, highlight, grouping of duplicates, threshold, modes.
 */

const DIMENSIONS = 64;
const MODEL = "bag-of-words"; // Unknown to the calibration: relevance equals cosine similarity.

function embed(text: string): number[] {
  const vector = new Array<number>(DIMENSIONS).fill(0);
  for (const word of contentWords(text)) {
    let hash = 0;
    for (const character of word) hash = (hash * 31 + character.charCodeAt(0)) % 1_000_003;
    vector[hash % DIMENSIONS] = (vector[hash % DIMENSIONS] ?? 0) + 1;
  }
  const norm = Math.hypot(...vector) || 1;
  return vector.map((value) => value / norm);
}

const embedder: Embedder = {
  modelId: MODEL,
  dimensions: DIMENSIONS,
  provider: "local",
  windowsFor: ({ text, prefix }) => Promise.resolve([`${prefix}\n${text}`]),
  embedDocuments: (texts) => Promise.resolve(texts.map(embed)),
  embedSentences: (texts) => Promise.resolve(texts.map(embed)),
  embedQuery: (text) => Promise.resolve(embed(text)),
  statistics: () => ({ busyMilliseconds: 0, inputs: { query: 0, sentence: 0, document: 0 }, wordPieces: 0 }),
};

function memoryVectorStore(): VectorStore & { records: VectorRecord[] } {
  const records: VectorRecord[] = [];
  return {
    records,
    collectionName: "memory",
    embeddingModel: MODEL,
    dimensions: DIMENSIONS,
    upsert: (batch) => {
      records.push(...batch);
      return Promise.resolve();
    },
    query: ({ vector, topK }) => {
      const matches: VectorMatch[] = records.map((record) => ({
        id: record.id,
        chunkId: record.chunkId,
        documentId: record.documentId,
        windowIndex: record.windowIndex,
        passageIndex: record.passageIndex ?? 0,
        distance: 1 - record.vector.reduce((sum, value, index) => sum + value * (vector[index] ?? 0), 0),
      }));
      return Promise.resolve(matches.sort((left, right) => left.distance - right.distance).slice(0, topK));
    },
    deleteDocument: () => Promise.resolve(),
    countDocumentVectors: () => Promise.resolve(0),
    readDocumentVectors: () => Promise.resolve([]),
    deleteVectors: () => Promise.resolve(),
    listDocumentVectorIds: () => Promise.resolve([]),
    listDocumentIds: () => Promise.resolve([]),
    listUnsearchableVectorIds: () => Promise.resolve([]),
    rewriteVectors: () => Promise.resolve([]),
    heartbeat: () => Promise.resolve(),
  };
}

let directory: string;
let registry: DocumentRegistry;
let vectorStore: ReturnType<typeof memoryVectorStore>;

/** Indexes one document whose pages are given as arrays of passages (one passage per entry). */
async function addDocument(options: { id: string; name: string; title: string; pages: Record<number, string[]> }) {
  registry.createDocument({ id: options.id, name: options.name, kind: "pdf", sizeBytes: 1, sha256: options.id.padStart(64, "0") });
  let text = "";
  const passages: NewPassage[] = [];
  const pageSpans: ChunkRecord["pageSpans"] = [];
  const chunkId = `${options.id}:0`;
  for (const [page, sentences] of Object.entries(options.pages)) {
    if (text) text += "\n\n";
    const pageStart = text.length;
    for (const sentence of sentences) {
      if (text.length > pageStart) text += " ";
      passages.push({
        chunkId,
        documentId: options.id,
        passageIndex: passages.length,
        start: text.length,
        end: text.length + sentence.length,
        page: Number(page),
        context: options.title,
      });
      text += sentence;
    }
    pageSpans.push({ page: Number(page), start: pageStart, end: text.length });
  }
  const pages = Object.keys(options.pages).map(Number);
  const chunk: ChunkRecord = {
    id: chunkId,
    documentId: options.id,
    chunkIndex: 0,
    text,
    pageStart: Math.min(...pages),
    pageEnd: Math.max(...pages),
    section: null,
    pageSpans,
    tokenCount: 100,
    embeddingModel: MODEL,
    createdAt: "2025-01-01T00:00:00.000Z",
  };
  const vectors = await embedder.embedDocuments(passages.map((passage) => `${passage.context}\n${text.slice(passage.start, passage.end)}`));
  await vectorStore.upsert(
    passages.map((passage, index) => ({
      id: `${chunkId}:${index}`,
      chunkId,
      documentId: options.id,
      chunkIndex: 0,
      windowIndex: index,
      passageIndex: passage.passageIndex,
      vector: vectors[index] ?? [],
      text: "",
      source: options.name,
      pageStart: chunk.pageStart,
      pageEnd: chunk.pageEnd,
      section: null,
      tokenCount: 10,
      createdAt: chunk.createdAt,
    })),
  );
  registry.completeIndexing({ id: options.id, chunks: [chunk], passages, embeddingModel: MODEL, pageCount: pages.length, title: options.title });
  return chunk;
}

const search = (query: string, extra: Partial<Parameters<typeof searchChunks>[0]> = {}) =>
  searchChunks({ query, topK: 5, threshold: 0, registry, embedder, vectorStore, ...extra });
/** The ids of the documents a search reports it preferred because the question names them. */
const preferredIds = async (query: string, extra: Partial<Parameters<typeof searchChunks>[0]> = {}) =>
  (await searchWithScope({ query, topK: 5, threshold: 0, registry, embedder, vectorStore, ...extra })).preferredDocuments.map((document) => document.documentId);

beforeEach(async () => {
  directory = await mkdtemp(path.join(tmpdir(), "cited-search-"));
  registry = openSqliteRegistry(path.join(directory, "app.db"));
  vectorStore = memoryVectorStore();
});

afterEach(async () => {
  registry.close();
  await rm(directory, { recursive: true, force: true });
});

describe("rankPassages", () => {
  it("orders passages by fused score and breaks ties by key", () => {
    const place = (documentId: string, page: number | null) => ({ chunkId: `${documentId}:0`, documentId, passageIndex: 0, page });
    const places = new Map([
      ["a#2", place("a", 2)],
      ["a#1", place("a", 1)],
      ["b#3", place("b", 3)],
      ["c#x", place("c", null)],
    ]);
    const fused = new Map([
      ["a#2", 0.5],
      ["a#1", 0.5],
      ["b#3", 0.9],
      ["c#x", 0.2],
      ["gone", 1],
    ]);
    expect(rankPassages({ fused, places }).map((item) => [item.key, item.score])).toEqual([
      ["b#3", 0.9],
      ["a#1", 0.5],
      ["a#2", 0.5],
      ["c#x", 0.2],
    ]);
  });
});

describe("pageRangeOf", () => {
  const spans = [
    { page: 3, start: 0, end: 40 },
    { page: 4, start: 42, end: 90 },
  ];
  it("is the span of the page, widened to hold the passage", () => {
    expect(pageRangeOf({ pageSpans: spans, page: 4, passage: { start: 50, end: 60 } })).toEqual({ start: 42, end: 90 });
    expect(pageRangeOf({ pageSpans: spans, page: 4, passage: { start: 41, end: 60 } })).toEqual({ start: 41, end: 90 });
  });
  it("is null without pages or for a page the chunk does not hold", () => {
    expect(pageRangeOf({ pageSpans: [], page: null, passage: { start: 0, end: 10 } })).toBeNull();
    expect(pageRangeOf({ pageSpans: spans, page: 9, passage: { start: 0, end: 10 } })).toBeNull();
  });
});

describe("searchChunks", () => {
  it("attributes a multi-page chunk to the page of the matching passage and highlights it", async () => {
    const chunk = await addDocument({
      id: "handbook",
      name: "handbook.pdf",
      title: "Employee Handbook",
      pages: {
        7: ["Performance reviews happen once a year with your manager.", "Reviews include written goals."],
        8: ["Workplace safety training is required for every new employee.", "Report hazards to the safety team."],
      },
    });
    const [result] = await search("When is workplace safety training required?");
    expect(result).toMatchObject({ chunkId: "handbook:0", documentName: "handbook.pdf", page: 8, pageStart: 7, pageEnd: 8 });
    expect(chunk.text.slice(result?.highlight.start, result?.highlight.end)).toBe("Workplace safety training is required for every new employee.");
    expect(result?.locations).toEqual([{ chunkId: "handbook:0", documentId: "handbook", documentName: "handbook.pdf", page: 8, highlight: result?.highlight }]);
    // The page range holds exactly page 8's text, and the chat's source quotes only that page.
    const pageText = chunk.text.slice(result?.pageRange?.start, result?.pageRange?.end);
    expect(pageText).toContain("Workplace safety training is required");
    expect(pageText).toContain("Report hazards to the safety team.");
    expect(pageText).not.toContain("Performance reviews");
    const [source] = toChatSources(result ? [result] : []);
    expect(source).toMatchObject({ index: 1, page: 8, pageStart: 8, pageEnd: 8, text: pageText });
  });

  it("returns one result per page and groups the same text from two documents with both locations", async () => {
    const shared = "Balance billing protection does not apply to emergency services or out-of-network providers.";
    await addDocument({ id: "standard", name: "standard.pdf", title: "Northwind Standard", pages: { 7: [shared], 9: ["Claims are filed within ninety days of the service."] } });
    await addDocument({ id: "plus", name: "plus.pdf", title: "Northwind Health Plus", pages: { 8: [shared] } });
    const results = await search("Does balance billing protection apply to emergency services?");
    const first = results[0];
    expect(first?.locations.map((item) => `${item.documentName}#${item.page}`).sort()).toEqual(["plus.pdf#8", "standard.pdf#7"]);
    // The duplicate does not take a second slot.
    expect(results.filter((item) => item.text.slice(item.highlight.start, item.highlight.end) === shared)).toHaveLength(1);
    // The document named in the question leads its group.
    const plus = await search("Does Northwind Health Plus balance billing protection apply to emergency services?");
    expect(plus[0]).toMatchObject({ documentName: "plus.pdf", page: 8 });
  });

  it("applies the threshold to the calibrated score and returns nothing for an unrelated question", async () => {
    await addDocument({ id: "handbook", name: "handbook.pdf", title: "Employee Handbook", pages: { 1: ["Workplace safety training is required for every new employee."] } });
    expect(await search("Who won the football world cup?", { threshold: 0.3 })).toEqual([]);
    const results = await search("workplace safety training", { threshold: 0.3 });
    expect(results).toHaveLength(1);
    expect(results[0]?.score).toBeGreaterThanOrEqual(0.3);
    expect(results[0]?.score).toBeLessThanOrEqual(1);
  });

  it("scales down every result of a question naming something the library never mentions", async () => {
    await addDocument({ id: "acme", name: "acme.pdf", title: "Acme Annual Report", pages: { 1: ["Acme membership fee revenue was 4 million dollars."] } });
    const known = await search("What was the membership fee revenue at Acme?");
    const absent = await search("What was the membership fee revenue at Costco?");
    expect(known[0]?.documentId).toBe("acme");
    expect(absent[0]?.documentId).toBe("acme");
    expect(absent[0]?.score).toBeLessThanOrEqual((known[0]?.score ?? 0) * ABSENT_NAME_FACTOR);
    // A typo of a library word is not a name the library lacks.
    expect((await search("What was the membership fee revenue at Acmee?"))[0]?.score).toBeGreaterThan(absent[0]?.score ?? 1);
  });

  it("ranks by one retriever alone in vector and keyword mode", async () => {
    await addDocument({
      id: "plan",
      name: "plan.pdf",
      title: "Plan",
      pages: {
        1: ["Hearing aids are covered once every three years."],
        2: ["The TMJ clinic code is X42 for jaw treatment."],
      },
    });
    const keyword = await search("X42", { mode: "keyword" });
    expect(keyword[0]?.page).toBe(2);
    const vector = await search("Are hearing aids covered?", { mode: "vector" });
    expect(vector[0]?.page).toBe(1);
    await expect(search("   ")).rejects.toMatchObject({ code: "search.invalid_query" });
  });

  it("corrects a misspelled word the library does not contain before searching", async () => {
    await addDocument({
      id: "plan",
      name: "plan.pdf",
      title: "Plan",
      pages: {
        1: ["Hearing aids are covered once every three years."],
        2: ["Gender-affirming care is covered after a consultation."],
      },
    });
    const [result] = await search("gendr", { mode: "keyword" });
    expect(result?.page).toBe(2);
  });

  it("searches only the requested documents", async () => {
    await addDocument({ id: "a", name: "a.pdf", title: "A", pages: { 1: ["Dental cleanings are covered twice a year."] } });
    await addDocument({ id: "b", name: "b.pdf", title: "B", pages: { 1: ["Dental cleanings are covered twice a year for children."] } });
    const results = await search("dental cleanings", { documentIds: ["b"] });
    expect(results.map((result) => result.documentId)).toEqual(["b"]);
    expect(results[0]?.locations.map((item) => item.documentId)).toEqual(["b"]);
  });
  it("prefers the documents a question names by proper names, and still searches the others", async () => {
    await addDocument({
      id: "acme",
      name: "acme-2023.pdf",
      title: "Acme Quarterly Report",
      pages: { 1: ["Acme Corporation quarterly report."], 2: ["Research spending rose to 12 million dollars."] },
    });
    await addDocument({
      id: "globex",
      name: "globex-2023.pdf",
      title: "Globex Quarterly Report",
      pages: { 1: ["Globex Corporation quarterly report."], 2: ["Research and development spending rose sharply this quarter to 40 million."] },
    });
    // A name word is in fewer than half of the library's names (document-names.ts): a third document.
    await addDocument({ id: "initech", name: "initech-2023.pdf", title: "Initech Quarterly Report", pages: { 1: ["Initech Corporation quarterly report."], 2: ["Sales grew."] } });
    const unnamed = await search("research and development spending this quarter");
    expect(unnamed[0]?.documentId).toBe("globex");
    expect(unnamed.map((result) => result.documentId)).toEqual(expect.arrayContaining(["acme", "globex"]));
    // Globex's page says it better, but the question asks about Acme: Acme leads, Globex is still found.
    const named = await search("How did Acme research and development spending change this quarter?");
    expect(named[0]?.documentId).toBe("acme");
    expect(named.map((result) => result.documentId)).toContain("globex");
    expect(await preferredIds("How did Acme research and development spending change?")).toEqual(["acme"]);
    expect(await preferredIds("How did Acme research spending change?", { documentIds: ["globex", "initech"] })).toEqual([]);
    // Lower case is not a name: both documents stay searchable.
    const lowerCase = await search("how did acme research and development spending change this quarter?");
    expect(lowerCase.map((result) => result.documentId)).toEqual(expect.arrayContaining(["acme", "globex"]));
    expect(await preferredIds("how did acme research and development spending change?")).toEqual([]);
    // A file name names its document in lower case too.
    const byFileName = await search("how did research and development spending change in globex-2023.pdf?");
    expect(byFileName[0]?.documentId).toBe("globex");
    expect(await preferredIds("how did research and development spending change in globex-2023.pdf?")).toEqual(["globex"]);
  });

  it("lifts another document's passage that says the names a question uses, as it lifts the named documents", async () => {
    const booklet = (id: string, name: string) =>
      addDocument({
        id,
        name: `${id}.pdf`,
        title: `${name} Plan Booklet`,
        pages: { 1: [`${name} plan booklet.`], 2: [`Which drugs the ${name} plan covers: the drugs in the ${name} plans formulary.`] },
      });
    await booklet("alpha", "Alpha");
    await booklet("beta", "Beta");
    await addDocument({
      id: "options",
      name: "options.pdf",
      title: "Plan Options",
      pages: { 1: ["Choosing your plan."], 2: ["Alpha covers specialty drugs; Beta covers only generic drugs."] },
    });
    await addDocument({ id: "handbook", name: "handbook.pdf", title: "Employee Handbook", pages: { 1: ["Employee handbook."], 2: ["Specialty coffee is served on Fridays."] } });
    await addDocument({ id: "travel", name: "travel.pdf", title: "Travel Rules", pages: { 1: ["Travel rules."], 2: ["Drugs may not be carried across borders."] } });
    const question = "Which of the Alpha and Beta plans covers specialty drugs?";
    expect((await preferredIds(question)).sort()).toEqual(["alpha", "beta"]);
    const results = await search(question);
    expect(`${results[0]?.documentId}#${results[0]?.page}`).toBe("options#2");
    // Without the lift for passages that say the names, the named booklets' pages come first.
    const unlifted = await search(question, { namedWeight: 0 });
    expect(unlifted[0]?.documentId).toBe("options");
  });

  it("takes \"the latest report\" of a named company as that company's latest, not the library's", async () => {
    const filing = (id: string, title: string, text: string) =>
      addDocument({ id, name: `${title}.pdf`, title, pages: { 1: [`${title.split(" ")[0] ?? ""} quarterly report.`], 2: [text] } });
    await filing("acme-q1", "Acme 2023 Q1", "Acme revenue was 5 million dollars in the quarter.");
    await filing("acme-q2", "Acme 2023 Q2", "Acme revenue was 5 million dollars in the quarter.");
    await filing("globex-q3", "Globex 2023 Q3", "Globex revenue was 9 million dollars.");
    await filing("initech-q3", "Initech 2023 Q3", "Initech sales grew.");
    await filing("umbrella-q3", "Umbrella 2023 Q3", "Umbrella sales grew.");
    const results = await search("What was the revenue in Acme's latest report?");
    expect(results[0]?.documentId).toBe("acme-q2");
    // A name is a preference, not a scope: the other companies' pages may follow.
    // Acme's first-quarter page says the same words: it folds into that result as a location.
    expect(results[0]?.locations.map((location) => location.documentId)).toContain("acme-q1");
  });

  it("with coverEveryPart (chat), searches each part of a two-part question, so the second part's page is not crowded out by the first part's section", async () => {
    await addDocument({
      id: "plan",
      name: "plan.pdf",
      title: "Benefits",
      pages: {
        1: ["Prior authorization approval requests are reviewed by the plan before the service.", "Requests need the physician's notes."],
        2: ["Prior authorization approval requests are reviewed by a nurse within five days."],
        3: ["Prior authorization approval requests that are denied are reviewed again on appeal."],
        4: ["Urgent prior authorization approval requests are reviewed within one day."],
        20: ["Hospice: nursing and counselling at home."],
      },
    });
    const question = "How are prior authorization approval requests reviewed, and which hospice care services are covered?";
    const pages = (results: { page: number | null }[]) => results.map((result) => result.page);
    expect(pages(await search(question, { topK: 4 }))).not.toContain(20);
    const results = await search(question, { topK: 4, coverEveryPart: true });
    expect(pages(results)).toContain(20);
    // The whole question's best two lead; one result per page.
    expect(pages(results).slice(0, 2)).toEqual(pages(await search(question, { topK: 4 })).slice(0, 2));
    expect(new Set(pages(results)).size).toBe(4);
  });
  it("with coverEveryPart (chat), searches the question's words its best pages never mention, within their documents", async () => {
    await addDocument({
      id: "plan",
      name: "plan.pdf",
      title: "Benefits",
      pages: {
        1: ["The prior authorization process: approval requests are reviewed by the plan before the service."],
        2: ["During the prior authorization process approval requests are reviewed by a nurse within five days."],
        3: ["In the prior authorization process approval requests that are denied are reviewed again on appeal."],
        4: ["Urgent prior authorization process approval requests are reviewed within one day."],
        20: ["Your coinsurance is twenty percent of the allowed amount after the deductible."],
      },
    });
    await addDocument({ id: "other", name: "other.pdf", title: "Handbook", pages: { 1: ["Coinsurance is a word this handbook mentions once."] } });
    const question = "How does the prior authorization process for approval requests affect coinsurance?";
    const pages = (results: { documentName: string; page: number | null }[]) => results.map((result) => `${result.documentName}#${result.page}`);
    const whole = pages(await search(question, { topK: 3 }));
    expect(whole).not.toContain("plan.pdf#20");
    const results = pages(await search(question, { topK: 3, coverEveryPart: true }));
    expect(results).toContain("plan.pdf#20");
    expect(results).not.toContain("other.pdf#1");
    expect(results.slice(0, 2)).toEqual(whole.slice(0, 2));
  });
});

describe("cachedSearchChunks", () => {
  it("answers a repeated search from the cache until the library changes, and never from another query's or option's entry", async () => {
    await addDocument({ id: "handbook", name: "handbook.pdf", title: "Employee Handbook", pages: { 1: ["Parking badges are issued at reception."] } });
    const cache = createSearchCache({ entries: 100 });
    const cached = (query: string, extra: Partial<Parameters<typeof searchChunks>[0]> = {}) =>
      cachedSearchChunks({ cache, query, topK: 5, threshold: 0, registry, embedder, vectorStore, ...extra });
    const first = await cached("Where are parking badges issued?");
    expect(first.map((result) => result.documentName)).toEqual(["handbook.pdf"]);
    expect(await cached("  Where are parking badges issued?")).toBe(first);
    expect(await cached("Where are parking badges issued?", { topK: 3 })).not.toBe(first);
    expect(await cached("Where are parking badges issued?", { documentIds: ["none"] })).toEqual([]);
    expect(cache.statistics()).toMatchObject({ hits: 1, misses: 3 });

    // A new document on its way (queued → parsing → embedding) changes nothing search can find.
    registry.createDocument({ id: "incoming", name: "incoming.pdf", kind: "pdf", sizeBytes: 1, sha256: "f".repeat(64) });
    registry.updateProgress("incoming", { status: "parsing" });
    registry.updateProgress("incoming", { status: "embedding", title: "Incoming" });
    expect(await cached("  Where are parking badges issued?")).toBe(first);

    // A new ready document, a status change and a deletion each make the next search fresh.
    await addDocument({ id: "guide", name: "guide.pdf", title: "Visitor Guide", pages: { 2: ["Parking badges for visitors are issued at the gate."] } });
    const withGuide = await cached("Where are parking badges issued?");
    expect(withGuide.map((result) => result.documentName).sort()).toEqual(["guide.pdf", "handbook.pdf"]);
    registry.updateProgress("guide", { status: "parsing" });
    expect((await cached("Where are parking badges issued?")).map((result) => result.documentName)).toEqual(["handbook.pdf"]);
    registry.deleteDocument("handbook");
    expect(await cached("Where are parking badges issued?")).toEqual([]);
  });
});
