import "server-only";
import type { Embedder } from "@/lib/embeddings/types";
import { titleFromFileName } from "@/lib/domain/document-title";
import { documentNameWords } from "@/lib/retrieval/document-names";
import { contentWords } from "@/lib/retrieval/keyword-query";
import { namedDocuments } from "@/lib/retrieval/named-documents";
import { correctQuery, unknownWords } from "@/lib/retrieval/spelling";
import type { DocumentReader, DocumentRecord, KeywordIndex } from "@/lib/storage/registry-types";

/**
 * The library as a search sees it: the documents it may read, how each names itself, which of
 * them a text names, and the library's own spelling.
 */

export interface DocumentNaming {
  titles: Map<string, string>;
  nameWords: Map<string, ReadonlySet<string>>;
}

/** The last naming computed per covers map (the registry's, replaced when the index changes). */
const namingByCovers = new WeakMap<ReadonlyMap<string, string>, { key: string; naming: DocumentNaming }>();

/**
 * Each document's title text (title and file name) and name words (document-names.ts: "apple"
 * from the cover's "Apple Inc."), for naming, the date prior and keyword coverage.
 */
export function documentNaming(registry: Pick<KeywordIndex, "documentCovers">, documents: DocumentRecord[]): DocumentNaming {
  const titles = new Map(documents.map((document) => [document.id, `${document.title ?? ""} ${titleFromFileName(document.name)}`]));
  // What each document calls itself: title, file name and first page ("Apple Inc." for "2023 Q3 AAPL").
  const covers = documents.length > 1 ? registry.documentCovers() : new Map<string, string>();
  // The same documents and covers name themselves the same way: reused while the registry keeps
  // its covers (until the index changes), since joining every cover's text per search grows with the library.
  const key = [...titles].map(([id, title]) => `${id}\u0001${title}`).join("\u0002");
  const known = namingByCovers.get(covers);
  if (known?.key === key) return known.naming;
  const nameWords = documentNameWords(new Map([...titles].map(([id, title]) => [id, `${title} ${covers.get(id) ?? ""}`])));
  const naming = { titles, nameWords };
  namingByCovers.set(covers, { key, naming });
  return naming;
}

/** The words of every document's title, file name and name words: a page stands for them without saying them. */
export function documentTitleWords(registry: DocumentReader & Pick<KeywordIndex, "documentCovers">): Set<string> {
  const { titles, nameWords } = documentNaming(registry, registry.listDocuments());
  const words = new Set([...titles.values()].flatMap((title) => contentWords(title)));
  for (const names of nameWords.values()) for (const word of names) words.add(word);
  return words;
}

/** `text` with the words that occur nowhere in the library corrected to the closest indexed word. */
export function correctSpelling(registry: Pick<KeywordIndex, "passagesContaining" | "indexedWords">, text: string): string {
  const misspelled = unknownWords(text, (word) => registry.passagesContaining(word));
  return misspelled.length > 0 ? correctQuery({ query: text, unknown: misspelled, vocabulary: registry.indexedWords() }).query : text;
}

/** The documents a search may read: ready, indexed with the configured model, among `documentIds` when given. */
export function searchableDocuments(options: { registry: DocumentReader; embedder: Embedder; documentIds?: string[] }): Map<string, DocumentRecord> {
  return new Map<string, DocumentRecord>(
    options.registry
      .listDocuments()
      .filter((document) => document.status === "ready" && document.embeddingModel === options.embedder.modelId)
      .filter((document) => !options.documentIds || options.documentIds.includes(document.id))
      .map((document) => [document.id, document]),
  );
}

/**
 * The searchable documents `text` names (decision 0010): none in a library of one document, where
 * there is nothing to choose between.
 */
export function documentsNamedIn(options: { text: string; searchable: Map<string, DocumentRecord>; nameWords: Map<string, ReadonlySet<string>> }): Set<string> {
  if (options.searchable.size < 2) return new Set();
  const fileNames = new Map([...options.searchable].map(([id, document]) => [id, document.name]));
  return namedDocuments({ query: options.text, nameWords: options.nameWords, fileNames });
}
