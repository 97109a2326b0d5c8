// Lint is part of `npm test`. Orchestrators replay, so they may not do I/O or read the clock:
// the override below bans Node builtins and the Azure SDKs there, as Temporal's samples do for workflows.
import { builtinModules } from "node:module";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", ".sandbox/**", "coverage/**", "eslint.config.mjs", "vitest.config.mts", "test/fixtures/**/*.js"] },
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["src/orchestrators/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", {
        paths: builtinModules.flatMap((m) => [m, `node:${m}`]),
        patterns: ["@azure/arm-*", "@azure/identity", "@azure/core-*", "**/azure/*"],
      }],
      "no-restricted-globals": ["error", { name: "Date", message: "Use context.df.currentUtcDateTime: orchestrators replay." }],
    },
  },
);
