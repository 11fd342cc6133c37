import { describe, expect, it } from "vitest";
import { type ChunkDraft, chunkBlocks } from "@/lib/ingest/chunker";
import type { TextBlock } from "@/lib/contracts/documents";
import { countTokens } from "@/lib/text/tokens";
import { createSeededRandom } from "@/tests/support/seeded-random";

// Ordinary words, none of them an abbreviation the sentence splitter would refuse to end on.
const WORDS = [
  "policy",
  "covers",
  "dental",
  "vision",
  "care",
  "for",
  "employees",
  "and",
  "their",
  "families",
  "the",
  "plan",
  "pays",
  "claims",
  "within",
  "thirty",
  "days",
  "after",
  "approval",
  "managers",
  "review",
  "requests",
  "each",
  "quarter",
  "budget",
  "travel",
  "expenses",
  "require",
  "receipts",
  "teams",
  "share",
  "reports",
  "with",
  "finance",
  "leave",
  "accrues",
  "monthly",
  "benefits",
  "start",
  "on",
  "first",
  "day",
];

/** The smallest piece of text the chunker may place: a sentence, a table/list line or a heading. */
interface SourceUnit {
  text: string;
  page: number | undefined;
  sectionPath: string[];
  isHeading: boolean;
}

interface GeneratedDocument {
  blocks: TextBlock[];
  units: SourceUnit[];
}

function pick(random: () => number, items: readonly string[]): string {
  return items[Math.floor(random() * items.length)] ?? "policy";
}

function words(random: () => number, count: number): string {
  return Array.from({ length: count }, () => pick(random, WORDS)).join(" ");
}

/** A document of paragraphs, headings, lists and tables over several pages, with every unit it contains. */
function generateDocument(options: { seed: number; blockCount: number; maxWordsPerSentence: number; headings?: boolean; pages?: boolean }): GeneratedDocument {
  const random = createSeededRandom(options.seed);
  const blocks: TextBlock[] = [];
  const units: SourceUnit[] = [];
  let serial = 0;
  let page = 1;
  let sectionPath: string[] = [];
  for (let blockIndex = 0; blockIndex < options.blockCount; blockIndex += 1) {
    if (options.pages !== false && random() < 0.25) page += 1;
    const blockPage = options.pages === false ? undefined : page;
    const roll = random();
    if (options.headings !== false && roll < 0.12) {
      serial += 1;
      const heading = `Section ${serial} Overview`;
      sectionPath = sectionPath.length >= 2 || random() < 0.5 ? [...sectionPath.slice(0, -1), heading] : [...sectionPath, heading];
      const block: TextBlock = { kind: "heading", text: heading, sectionPath: [...sectionPath] };
      if (blockPage !== undefined) block.page = blockPage;
      blocks.push(block);
      units.push({ text: heading, page: blockPage, sectionPath: [...sectionPath], isHeading: true });
      continue;
    }
    const lineCount = 1 + Math.floor(random() * 5);
    const lines: string[] = [];
    let kind: TextBlock["kind"] = "paragraph";
    if (roll < 0.22) kind = "list";
    else if (roll < 0.3) kind = "table";
    for (let index = 0; index < lineCount; index += 1) {
      serial += 1;
      const body = words(random, 2 + Math.floor(random() * options.maxWordsPerSentence));
      if (kind === "list") lines.push(`- Item ${serial} ${body}.`);
      else if (kind === "table") lines.push(`| Row ${serial} | ${pick(random, WORDS)} | ${Math.floor(random() * 1000)} |`);
      // Some sentences start with a number, which tokenizes differently after a space.
      else lines.push(`${random() < 0.3 ? `${1990 + (serial % 30)} ` : ""}Fact ${serial} ${body}.`);
    }
    const block: TextBlock = { kind, text: lines.join(kind === "paragraph" ? " " : "\n") };
    if (sectionPath.length > 0) block.sectionPath = [...sectionPath];
    if (blockPage !== undefined) block.page = blockPage;
    blocks.push(block);
    for (const line of lines) units.push({ text: line, page: blockPage, sectionPath: [...sectionPath], isHeading: false });
  }
  return { blocks, units };
}

