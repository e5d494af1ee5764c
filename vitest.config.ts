import { defineConfig } from "vitest/config";

/**
 * `unit` holds unit and integration tests (real PostgreSQL: DATABASE_URL, or an embedded one
 * started by tests/setup/global-db.ts). `e2e` drives the built server in headless Chromium.
 */
export default defineConfig({
  // The path aliases of tsconfig.json (`paths`), for tests and the code they import.
  resolve: {
    alias: {
      "~": new URL("./app", import.meta.url).pathname,
      "@server": new URL("./server", import.meta.url).pathname,
      "@realtime": new URL("./realtime", import.meta.url).pathname,
      "@tests": new URL("./tests", import.meta.url).pathname,
    },
  },
  test: {
    reporters: ["default", "./tests/setup/summary-reporter.ts"],
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: [
            "server/**/*.test.ts",
            "app/**/*.test.ts",
            "realtime/**/*.test.ts",
            "tests/integration/**/*.test.ts",
          ],
          globalSetup: ["./tests/setup/global-db.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          pool: "forks",
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.e2e.ts"],
          globalSetup: ["./tests/setup/global-db.ts", "./tests/setup/global-e2e.ts"],
          testTimeout: 60_000,
          hookTimeout: 90_000,
          pool: "forks",
          fileParallelism: false,
        },
      },
    ],
  },
});
