/**
 * Document prior from how the question's words spread over documents. A word concentrated in a
 * few documents ("Apple" only in Apple's filings, "Standard" mostly in the Standard booklet) says
 * which document a question is about; a word spread evenly ("quarter", "health") says nothing.
 * For each searchable document d and content word w of the question:
 *
 *   lift(d, w) = (passages of d containing w + k) / (passages of d expected to contain w + k)
 *   evidence(d) = Σ_w idf(w) · max(0, ln lift(d, w)),   idf(w) = ln(N / passages containing w)
 *
 * where "expected" is d's passage count × the library's share of passages containing w, and the
 * pseudo-count k is half the average document's passage count. Without k a word in one or two
 * passages ("buyback", "implications") gets a lift of 20 and outweighs the company name a
 * question is about ("Apple": 60 passages in each Apple filing, lift 9); with it, a lift needs
 * many passages behind it. Measured: the document with the highest prior is the right company
 * for 53 % → 93 % of the sec-10q questions, the gold booklet for 30 % → 84 % of northwind's.
 *
 * The prior is evidence(d) / the best document's evidence (0–1), and a passage's fused score is
 * multiplied by 1 + DOCUMENT_PRIOR_WEIGHT × its document's prior. With one document nothing changes.
 */

/** Measured on northwind and sec-10q (docs/retrieval.md). */
export const DOCUMENT_PRIOR_WEIGHT = 0.3;

/** The pseudo-count k, as a share of the average document's passage count (see above). */
const PSEUDO_COUNT_SHARE = 0.5;

/** The prior (0–1) of every document that has one, keyed by document id. */
export function documentPriors(options: {
  documentIds: string[];
  passagesPerDocument: Map<string, number>;
  byWord: Map<string, Map<string, number>>;
}): Map<string, number> {
  const documents = options.documentIds.filter((id) => (options.passagesPerDocument.get(id) ?? 0) > 0);
  const priors = new Map<string, number>();
  if (documents.length < 2) return priors;
  const total = documents.reduce((sum, id) => sum + (options.passagesPerDocument.get(id) ?? 0), 0);
  const pseudoCount = (PSEUDO_COUNT_SHARE * total) / documents.length;
  const evidence = new Map<string, number>();
  for (const distribution of options.byWord.values()) {
    const containing = documents.reduce((sum, id) => sum + (distribution.get(id) ?? 0), 0);
    if (containing === 0 || containing >= total) continue;
    const idf = Math.log(total / containing);
    for (const id of documents) {
      const count = distribution.get(id) ?? 0;
      if (count === 0) continue;
      const expected = ((options.passagesPerDocument.get(id) ?? 0) * containing) / total;
      const lift = (count + pseudoCount) / (expected + pseudoCount);
      if (lift > 1) evidence.set(id, (evidence.get(id) ?? 0) + idf * Math.log(lift));
    }
  }
  const best = Math.max(0, ...evidence.values());
  if (best <= 0) return priors;
  for (const [id, value] of evidence) priors.set(id, value / best);
  return priors;
}