/** The longest suffix of `previous` that starts at a unit and that `next` starts with ("" when none). */
function sharedOverlap(previous: string, next: string, units: readonly SourceUnit[]): string {
  for (let start = 1; start < previous.length; start += 1) {
    if (previous[start] !== next[0] || !/\s/.test(previous[start - 1] ?? "")) continue;
    const suffix = previous.slice(start);
    if (next.startsWith(suffix) && units.some((unit) => suffix.startsWith(unit.text))) return suffix;
  }
  return "";
}

/** Every broken structural promise of `chunkBlocks` for a document whose units all fit a chunk. */
function chunkProblems(options: { document: GeneratedDocument; chunks: ChunkDraft[]; sizeTokens: number; overlapTokens: number }): string[] {
  const { document, chunks, sizeTokens, overlapTokens } = options;
  const { units } = document;
  const problems: string[] = [];
  if (chunks.length === 0) problems.push("no chunks");

  chunks.forEach((chunk, index) => {
    if (chunk.chunkIndex !== index) problems.push(`chunk ${index} has chunkIndex ${chunk.chunkIndex}`);
    // The reported count is the real count, and the real count respects the size.
    const tokens = countTokens(chunk.text);
    if (chunk.tokenCount !== tokens) problems.push(`chunk ${index} reports ${chunk.tokenCount} tokens, has ${tokens}`);
    if (tokens > sizeTokens) problems.push(`chunk ${index} has ${tokens} tokens > ${sizeTokens}`);
    // Chunks start and end on whole units (sentence, line, heading), never mid-sentence.
    if (!units.some((unit) => chunk.text.startsWith(unit.text))) problems.push(`chunk ${index} starts mid-unit`);
    if (!units.some((unit) => chunk.text.endsWith(unit.text))) problems.push(`chunk ${index} ends mid-unit`);
  });

  // No text is lost, and the units appear in reading order.
  let lastChunk = 0;
  for (const unit of units) {
    const first = chunks.findIndex((chunk) => chunk.text.includes(unit.text));
    if (first < 0) problems.push(`unit lost: ${unit.text}`);
    else if (first < lastChunk) problems.push(`unit out of order: ${unit.text}`);
    lastChunk = Math.max(lastChunk, first);
  }

  for (let index = 1; index < chunks.length; index += 1) {
    const previous = chunks[index - 1] as ChunkDraft;
    const chunk = chunks[index] as ChunkDraft;
    const overlap = sharedOverlap(previous.text, chunk.text, units);
    const overlapSize = countTokens(overlap);
    if (overlapSize > overlapTokens) problems.push(`chunk ${index} overlaps by ${overlapSize} tokens > ${overlapTokens}`);
    // Every chunk brings new text.
    if (chunk.text.length <= overlap.length) problems.push(`chunk ${index} is only overlap`);
    // The section is that of the first new unit, not of the carried-over overlap.
    const firstNew = chunk.text.slice(overlap.length).trimStart();
    const unit = units.find((candidate) => firstNew.startsWith(candidate.text));
    if (JSON.stringify(chunk.sectionPath) !== JSON.stringify(unit?.sectionPath)) {
      problems.push(`chunk ${index} has section ${JSON.stringify(chunk.sectionPath)}, its first new unit ${JSON.stringify(unit?.sectionPath)}`);
    }
  }

  chunks.forEach((chunk, index) => {
    const expectedSection = chunk.sectionPath.length > 0 ? chunk.sectionPath.join(" > ") : null;
    if (chunk.section !== expectedSection) problems.push(`chunk ${index} section ${chunk.section} != ${expectedSection}`);
    // A heading never ends a chunk when content follows it in the document.
    const lastSegment = chunk.text.split("\n\n").at(-1) ?? "";
    const headingIndex = units.findIndex((unit) => unit.isHeading && unit.text === lastSegment);
    if (headingIndex >= 0 && units.slice(headingIndex + 1).some((unit) => !unit.isHeading)) {
      problems.push(`chunk ${index} ends with heading "${lastSegment}"`);
    }
    problems.push(...pageSpanProblems(chunk, units).map((problem) => `chunk ${index}: ${problem}`));
  });
  return problems;
}

