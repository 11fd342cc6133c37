import "server-only";
import type { PassagePlace } from "@/lib/retrieval/candidates";
import { namingWords } from "@/lib/retrieval/named-documents";
import { periodPriors } from "@/lib/retrieval/period-prior";
import type { KeywordIndex } from "@/lib/storage/registry-types";

/**
 * The document priors (docs/retrieval.md, step 4): each multiplies the fused scores of a
 * document's passages by 1 + weight × prior.
 * - named: the documents the question names by proper names or file names, and the passages of
 *   other documents that say those names (the comparison of two named plans);
 * - date: the quarter or year the question names, or the latest date for "the latest", among the
 *   documents the question is about.
 * A name is evidence, never a scope: every document keeps its passages (decision 0010).
 */
export function liftByDocument(options: {
  fused: Map<string, number>;
  places: Map<string, PassagePlace>;
  /** The text the priors read (the whole question, spelled as the library writes it). */
  priorText: string;
  searchableCount: number;
  titles: Map<string, string>;
  nameWords: Map<string, ReadonlySet<string>>;
  named: Set<string>;
  namedWeight: number;
  periodWeight: number;
  registry: Pick<KeywordIndex, "keywordCoverage">;
}): Map<string, number> {
  const { fused, places, named, namedWeight } = options;
  const lift = new Map<string, number>();
  const applyPrior = (priors: Map<string, number>, weight: number) => {
    for (const [id, prior] of priors) if (prior > 0 && weight > 0) lift.set(id, (lift.get(id) ?? 1) * (1 + weight * prior));
  };
  if (options.searchableCount > 1) {
    applyPrior(new Map([...named].map((id) => [id, 1])), namedWeight);
    // "The latest report" is the latest of the documents the question is about: of Amazon's when it names Amazon.
    const aboutTitles = named.size > 0 ? new Map([...options.titles].filter(([id]) => named.has(id))) : options.titles;
    applyPrior(periodPriors({ query: options.priorText, titles: aboutTitles }), options.periodWeight);
  }
  // A passage of another document that says the names is about the named thing too: it gets the
  // named documents' lift.
  const naming = named.size > 0 && namedWeight > 0 ? namingWords({ query: options.priorText, nameWords: options.nameWords, named }) : [];
  const sayingNames = new Set<string>();
  if (naming.length > 0) {
    const others = [...fused.keys()].flatMap((key) => {
      const place = places.get(key);
      return place && !named.has(place.documentId) ? [place] : [];
    });
    for (const [key, coverage] of options.registry.keywordCoverage({ words: naming, passages: others })) if (coverage > 0) sayingNames.add(key);
  }
  const lifted = new Map<string, number>();
  for (const [key, score] of fused) lifted.set(key, score * (lift.get(places.get(key)?.documentId ?? "") ?? 1) * (sayingNames.has(key) ? 1 + namedWeight : 1));
  return lifted;
}
