import boundaries from "eslint-plugin-boundaries";

/**
 * The layer order of docs/architecture.md ("Layers"), enforced by eslint-plugin-boundaries
 * (docs/decisions/0011-layer-order-in-eslint.md). A file may import its own folder and any folder
 * of a lower layer; between two folders of one layer only what FEATURE_IMPORTS lists (features) or
 * anything (the app layer, the util layer). Everything else fails `npm run lint`.
 */

/** Top to bottom. Each entry: a folder or a file of the tree, named for the messages. */
export const LAYERS = [
  { layer: "app", siblings: true, elements: ["app", "components"] },
  { layer: "composition", siblings: false, elements: ["lib/server"] },
  {
    layer: "feature",
    siblings: false,
    elements: ["lib/auth", "lib/chat", "lib/documents", "lib/evaluation", "lib/ingest", "lib/maintenance", "lib/retrieval"],
  },
  { layer: "domain", siblings: false, elements: ["lib/domain"] },
  { layer: "infrastructure", siblings: false, elements: ["lib/storage", "lib/vector-store", "lib/embeddings"] },
  {
    layer: "util",
    siblings: true,
    // "lib": the files directly in lib/ (config.ts, errors.ts, logger.ts); a file in a folder of
    // lib/ belongs to that folder's element.
    elements: ["lib/contracts", "lib/async", "lib/text", "lib/http", "lib"],
  },
];

/** The imports allowed between two features, each one way, so they can never form a cycle. */
export const FEATURE_IMPORTS = {
  "lib/chat": ["lib/retrieval"],
  "lib/documents": ["lib/ingest"],
  "lib/maintenance": ["lib/ingest"],
  "lib/evaluation": ["lib/chat", "lib/retrieval"],
};

const descriptors = LAYERS.flatMap(({ elements }) => elements.map((element) => ({ type: element, pattern: element, partialMatch: false })));

function policies() {
  return LAYERS.flatMap(({ siblings, elements }, index) => {
    const below = LAYERS.slice(index + 1).flatMap((lower) => lower.elements);
    return elements.map((element) => {
      const allowed = [element, ...below, ...(siblings ? elements : []), ...(FEATURE_IMPORTS[element] ?? [])];
      return { from: { element: { type: element } }, allow: { to: { element: { types: { anyOf: [...new Set(allowed)] } } } } };
    });
  });
}

/** The ESLint configuration blocks that enforce the layers (test files excepted: they may reach anywhere). */
export const layerConfig = [
  {
    files: ["app/**/*.{ts,tsx}", "components/**/*.{ts,tsx}", "lib/**/*.{ts,tsx,mjs}", "proxy.ts", "instrumentation.ts"],
    ignores: ["**/*.test.ts", "**/*.test.tsx"],
    plugins: { boundaries },
    settings: {
      "boundaries/elements": descriptors,
      "boundaries/dependency-nodes": ["import", "export", "dynamic-import"],
    },
    rules: {
      "boundaries/dependencies": ["error", { default: "disallow", policies: policies() }],
      // An import of a file outside every element (tests/, scripts/, a root file) is refused too.
      "boundaries/no-unknown-dependencies": "error",
    },
  },
];
