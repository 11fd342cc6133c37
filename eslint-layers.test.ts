import path from "node:path";
import { ESLint } from "eslint";
import nextVitals from "eslint-config-next/core-web-vitals";
import tseslint from "typescript-eslint";
import { describe, expect, it } from "vitest";
import { layerConfig } from "@/eslint-layers.mjs";

const root = import.meta.dirname;

/**
 * The layer rule of `npm run lint`, run on a probe file placed (in name only) in one folder of the
 * tree: the imports resolve against the real tree, through the same resolver settings as the
 * project's ESLint configuration, without the type-checked rules (nothing is written to disk).
 */
async function layerErrors(probePath: string, code: string): Promise<string[]> {
  const resolverSettings = nextVitals.find((block) => block.settings?.["import/resolver"])?.settings;
  const eslint = new ESLint({
    cwd: root,
    overrideConfigFile: true,
    overrideConfig: [{ languageOptions: { parser: tseslint.parser }, settings: resolverSettings }, ...layerConfig],
  });
  const [result] = await eslint.lintText(code, { filePath: path.join(root, probePath) });
  return (result?.messages ?? []).map((message) => `${message.ruleId ?? "parse"}: ${message.message}`);
}

describe("the layer order in npm run lint", () => {
  // An upward import, a feature reaching for the composition root, lib/ reaching for the UI, and a
  // sideways import between features that FEATURE_IMPORTS does not list.
  it.each([
    { from: "lib/storage", to: "lib/chat", code: 'import type { ChatRequest } from "@/lib/chat/chat-service";\nexport type Probe = ChatRequest;\n' },
    { from: "lib/documents", to: "lib/server", code: 'import { getAppServices } from "@/lib/server/app-services";\nexport const probe = getAppServices;\n' },
    { from: "lib/chat", to: "components", code: 'import { chunkLocation } from "@/components/documents/chunk-view";\nexport const probe = chunkLocation;\n' },
    { from: "lib/retrieval", to: "lib/ingest", code: 'import { indexDocument } from "@/lib/ingest/indexer";\nexport const probe = indexDocument;\n' },
  ])("refuses $from importing $to", async ({ from, to, code }) => {
    expect(await layerErrors(`${from}/layer-probe.ts`, code)).toEqual([
      `boundaries/dependencies: There is no policy allowing dependencies from elements of type "${from}" to elements of type "${to}"`,
    ]);
  });

  it("refuses lib/ importing from tests/ or scripts/ (outside every layer)", async () => {
    const errors = await layerErrors(
      "lib/storage/layer-probe.ts",
      'import { createSeededRandom } from "@/tests/support/seeded-random";\nexport const probe = createSeededRandom;\n',
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^boundaries\/no-unknown-dependencies: /);
  });

  it("accepts imports down the layers and the listed feature import", async () => {
    const code = [
      'import { cachedSearchChunks } from "@/lib/retrieval/search-cache";',
      'import { chooseDocumentTitle } from "@/lib/domain/document-title";',
      'import type { DocumentRegistry } from "@/lib/storage/registry-types";',
      'import type { CitedUIMessage } from "@/lib/contracts/chat-message";',
      'import { AppError } from "@/lib/errors";',
      "export type Probe = [typeof cachedSearchChunks, typeof chooseDocumentTitle, DocumentRegistry, CitedUIMessage, AppError];",
    ].join("\n");
    expect(await layerErrors("lib/chat/layer-probe.ts", code)).toEqual([]);
  });
});
