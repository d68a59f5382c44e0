// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const timeGlobals = ["setTimeout", "setInterval", "setImmediate"].map((name) => ({
  name,
  message: "Time is injected: take a Clock (sim/clock.ts); only sim/ and net/ touch timers.",
}));

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "native/build/**", "bench/results/**", "eslint.config.js"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["src/**/*.ts"],
    ignores: ["src/sim/**", "src/net/**"],
    rules: {
      "no-restricted-globals": [
        "error",
        ...timeGlobals,
        { name: "performance", message: timeGlobals[0].message },
      ],
      "no-restricted-properties": [
        "error",
        { object: "Date", property: "now", message: timeGlobals[0].message },
      ],
    },
  },
  {
    // node:test's it/describe return promises that the runner itself awaits.
    files: ["test/**/*.ts"],
    rules: { "@typescript-eslint/no-floating-promises": "off" },
  },
  {
    files: ["**/*.mjs", "scripts/**"],
    ...tseslint.configs.disableTypeChecked,
  },
);
