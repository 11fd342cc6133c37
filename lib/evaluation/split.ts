import { createHash } from "node:crypto";

/**
 * The fixed development / test split of every question set. A question belongs to `dev` or
 * `test` by the first byte of the SHA-256 of its id (about half each), so the split never depends
 * on the order or the number of questions in a file, a question never changes sides when others
 * are added, and no one can choose which questions land where. Tune on `dev`; report `test`.
 */

export type QuestionSplit = "dev" | "test";

export const QUESTION_SPLITS: readonly QuestionSplit[] = ["dev", "test"];

/** The split a question id belongs to. */
export function questionSplit(id: string): QuestionSplit {
  const firstByte = createHash("sha256").update(id, "utf8").digest()[0] ?? 0;
  return firstByte < 128 ? "dev" : "test";
}

/** The items whose id is in `split` (all of them without a split). */
export function inSplit<T extends { id: string }>(items: T[], split: QuestionSplit | undefined): T[] {
  return split ? items.filter((item) => questionSplit(item.id) === split) : items;
}
