import type { Linter } from "eslint";

/** Types of eslint-layers.mjs, for the test that runs its rule (tests/unit/architecture). */
export declare const LAYERS: readonly { layer: string; siblings: boolean; elements: string[] }[];
export declare const FEATURE_IMPORTS: Readonly<Record<string, string[]>>;
export declare const layerConfig: Linter.Config[];
