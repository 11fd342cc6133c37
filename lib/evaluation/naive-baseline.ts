import type { Embedder } from "@/lib/embeddings/types";
import { MRR_DEPTH, type QuestionOutcome, type RankedLocation } from "@/lib/evaluation/metrics";
import type { EvaluationQuestion } from "@/lib/evaluation/questions";
import type { ParsedDocument } from "@/lib/contracts/documents";

/**
 * The naive recipe every comparison starts from (`npm run eval -- --baseline`): each page's text
 * (a page-less document's whole text) cut into 1000-character chunks with 200 characters of
 * overlap at whitespace, as LangChain's character splitter does over a page loader; every chunk
 * embedded by the configured model as it is (no title, no context); a question's results are the
 * chunks of highest cosine similarity, with no threshold, no keywords and no priors. A result is
 * attributed to its chunk's page, exactly as the product's results are, so both are scored by
 * the same metrics.
 */

export const NAIVE_CHUNK_CHARACTERS = 1_000;
export const NAIVE_OVERLAP_CHARACTERS = 200;

export interface NaiveChunk {
  documentName: string;
  page: number | null;
  text: string;
}

/** `text` in pieces of at most `size` characters overlapping by about `overlap`, cut at whitespace where there is any. */
export function splitCharacters(text: string, size = NAIVE_CHUNK_CHARACTERS, overlap = NAIVE_OVERLAP_CHARACTERS): string[] {
  const clean = text.replace(/\s+/g, " ").trim();
  if (clean.length === 0) return [];
  const pieces: string[] = [];
  let start = 0;
  while (start < clean.length) {
    let end = Math.min(clean.length, start + size);
    if (end < clean.length) {
      const space = clean.lastIndexOf(" ", end);
      if (space > start + size / 2) end = space;
    }
    pieces.push(clean.slice(start, end).trim());
    if (end >= clean.length) break;
    let next = Math.max(start + 1, end - overlap);
    const space = clean.indexOf(" ", next);
    if (space !== -1 && space < end) next = space + 1;
    start = next;
  }
  return pieces.filter((piece) => piece.length > 0);
}

/** The naive chunks of one parsed document: per page for paged documents, else of the whole text. */
export function naiveChunks(documentName: string, parsed: ParsedDocument): NaiveChunk[] {
  const pages = new Map<number | null, string[]>();
  for (const block of parsed.blocks) {
    const page = block.page ?? null;
    const texts = pages.get(page) ?? [];
    texts.push(block.text);
    pages.set(page, texts);
  }
  return [...pages].flatMap(([page, texts]) => splitCharacters(texts.join("\n")).map((text) => ({ documentName, page, text })));
}

function cosine(left: number[], right: number[]): number {
  let dot = 0;
  let leftNorm = 0;
  let rightNorm = 0;
  for (let index = 0; index < left.length; index += 1) {
    const a = left[index] as number;
    const b = right[index] as number;
    dot += a * b;
    leftNorm += a * a;
    rightNorm += b * b;
  }
  return leftNorm === 0 || rightNorm === 0 ? 0 : dot / Math.sqrt(leftNorm * rightNorm);
}

/** Ranks the naive chunks for every question; outcomes carry no chat figures (the recipe has no answerer and no threshold). */
export async function evaluateNaiveBaseline(options: {
  questions: EvaluationQuestion[];
  chunks: NaiveChunk[];
  embedder: Embedder;
  topK: number;
  onProgress?: (done: number, total: number) => void;
}): Promise<QuestionOutcome[]> {
  const vectors = await options.embedder.embedDocuments(options.chunks.map((chunk) => chunk.text));
  const depth = Math.max(options.topK, MRR_DEPTH);
  const outcomes: QuestionOutcome[] = [];
  for (const [index, question] of options.questions.entries()) {
    const started = performance.now();
    const queryVector = await options.embedder.embedQuery(question.question);
    const ranked: RankedLocation[] = options.chunks
      .map((chunk, chunkIndex) => ({ chunk, similarity: cosine(queryVector, vectors[chunkIndex] ?? []) }))
      .sort((left, right) => right.similarity - left.similarity)
      .slice(0, depth)
      .map(({ chunk }) => ({ documentName: chunk.documentName, page: chunk.page, pageStart: chunk.page, pageEnd: chunk.page }));
    outcomes.push({
      question,
      ranked,
      rankedWithoutThreshold: ranked.slice(0, options.topK),
      cited: [],
      answered: true,
      answerText: "",
      searchMilliseconds: performance.now() - started,
    });
    options.onProgress?.(index + 1, options.questions.length);
  }
  return outcomes;
}
