import fs from "node:fs/promises";
import path from "node:path";
import { parseCsvRecords } from "@/lib/evaluation/csv";

/**
 * Evaluation questions from two formats:
 * - JSON Lines (northwind): `{ "id", "question", "gold": [{ "file", "page" }] }`. A question whose
 *   `gold` is empty (or that has `"answerable": false`) is unanswerable: the right answer is
 *   "no relevant sources". A gold entry without `page` is document-level.
 * - CSV with `Question` and `Source Docs` columns (sec-10q `qna_data.csv`): document-level gold
 *   given as file-name globs such as `*AAPL*` or `*2023 Q3 AAPL*` (several separated by commas).
 */

export interface GoldPage {
  file: string;
  page: number;
}

export interface EvaluationQuestion {
  id: string;
  question: string;
  /** "page": gold names file and page; "document": gold names documents only. */
  level: "page" | "document";
  /** Page-level gold (level "page"). */
  goldPages: GoldPage[];
  /** Document-level gold as file-name globs (level "document"). */
  goldDocuments: string[];
  answerable: boolean;
  /** The reference answer, when the set gives one (northwind's `answer`, sec-10q's `Answer`). */
  answer?: string;
}

interface JsonQuestion {
  id?: unknown;
  question?: unknown;
  answerable?: unknown;
  gold?: unknown;
  answer?: unknown;
}

/** Turns a file-name glob (`*` any run, `?` one character) into an anchored, case-insensitive regex. */
export function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .trim()
    .split("")
    .map((character) => (character === "*" ? ".*" : character === "?" ? "." : character.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${escaped}$`, "i");
}

/** True when `fileName` matches one of `globs`. */
export function matchesAnyGlob(fileName: string, globs: string[]): boolean {
  return globs.some((glob) => globToRegExp(glob).test(fileName));
}

/** Parses JSON Lines evaluation questions. */
export function parseJsonLinesQuestions(text: string, idPrefix = "q"): EvaluationQuestion[] {
  const questions: EvaluationQuestion[] = [];
  text.split(/\r?\n/).forEach((line, lineIndex) => {
    if (!line.trim()) return;
    const raw = JSON.parse(line) as JsonQuestion;
    if (typeof raw.question !== "string" || !raw.question.trim()) throw new Error(`Line ${lineIndex + 1} has no "question".`);
    const gold = Array.isArray(raw.gold) ? (raw.gold as { file?: unknown; page?: unknown }[]) : [];
    const goldPages: GoldPage[] = [];
    const goldDocuments: string[] = [];
    for (const entry of gold) {
      if (typeof entry.file !== "string") throw new Error(`Line ${lineIndex + 1}: every gold entry needs a "file".`);
      if (typeof entry.page === "number") goldPages.push({ file: entry.file, page: entry.page });
      else goldDocuments.push(entry.file);
    }
    const answerable = raw.answerable !== false && gold.length > 0;
    questions.push({
      id: typeof raw.id === "string" ? raw.id : `${idPrefix}${lineIndex + 1}`,
      question: raw.question.trim(),
      level: goldPages.length > 0 || !answerable ? "page" : "document",
      goldPages,
      goldDocuments,
      answerable,
      ...(typeof raw.answer === "string" && raw.answer.trim() ? { answer: raw.answer.trim() } : {}),
    });
  });
  return questions;
}

/** Parses CSV evaluation questions with `Question` and `Source Docs` columns. */
export function parseCsvQuestions(text: string, idPrefix = "row"): EvaluationQuestion[] {
  return parseCsvRecords(text).map((record, index) => {
    const question = (record.Question ?? record.question ?? "").trim();
    if (!question) throw new Error(`CSV row ${index + 2} has no Question.`);
    const globs = (record["Source Docs"] ?? record.source_docs ?? "")
      .split(/[,;\n]/)
      .map((glob) => glob.trim())
      .filter(Boolean);
    const answer = (record.Answer ?? record.answer ?? "").trim();
    return {
      id: `${idPrefix}${index + 1}`,
      question,
      level: "document" as const,
      goldPages: [],
      goldDocuments: globs,
      answerable: globs.length > 0,
      ...(answer ? { answer } : {}),
    };
  });
}

/** Loads questions from a `.jsonl` or `.csv` file; ids are prefixed with the file's base name. */
export async function loadQuestions(filePath: string): Promise<EvaluationQuestion[]> {
  const text = await fs.readFile(filePath, "utf8");
  const base = path.basename(filePath).replace(/\.[^.]+$/, "");
  if (filePath.toLowerCase().endsWith(".csv")) return parseCsvQuestions(text, `${base}:`);
  return parseJsonLinesQuestions(text, `${base}:`);
}