/** `pageSpans` cover the chunk's text, in order, and each span's text comes from its page. */
function pageSpanProblems(chunk: ChunkDraft, units: readonly SourceUnit[]): string[] {
  const problems: string[] = [];
  const pages = chunk.pageSpans.map((span) => span.page);
  if (chunk.pageStart !== (pages.length > 0 ? Math.min(...pages) : null)) problems.push(`pageStart ${chunk.pageStart}`);
  if (chunk.pageEnd !== (pages.length > 0 ? Math.max(...pages) : null)) problems.push(`pageEnd ${chunk.pageEnd}`);
  let previousEnd = 0;
  let uncovered = "";
  for (const span of chunk.pageSpans) {
    if (span.start < previousEnd || span.end <= span.start || span.end > chunk.text.length) {
      problems.push(`bad span ${JSON.stringify(span)}`);
      continue;
    }
    uncovered += chunk.text.slice(previousEnd, span.start);
    let rest = chunk.text.slice(span.start, span.end);
    for (const unit of units) {
      if (unit.page === span.page) rest = rest.replace(unit.text, "");
    }
    if (rest.trim() !== "") problems.push(`span of page ${span.page} holds text from elsewhere: ${rest.trim()}`);
    previousEnd = span.end;
  }
  uncovered += chunk.text.slice(previousEnd);
  if (units.every((unit) => unit.page !== undefined) && uncovered.trim() !== "") problems.push(`text without a page: ${uncovered.trim()}`);
  return problems;
}

/** Asserts every structural promise of `chunkBlocks`. */
function expectWellFormedChunks(options: { document: GeneratedDocument; chunks: ChunkDraft[]; sizeTokens: number; overlapTokens: number }): void {
  expect(chunkProblems(options)).toEqual([]);
}

/** Sentences of exactly known content, e.g. "Fact 3 policy covers dental care." */
function sentences(count: number, options: { seed: number; wordsPerSentence: number; prefix?: string }): string[] {
  const random = createSeededRandom(options.seed);
  return Array.from({ length: count }, (_, index) => `${options.prefix ?? "Fact"} ${index + 1} ${words(random, options.wordsPerSentence)}.`);
}

describe("chunkBlocks: input handling", () => {
  it("returns no chunks for no blocks or whitespace-only blocks", () => {
    expect(chunkBlocks({ blocks: [], sizeTokens: 1000, overlapTokens: 200 })).toEqual([]);
    expect(
      chunkBlocks({
        blocks: [
          { kind: "paragraph", text: "   \n\t " },
          { kind: "list", text: "\n\n" },
        ],
        sizeTokens: 1000,
        overlapTokens: 200,
      }),
    ).toEqual([]);
  });

  it("rejects an overlap that is not smaller than the chunk size", () => {
    const blocks: TextBlock[] = [{ kind: "paragraph", text: "One sentence." }];
    expect(() => chunkBlocks({ blocks, sizeTokens: 60, overlapTokens: 60 })).toThrow(/overlap/i);
    expect(() => chunkBlocks({ blocks, sizeTokens: 60, overlapTokens: 100 })).toThrow(/overlap/i);
    expect(chunkBlocks({ blocks, sizeTokens: 60, overlapTokens: 59 })).toHaveLength(1);
  });

  it("keeps a short document in one chunk with paragraphs separated by a blank line", () => {
    const chunks = chunkBlocks({
      blocks: [
        { kind: "paragraph", text: "The plan covers dental care. Claims are paid within thirty days." },
        { kind: "paragraph", text: "Travel needs receipts." },
      ],
      sizeTokens: 1000,
      overlapTokens: 200,
    });
    expect(chunks).toEqual([
      {
        chunkIndex: 0,
        text: "The plan covers dental care. Claims are paid within thirty days.\n\nTravel needs receipts.",
        pageStart: null,
        pageEnd: null,
        section: null,
        sectionPath: [],
        pageSpans: [],
        tokenCount: countTokens("The plan covers dental care. Claims are paid within thirty days.\n\nTravel needs receipts."),
      },
    ]);
  });
});

