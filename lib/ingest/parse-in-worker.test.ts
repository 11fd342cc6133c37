import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { idleParseWorkerCount, inspectPdfWithBudget, parseWithBudget, parseWorkerPath, prepareWithBudget } from "@/lib/ingest/parse-in-worker";
import { metadataBombPdf } from "@/tests/support/fixtures/pdf-bomb";
import { buildPdf } from "@/tests/support/fixtures/pdf-fixtures";
import { unbrokenLetters } from "@/tests/support/hostile-text";

/** Parsing in a child process with a time and memory budget (the real bundled worker). */

beforeAll(() => {
  if (!existsSync(parseWorkerPath())) execFileSync(process.execPath, ["scripts/build-workers.mjs"], { stdio: "inherit" });
});

const markdown = (text: string) => new TextEncoder().encode(text);

describe("parseWithBudget", () => {
  it("parses in a worker and returns the structured document", async () => {
    const parsed = await parseWithBudget({
      kind: "markdown",
      bytes: markdown("# Guide\n\n## Setup\n\nInstall the app.\n"),
      budget: { timeoutMs: 30_000, maxMemoryMb: 256 },
    });
    expect(parsed.blocks.at(-1)).toMatchObject({ text: "Install the app.", sectionPath: ["Guide", "Setup"] });
  });

  it("maps parser errors to their codes", async () => {
    await expect(parseWithBudget({ kind: "pdf", bytes: markdown("%PDF-1.7 garbage"), budget: { timeoutMs: 30_000, maxMemoryMb: 256 } })).rejects.toMatchObject({
      code: "pdf.invalid",
    });
  });

  it("stops a parse that exceeds its time budget", async () => {
    const huge = markdown(Array.from({ length: 200_000 }, (_, index) => `Paragraph ${index} has some words in it.`).join("\n\n"));
    await expect(parseWithBudget({ kind: "markdown", bytes: huge, budget: { timeoutMs: 50, maxMemoryMb: 512 } })).rejects.toMatchObject({ code: "parse.timeout" });
  });

  it("stops a parse that exceeds its memory budget, and the process keeps going", async () => {
    const huge = markdown(Array.from({ length: 400_000 }, (_, index) => `# Heading ${index}\n\nText ${index} of the section.`).join("\n\n"));
    await expect(parseWithBudget({ kind: "markdown", bytes: huge, budget: { timeoutMs: 60_000, maxMemoryMb: 16 } })).rejects.toMatchObject({ code: "parse.too_large" });
    const parsed = await parseWithBudget({ kind: "text", bytes: markdown("Still alive."), budget: { timeoutMs: 30_000, maxMemoryMb: 256 } });
    expect(parsed.blocks[0]?.text).toBe("Still alive.");
  });

  it("keeps a parse process for the next document, but never one that ran out of time", async () => {
    const budget = { timeoutMs: 30_000, maxMemoryMb: 300 };
    const before = idleParseWorkerCount();
    await parseWithBudget({ kind: "text", bytes: markdown("First document."), budget });
    expect(idleParseWorkerCount()).toBe(before + 1);
    // The second document runs in the same process: still one idle process after it.
    const second = await parseWithBudget({ kind: "markdown", bytes: markdown("# Second\n\nBody text."), budget });
    expect(second.blocks.at(-1)?.text).toBe("Body text.");
    expect(idleParseWorkerCount()).toBe(before + 1);
    const huge = markdown(Array.from({ length: 200_000 }, (_, index) => `Paragraph ${index} has some words in it.`).join("\n\n"));
    await expect(parseWithBudget({ kind: "markdown", bytes: huge, budget: { ...budget, timeoutMs: 50 } })).rejects.toMatchObject({ code: "parse.timeout" });
    expect(idleParseWorkerCount()).toBe(before);
    // A process that failed a document with a parser error (not a crash) is kept.
    await expect(parseWithBudget({ kind: "pdf", bytes: markdown("%PDF-1.7 garbage"), budget })).rejects.toMatchObject({ code: "pdf.invalid" });
    expect(idleParseWorkerCount()).toBe(before + 1);
  });

  it("can be cancelled", async () => {
    const controller = new AbortController();
    const huge = markdown(Array.from({ length: 200_000 }, (_, index) => `Paragraph ${index}.`).join("\n\n"));
    const pending = parseWithBudget({ kind: "markdown", bytes: huge, budget: { timeoutMs: 60_000, maxMemoryMb: 512 }, signal: controller.signal });
    controller.abort(new Error("cancelled"));
    await expect(pending).rejects.toThrow("cancelled");
  });
});

