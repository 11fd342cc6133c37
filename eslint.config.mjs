import nextVitals from "eslint-config-next/core-web-vitals";
import tseslint from "typescript-eslint";
import { layerConfig } from "./eslint-layers.mjs";

export default tseslint.config(
  {
    ignores: [".next/**", "node_modules/**", "data/**", "dist/**", "test-results/**", "next-env.d.ts", "coverage/**"],
  },
  ...nextVitals,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-floating-promises": "error",
    },
  },
  {
    files: ["**/*.mjs", "**/*.js", "**/*.cjs"],
    ...tseslint.configs.disableTypeChecked,
  },
  // The layer order (docs/architecture.md): lib/ never imports app/ or components/, nor a higher layer.
  ...layerConfig,
);