describe("chunkBlocks: size, overlap and sentence boundaries", () => {
  it("packs a long document with the default 1000/200 into full, bounded, overlapping chunks", () => {
    const paragraphs = Array.from({ length: 40 }, (_, index) => sentences(6, { seed: index + 1, wordsPerSentence: 14, prefix: `Fact ${index}-` }).join(" "));
    const blocks: TextBlock[] = paragraphs.map((text) => ({ kind: "paragraph", text }));
    const units: SourceUnit[] = paragraphs.flatMap((paragraph) => paragraph.split(/(?<=\.) /).map((text) => ({ text, page: undefined, sectionPath: [], isHeading: false })));
    const chunks = chunkBlocks({ blocks, sizeTokens: 1000, overlapTokens: 200 });

    expect(chunks.length).toBeGreaterThanOrEqual(5);
    expectWellFormedChunks({ document: { blocks, units }, chunks, sizeTokens: 1000, overlapTokens: 200 });
    for (const [index, chunk] of chunks.entries()) {
      if (index < chunks.length - 1) expect(chunk.tokenCount).toBeGreaterThanOrEqual(600);
      if (index > 0) expect(sharedOverlap((chunks[index - 1] as ChunkDraft).text, chunk.text, units)).not.toBe("");
    }
  });

  it("starts each chunk with the sentences that ended the previous one (60/10)", () => {
    const text = sentences(30, { seed: 7, wordsPerSentence: 3 }).join(" ");
    const chunks = chunkBlocks({ blocks: [{ kind: "paragraph", text }], sizeTokens: 60, overlapTokens: 10 });
    expect(chunks.length).toBeGreaterThan(3);
    for (let index = 1; index < chunks.length; index += 1) {
      const previous = (chunks[index - 1] as ChunkDraft).text;
      const chunk = (chunks[index] as ChunkDraft).text;
      const previousSentences = previous.split(/(?<=\.) /);
      const lastSentence = previousSentences.at(-1) ?? "";
      // Each of these sentences is ~7 tokens, so exactly the last one fits in a 10-token overlap.
      expect(countTokens(lastSentence)).toBeLessThanOrEqual(10);
      expect(chunk.startsWith(`${lastSentence} `)).toBe(true);
      expect(chunk.split(/(?<=\.) /)[1]).not.toBe(previousSentences.at(-2));
    }
  });

  it("emits no overlap when the overlap is 0", () => {
    const text = sentences(30, { seed: 3, wordsPerSentence: 5 }).join(" ");
    const chunks = chunkBlocks({ blocks: [{ kind: "paragraph", text }], sizeTokens: 60, overlapTokens: 0 });
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.map((chunk) => chunk.text).join(" ")).toBe(text);
  });

  it.each([
    [60, 10],
    [120, 30],
    [1000, 200],
  ])("keeps every promise on generated documents at %i/%i", (sizeTokens, overlapTokens) => {
    for (let seed = 1; seed <= (sizeTokens >= 1000 ? 10 : 25); seed += 1) {
      const document = generateDocument({ seed, blockCount: sizeTokens >= 1000 ? 120 : 40, maxWordsPerSentence: 20 });
      const chunks = chunkBlocks({ blocks: document.blocks, sizeTokens, overlapTokens });
      expectWellFormedChunks({ document, chunks, sizeTokens, overlapTokens });
    }
  });
});

