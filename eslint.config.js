// ESLint flat config: the recommended JavaScript and TypeScript rules, and the import boundaries of
// docs/architecture.md (ADR 018). Formatting is Prettier's job (eslint-config-prettier turns off
// every rule that would disagree with it).
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import { defineConfig, globalIgnores } from "eslint/config";
import globals from "globals";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

/** `../../` or deeper: use an alias (`~/`, `@server/`, `@realtime/`, `@tests/`) instead. */
const DEEP_RELATIVE = {
  regex: "^(\\.\\./){2,}",
  message: "Use a path alias (~/, @server/, @realtime/, @tests/) instead of a deep relative import.",
};

/** The application code (Remix routes and components) is never imported by the server or realtime layers. */
const APP = {
  regex: "^(~/|(\\.\\.?/)+app/)",
  message: "server/ and realtime/ never import app/ (docs/architecture.md, Layout).",
};

/**
 * The Prisma client, the database module and the drivers under it. Only server/services, server/db and the
 * composition root (server/index.ts, server/app.ts) query the database; types (enums, row types) are fine.
 */
const DATABASE = {
  regex: "^(@server/db/|(\\.\\.?/)+db/(client|generated)|@prisma/|pg$)",
  allowTypeImports: true,
  message: "Only server/services touch the database: call a service (types may be imported with `import type`).",
};

/** Server and realtime code in the browser bundle: app/ may import its types, and values only in *.server.ts. */
const SERVER_FROM_APP = {
  regex: "^@(server|realtime)/",
  allowTypeImports: true,
  message: "app/ imports only types from server/ and realtime/; values belong in a *.server.ts module.",
};

const restrict = (...patterns) => ({
  "no-restricted-imports": "off",
  "@typescript-eslint/no-restricted-imports": ["error", { patterns }],
});

export default defineConfig(
  globalIgnores([
    "build/",
    "public/build/",
    "public/livekit-client.e2ee.worker.mjs",
    "server/db/generated/",
    ".data/",
    ".cache/",
    "test-results/",
  ]),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: "module",
      globals: { ...globals.node, ...globals.browser },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none", ignoreRestSiblings: true },
      ],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      ...restrict(DEEP_RELATIVE),
    },
  },
  // server/: never app/; the database only in services, server/db and the composition root.
  {
    files: ["server/**/*.{ts,tsx}"],
    ignores: ["server/services/**", "server/db/**", "server/index.ts", "server/app.ts", "server/**/*.test.ts"],
    rules: restrict(DEEP_RELATIVE, APP, DATABASE),
  },
  {
    files: ["server/services/**/*.ts", "server/db/**/*.ts", "server/index.ts", "server/app.ts", "server/**/*.test.ts"],
    rules: restrict(DEEP_RELATIVE, APP),
  },
  // realtime/: never app/, never the database (handlers call services).
  {
    files: ["realtime/**/*.ts"],
    ignores: ["realtime/**/*.test.ts"],
    rules: restrict(DEEP_RELATIVE, APP, DATABASE),
  },
  {
    files: ["realtime/**/*.test.ts"],
    rules: restrict(DEEP_RELATIVE, APP),
  },
  // app/: server and realtime code only as types, except in *.server.ts modules (stripped from the browser
  // bundle); never the database, whichever the file.
  {
    files: ["app/**/*.{ts,tsx}"],
    ignores: ["app/**/*.server.{ts,tsx}", "app/**/*.test.{ts,tsx}"],
    rules: restrict(DEEP_RELATIVE, SERVER_FROM_APP, DATABASE),
  },
  {
    files: ["app/**/*.server.{ts,tsx}", "app/**/*.test.{ts,tsx}"],
    rules: restrict(DEEP_RELATIVE, DATABASE),
  },
  // React: the rules of hooks and complete effect dependencies (not the React Compiler rules).
  {
    files: ["app/**/*.{ts,tsx}"],
    plugins: { "react-hooks": reactHooks },
    rules: { "react-hooks/rules-of-hooks": "error", "react-hooks/exhaustive-deps": "error" },
  },
  // Plain Node scripts and configuration files.
  {
    files: ["**/*.{js,mjs,cjs}"],
    rules: { "@typescript-eslint/consistent-type-imports": "off" },
  },
  prettier,
);
