/**
 * One Chroma collection per embedding model and dimension, so vectors of different models are
 * never compared. Chroma names allow 3–512 characters of [a-zA-Z0-9._-], starting and ending
 * with an alphanumeric character.
 */
export function collectionNameFor(options: { model: string; dimensions: number }): string {
  const slug = options.model
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, "");
  return `cited_${slug}_${options.dimensions}`;
}
