import type { Browser } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { launchBrowser } from "./browser.ts";
import { createTestDatabase } from "./db.ts";
import { type RunningServer, startServer } from "./server.ts";

export interface BrowserStack {
  server: RunningServer;
  browser: Browser;
  database: Awaited<ReturnType<typeof createTestDatabase>>;
}

/**
 * For a browser test file: its own database, the real built server on it (with `env` added)
 * and a headless Chromium, started before the file's tests and stopped after them.
 */
export function useBrowserStack(env: Record<string, string | undefined> = {}): BrowserStack {
  const stack = {} as BrowserStack;
  beforeAll(async () => {
    stack.database = await createTestDatabase();
    stack.server = await startServer({ DATABASE_URL: stack.database.url, ...env });
    stack.browser = await launchBrowser();
  });
  afterAll(async () => {
    await stack.browser?.close();
    await stack.server?.stop();
    await stack.database?.drop();
  });
  return stack;
}
