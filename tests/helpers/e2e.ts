import pg from "pg";
import { logIn } from "./browser.ts";
import type { BrowserStack } from "./stack.ts";

/** A fresh browser context signed in as a seeded demo user (password "tandem-demo"). */
export async function signedIn(stack: BrowserStack, email: string, options: { acceptDownloads?: boolean } = {}) {
  const context = await stack.browser.newContext(options);
  const page = await context.newPage();
  await logIn(page, stack.server.url, email, "tandem-demo");
  return { context, page };
}

/** One SQL statement on the stack's database (setup and checks that the UI does not show). */
export async function query<T extends pg.QueryResultRow>(
  stack: BrowserStack,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: stack.database.url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}