describe("chunkBlocks: structure", () => {
  it("ends a chunk at a paragraph boundary once it is mostly full, instead of mid-paragraph", () => {
    const first = sentences(6, { seed: 11, wordsPerSentence: 8, prefix: "First" }).join(" ");
    const secondSentences = sentences(6, { seed: 12, wordsPerSentence: 8, prefix: "Second" });
    const second = secondSentences.join(" ");
    expect(countTokens(first)).toBeGreaterThan(60);
    // Greedy packing would have added the first sentence of the second paragraph.
    expect(countTokens(`${first}\n\n${secondSentences[0] ?? ""}`)).toBeLessThanOrEqual(100);
    expect(countTokens(`${first}\n\n${second}`)).toBeGreaterThan(100);
    expect(countTokens(second)).toBeLessThanOrEqual(100);

    const chunks = chunkBlocks({
      blocks: [
        { kind: "paragraph", text: first },
        { kind: "paragraph", text: second },
      ],
      sizeTokens: 100,
      overlapTokens: 0,
    });
    expect(chunks.map((chunk) => chunk.text)).toEqual([first, second]);
  });

  it("does not cut early at a paragraph boundary while the chunk is still mostly empty", () => {
    const first = sentences(2, { seed: 13, wordsPerSentence: 8, prefix: "First" }).join(" ");
    const second = sentences(8, { seed: 14, wordsPerSentence: 8, prefix: "Second" }).join(" ");
    expect(countTokens(first)).toBeLessThan(60);

    const chunks = chunkBlocks({
      blocks: [
        { kind: "paragraph", text: first },
        { kind: "paragraph", text: second },
      ],
      sizeTokens: 100,
      overlapTokens: 0,
    });
    const firstChunk = chunks[0]?.text ?? "";
    expect(firstChunk.startsWith(`${first}\n\n`)).toBe(true);
    expect(firstChunk.length).toBeGreaterThan(first.length + 2);
    expect(
      chunks
        .map((chunk) => chunk.text)
        .join(" ")
        .replace("\n\n", " "),
    ).toBe(`${first} ${second}`);
  });

  it("starts a new chunk at a heading once the current chunk is mostly full", () => {
    const intro = sentences(5, { seed: 15, wordsPerSentence: 6, prefix: "Intro" }).join(" ");
    const body = sentences(2, { seed: 16, wordsPerSentence: 6, prefix: "Body" }).join(" ");
    expect(countTokens(intro)).toBeGreaterThanOrEqual(36);
    expect(countTokens(`${intro}\n\nDental\n\n${body}`)).toBeLessThanOrEqual(100);

    const chunks = chunkBlocks({
      blocks: [
        { kind: "paragraph", text: intro },
        { kind: "heading", text: "Dental", sectionPath: ["Dental"] },
        { kind: "paragraph", text: body, sectionPath: ["Dental"] },
      ],
      sizeTokens: 60,
      overlapTokens: 0,
    });
    expect(chunks.map((chunk) => chunk.text)).toEqual([intro, `Dental\n\n${body}`]);
    expect(chunks.map((chunk) => chunk.section)).toEqual([null, "Dental"]);
  });

  it("moves a heading to the next chunk rather than ending a chunk with it", () => {
    const intro = sentences(2, { seed: 17, wordsPerSentence: 8, prefix: "Intro" }).join(" ");
    const body = sentences(1, { seed: 18, wordsPerSentence: 30, prefix: "Body" }).join(" ");
    expect(countTokens(intro)).toBeLessThan(36);
    expect(countTokens(`${intro}\n\nDental\n\n${body}`)).toBeGreaterThan(60);

    const chunks = chunkBlocks({
      blocks: [
        { kind: "paragraph", text: intro },
        { kind: "heading", text: "Dental", sectionPath: ["Dental"] },
        { kind: "paragraph", text: body, sectionPath: ["Dental"] },
      ],
      sizeTokens: 60,
      overlapTokens: 0,
    });
    expect(chunks.map((chunk) => chunk.text)).toEqual([intro, `Dental\n\n${body}`]);
  });

  it("drops overlap to keep a heading with its content when both do not fit otherwise", () => {
    // Regression: the chunker used to emit "Short one.\n\nBenefits" (overlap + heading) as a chunk.
    const long = `Alpha ${"beta ".repeat(30).trim()}.`;
    const body = `Gamma ${"delta ".repeat(54).trim()}.`;
    const chunks = chunkBlocks({
      blocks: [
        { kind: "paragraph", text: `${long} Short one.` },
        { kind: "heading", text: "Benefits", sectionPath: ["Benefits"] },
        { kind: "paragraph", text: body, sectionPath: ["Benefits"] },
      ],
      sizeTokens: 60,
      overlapTokens: 10,
    });
    expect(chunks.map((chunk) => chunk.text)).toEqual([`${long} Short one.`, `Benefits\n\n${body}`]);
    for (const chunk of chunks) expect(chunk.tokenCount).toBeLessThanOrEqual(60);
  });

  it("keeps nested headings together with the content that follows them", () => {
    const intro = sentences(3, { seed: 19, wordsPerSentence: 3, prefix: "Intro" }).join(" ");
    const body = `Gamma ${"delta ".repeat(50).trim()}.`;
    const chunks = chunkBlocks({
      blocks: [
        { kind: "paragraph", text: intro },
        { kind: "heading", text: "Benefits", sectionPath: ["Benefits"] },
        { kind: "heading", text: "Dental", sectionPath: ["Benefits", "Dental"] },
        { kind: "paragraph", text: body, sectionPath: ["Benefits", "Dental"] },
      ],
      sizeTokens: 60,
      overlapTokens: 10,
    });
    for (const chunk of chunks) {
      expect(chunk.text.endsWith("Benefits")).toBe(false);
      expect(chunk.text.endsWith("Dental")).toBe(false);
    }
    const last = chunks.at(-1);
    expect(last?.text).toBe(`Benefits\n\nDental\n\n${body}`);
    // The chunk starts in "Benefits" (its first unit is that heading).
    expect(last?.section).toBe("Benefits");
  });

  it("names the section by the heading path joined with ' > '", () => {
    const chunks = chunkBlocks({
      blocks: [
        { kind: "heading", text: "Benefits", sectionPath: ["Benefits"] },
        { kind: "paragraph", text: "All employees get benefits.", sectionPath: ["Benefits"] },
        { kind: "heading", text: "Dental", sectionPath: ["Benefits", "Dental"] },
        { kind: "paragraph", text: sentences(12, { seed: 20, wordsPerSentence: 6 }).join(" "), sectionPath: ["Benefits", "Dental"] },
      ],
      sizeTokens: 60,
      overlapTokens: 10,
    });
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks[0]?.section).toBe("Benefits");
    expect(chunks[0]?.sectionPath).toEqual(["Benefits"]);
    for (const chunk of chunks.slice(1)) {
      expect(chunk.section).toBe("Benefits > Dental");
      expect(chunk.sectionPath).toEqual(["Benefits", "Dental"]);
    }
  });
});

