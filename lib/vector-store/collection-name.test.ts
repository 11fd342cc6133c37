import { describe, expect, it } from "vitest";
import { collectionNameFor } from "@/lib/vector-store/collection-name";

/** Chroma's rule: 3–512 characters of [a-zA-Z0-9._-], starting and ending with an alphanumeric character. */
const CHROMA_NAME = /^[a-zA-Z0-9][a-zA-Z0-9._-]{1,510}[a-zA-Z0-9]$/;

const MODELS = [
  "all-MiniLM-L6-v2",
  "text-embedding-3-small",
  "text-embedding-3-large",
  "Xenova/all-MiniLM-L6-v2",
  "sentence-transformers/all-MiniLM-L6-v2",
  "-leading.and.trailing-",
  "spaces and ünïcödé",
  "@@@",
  "a",
];

describe("collectionNameFor", () => {
  it.each(MODELS)("produces a valid Chroma collection name for %j", (model) => {
    for (const dimensions of [384, 1536, 3072]) {
      const name = collectionNameFor({ model, dimensions });
      expect(name).toMatch(CHROMA_NAME);
      expect(name.length).toBeGreaterThanOrEqual(3);
      expect(name.length).toBeLessThanOrEqual(512);
      expect(name.endsWith(`_${dimensions}`)).toBe(true);
    }
  });

  it("names the known models readably", () => {
    expect(collectionNameFor({ model: "all-MiniLM-L6-v2", dimensions: 384 })).toBe("cited_all-minilm-l6-v2_384");
    expect(collectionNameFor({ model: "text-embedding-3-small", dimensions: 1536 })).toBe("cited_text-embedding-3-small_1536");
    expect(collectionNameFor({ model: "Xenova/all-MiniLM-L6-v2", dimensions: 384 })).toBe("cited_xenova-all-minilm-l6-v2_384");
  });

  it("gives different models and different dimensions different collections", () => {
    const names = new Set<string>();
    const combinations = [
      ["all-MiniLM-L6-v2", 384],
      ["text-embedding-3-small", 1536],
      ["text-embedding-3-small", 512],
      ["text-embedding-3-large", 3072],
      ["text-embedding-3-large", 1536],
      ["text-embedding-3-large", 256],
    ] as const;
    for (const [model, dimensions] of combinations) names.add(collectionNameFor({ model, dimensions }));
    expect(names.size).toBe(combinations.length);
  });

  it("is deterministic", () => {
    expect(collectionNameFor({ model: "text-embedding-3-large", dimensions: 3072 })).toBe(collectionNameFor({ model: "text-embedding-3-large", dimensions: 3072 }));
  });
});