describe("prepareWithBudget (issue 16: chunking off the request thread)", () => {
  const chunking = { sizeTokens: 1000, overlapTokens: 200 };

  it("chunks a one-line file of letters in the worker, losing none of it", async () => {
    const text = unbrokenLetters(200_000);
    const prepared = await prepareWithBudget({ kind: "text", source: { bytes: markdown(text) }, chunking, budget: { timeoutMs: 120_000, maxMemoryMb: 512 } });
    expect(prepared.parsed.blocks[0]?.text).toBe(text);
    expect(prepared.chunks.length).toBeGreaterThan(10);
    expect(prepared.chunks.map(({ draft }) => draft.text.slice(draft.newTextStart)).join("")).toBe(text);
    for (const { draft, passages } of prepared.chunks) {
      expect(draft.tokenCount).toBeLessThanOrEqual(1000);
      expect(passages.length).toBeGreaterThan(0);
    }
  });

  it("chunks a cached parse in the worker too", async () => {
    const parsed = { kind: "markdown" as const, pageCount: null, blocks: [{ kind: "paragraph" as const, text: "A sentence. Another one.", sectionPath: ["Guide"] }] };
    const prepared = await prepareWithBudget({ kind: "markdown", source: { parsed }, chunking, budget: { timeoutMs: 30_000, maxMemoryMb: 256 } });
    expect(prepared.parsed).toBe(parsed);
    expect(prepared.chunks[0]?.draft).toMatchObject({ text: "A sentence. Another one.", section: "Guide" });
  });

  it("holds chunking to the parse budget: a document too long to chunk in time ends parse.timeout", async () => {
    const parsed = { kind: "text" as const, pageCount: null, blocks: [{ kind: "paragraph" as const, text: unbrokenLetters(3_000_000) }] };
    await expect(prepareWithBudget({ kind: "text", source: { parsed }, chunking, budget: { timeoutMs: 100, maxMemoryMb: 512 } })).rejects.toMatchObject({ code: "parse.timeout" });
  });
});

describe("PDF bombs (issue 16: decoded streams live outside the V8 heap)", () => {
  // 2 MB that inflate to 2 GB of zeros in the XMP metadata stream.
  let bomb: Uint8Array;
  beforeAll(async () => {
    bomb = await metadataBombPdf({ inflatedMegabytes: 2048 });
  }, 60_000);
  const budget = { timeoutMs: 120_000, maxMemoryMb: 256 };

  it("ends the upload check of a metadata bomb with pdf.too_complex, in a process whose memory it cannot exceed", async () => {
    const before = process.memoryUsage().rss;
    await expect(inspectPdfWithBudget({ bytes: bomb, budget })).rejects.toMatchObject({ code: "pdf.too_complex" });
    // The test's own process never held the inflated stream.
    expect(process.memoryUsage().rss - before).toBeLessThan(512 * 1024 * 1024);
  });

  it("ends a parse of it with pdf.too_complex, then parses the next PDF as usual", async () => {
    await expect(parseWithBudget({ kind: "pdf", bytes: bomb, budget })).rejects.toMatchObject({ code: "pdf.too_complex" });
    const next = await parseWithBudget({ kind: "pdf", bytes: await buildPdf([[{ text: "The travel policy applies to every trip.", y: 720 }]]), budget });
    expect(next.blocks[0]?.text).toBe("The travel policy applies to every trip.");
    expect(await inspectPdfWithBudget({ bytes: await buildPdf([[{ text: "Fine.", y: 720 }]]), budget })).toEqual({ pageCount: 1 });
  });
});