describe("chunkBlocks: pages", () => {
  it("records page range and page spans for a chunk over several pages", () => {
    const pageTexts: Record<number, string[]> = {
      1: ["Page one opens the handbook.", "Page one lists the plans."],
      2: ["Page two explains dental care.", "Page two explains vision care."],
      3: ["Page three covers travel."],
    };
    const blocks: TextBlock[] = [
      { kind: "paragraph", text: (pageTexts[1] ?? []).join(" "), page: 1 },
      { kind: "paragraph", text: pageTexts[2]?.[0] ?? "", page: 2 },
      { kind: "paragraph", text: pageTexts[2]?.[1] ?? "", page: 2 },
      { kind: "paragraph", text: pageTexts[3]?.[0] ?? "", page: 3 },
    ];
    const [chunk, ...rest] = chunkBlocks({ blocks, sizeTokens: 1000, overlapTokens: 200 });
    expect(rest).toEqual([]);
    if (!chunk) throw new Error("expected one chunk");
    expect(chunk.pageStart).toBe(1);
    expect(chunk.pageEnd).toBe(3);
    expect(chunk.pageSpans.map((span) => span.page)).toEqual([1, 2, 3]);
    const slices = chunk.pageSpans.map((span) => chunk.text.slice(span.start, span.end));
    expect(slices).toEqual([
      "Page one opens the handbook. Page one lists the plans.",
      "Page two explains dental care.\n\nPage two explains vision care.",
      "Page three covers travel.",
    ]);
  });

  it("gives each chunk of a multi-page document the pages of its own text", () => {
    const blocks: TextBlock[] = [];
    const units: SourceUnit[] = [];
    for (let page = 1; page <= 6; page += 1) {
      const pageSentences = sentences(6, { seed: page, wordsPerSentence: 5, prefix: `Page ${page} fact` });
      blocks.push({ kind: "paragraph", text: pageSentences.join(" "), page });
      for (const text of pageSentences) units.push({ text, page, sectionPath: [], isHeading: false });
    }
    const chunks = chunkBlocks({ blocks, sizeTokens: 60, overlapTokens: 10 });
    expectWellFormedChunks({ document: { blocks, units }, chunks, sizeTokens: 60, overlapTokens: 10 });
    expect(chunks.some((chunk) => chunk.pageStart !== chunk.pageEnd)).toBe(true);
    for (const chunk of chunks) {
      for (let page = 1; page <= 6; page += 1) {
        const onPage = chunk.text.includes(`Page ${page} fact`);
        expect(onPage).toBe(chunk.pageSpans.some((span) => span.page === page));
      }
    }
  });

  it("leaves pages null for blocks without pages", () => {
    const chunks = chunkBlocks({ blocks: [{ kind: "paragraph", text: "No pages here. Markdown has none." }], sizeTokens: 60, overlapTokens: 10 });
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toMatchObject({ pageStart: null, pageEnd: null, pageSpans: [] });
  });
});

