import type { Browser } from "playwright-core";
import { afterAll, beforeAll, it } from "vitest";
import { launchBrowser, logIn } from "../helpers/browser.ts";
import { createTestDatabase } from "../helpers/db.ts";
import { type RunningServer, startServer } from "../helpers/server.ts";

let server: RunningServer;
let browser: Browser;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase();
  server = await startServer({ DATABASE_URL: database.url });
  browser = await launchBrowser();
});
afterAll(async () => {
  console.log(server.output());
  await browser?.close();
  await server?.stop();
  await database?.drop();
});
it("debug", async () => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  page.on("console", (m) => console.log("CONSOLE", m.type(), m.text()));
  page.on("pageerror", (e) => console.log("PAGEERROR", e.message));
  await logIn(page, server.url, "certified@tandem.test", "tandem-demo");
  await page.waitForTimeout(1000);
  await page.screenshot({ path: "/tmp/dbg-dash.png", fullPage: true });
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Account" }).click();
  await page.waitForTimeout(2000);
  console.log("URL", page.url());
  await page.screenshot({ path: "/tmp/dbg-account.png", fullPage: true });
  console.log((await page.locator("main").innerText()).slice(0, 2000));
});