describe("chunkBlocks: oversized units and line-based blocks", () => {
  it("splits a single sentence longer than the chunk size instead of dropping it", () => {
    const random = createSeededRandom(21);
    const sentence = `Policy ${words(random, 240)}.`;
    expect(countTokens(sentence)).toBeGreaterThan(200);
    const chunks = chunkBlocks({ blocks: [{ kind: "paragraph", text: sentence }], sizeTokens: 60, overlapTokens: 10 });
    expect(chunks.length).toBeGreaterThanOrEqual(4);
    for (const chunk of chunks) expect(chunk.tokenCount).toBeLessThanOrEqual(60);
    expect(chunks.map((chunk) => chunk.text).join("")).toBe(sentence);
  });

  it("keeps the surrounding sentences of an oversized sentence", () => {
    const sentence = `Policy ${words(createSeededRandom(22), 150)}.`;
    const text = `Before it comes this. ${sentence} After it comes that.`;
    const chunks = chunkBlocks({ blocks: [{ kind: "paragraph", text }], sizeTokens: 60, overlapTokens: 10 });
    const joined = chunks
      .map((chunk) => chunk.text)
      .join(" ")
      .replace(/\s+/g, " ");
    expect(joined.startsWith("Before it comes this. ")).toBe(true);
    expect(joined.endsWith(" After it comes that.")).toBe(true);
    expect(joined.replace(/\s+/g, "")).toContain(sentence.replace(/\s+/g, ""));
    for (const chunk of chunks) expect(chunk.tokenCount).toBeLessThanOrEqual(60);
  });

  it.each([
    ["CJK", "日本語の文章はとても長くて句読点がありません".repeat(30)],
    ["emoji", "😀🎉🚀🧾📄".repeat(60)],
  ])("loses no character when it splits an oversized %s sentence", (_name, sentence) => {
    expect(countTokens(sentence)).toBeGreaterThan(120);
    const chunks = chunkBlocks({ blocks: [{ kind: "paragraph", text: sentence }], sizeTokens: 60, overlapTokens: 10 });
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) {
      expect(chunk.tokenCount).toBeLessThanOrEqual(60);
      expect(chunk.text).not.toContain("\uFFFD");
    }
    expect(chunks.map((chunk) => chunk.text).join("")).toBe(sentence);
  });

  it.each(["table", "list"] as const)("splits a %s block by lines and keeps every line whole", (kind) => {
    const rows = Array.from({ length: 40 }, (_, index) => (kind === "table" ? `| Row ${index + 1} | Dental | ${(index + 1) * 17} |` : `- Item ${index + 1} needs receipts.`));
    const chunks = chunkBlocks({ blocks: [{ kind, text: rows.join("\n") }], sizeTokens: 60, overlapTokens: 10 });
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) {
      expect(chunk.tokenCount).toBeLessThanOrEqual(60);
      const lines = chunk.text.split("\n");
      for (const line of lines) expect(rows).toContain(line);
      // Consecutive lines of the block, in order.
      const first = rows.indexOf(lines[0] ?? "");
      expect(lines).toEqual(rows.slice(first, first + lines.length));
    }
    for (const row of rows) expect(chunks.some((chunk) => chunk.text.split("\n").includes(row))).toBe(true);
  });

  it("splits a table row longer than the chunk size", () => {
    const longRow = `| Notes | ${words(createSeededRandom(23), 120)} |`;
    const rows = ["| Plan | Cost |", longRow, "| Dental | 120 |"];
    const chunks = chunkBlocks({ blocks: [{ kind: "table", text: rows.join("\n") }], sizeTokens: 40, overlapTokens: 0 });
    for (const chunk of chunks) expect(chunk.tokenCount).toBeLessThanOrEqual(40);
    const joined = chunks.map((chunk) => chunk.text).join("\n");
    expect(joined.startsWith("| Plan | Cost |")).toBe(true);
    expect(joined.endsWith("| Dental | 120 |")).toBe(true);
    expect(joined.replace(/\s+/g, "")).toContain(longRow.replace(/\s+/g, ""));
  });

  it("never exceeds the size when joining sentences adds tokens (sentences starting with numbers)", () => {
    // "2024" after a space costs one token more than on its own: the estimate (8 + 53) fits 61
    // only by a hair, the joined text does not fit 60.
    const intro = `Intro ${"care ".repeat(40).trim()}.`;
    const short = `7 ${"care ".repeat(6).trim()}.`;
    const long = `2024 ${"care ".repeat(49).trim()}.`;
    const last = "9 care care care.";
    expect(countTokens(short)).toBeLessThanOrEqual(10);
    expect(countTokens(short) + countTokens(long)).toBeLessThanOrEqual(60);
    expect(countTokens(`${short} ${long}`)).toBeGreaterThan(60);

    const chunks = chunkBlocks({ blocks: [{ kind: "paragraph", text: [intro, short, long, last].join(" ") }], sizeTokens: 60, overlapTokens: 10 });
    for (const chunk of chunks) {
      expect(chunk.tokenCount).toBe(countTokens(chunk.text));
      expect(chunk.tokenCount).toBeLessThanOrEqual(60);
    }
    for (const sentence of [intro, short, long, last]) expect(chunks.some((chunk) => chunk.text.includes(sentence))).toBe(true);
    // The overlap gave way; no chunk merely repeats the previous one.
    expect(chunks.map((chunk) => chunk.text)).toEqual([`${intro} ${short}`, long, last]);
  });

  it("numbers chunks sequentially from 0", () => {
    const text = sentences(60, { seed: 24, wordsPerSentence: 6 }).join(" ");
    const chunks = chunkBlocks({ blocks: [{ kind: "paragraph", text }], sizeTokens: 60, overlapTokens: 10 });
    expect(chunks.length).toBeGreaterThan(5);
    expect(chunks.map((chunk) => chunk.chunkIndex)).toEqual(chunks.map((_, index) => index));
  });
});
