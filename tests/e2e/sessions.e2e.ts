import pg from "pg";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, logIn } from "../helpers/browser.ts";
import { createTestDatabase } from "../helpers/db.ts";
import { type RunningServer, startServer } from "../helpers/server.ts";

let server: RunningServer;
let browser: Browser;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: pg.Client;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startServer({ DATABASE_URL: database.url });
  browser = await launchBrowser();
  db = new pg.Client({ connectionString: database.url });
  await db.connect();
});

afterAll(async () => {
  await db?.end();
  await browser?.close();
  await server?.stop();
  await database?.drop();
});

const PASSWORD = "tandem-demo";

async function sessionCookie(context: BrowserContext): Promise<string> {
  const cookie = (await context.cookies()).find((c) => c.name === "tandem_session");
  if (!cookie?.value) throw new Error("no session cookie in this browser context");
  return cookie.value;
}

/** Who the server takes the holder of this session cookie for (tRPC auth.me over HTTP), or null. */
async function whoHolds(token: string): Promise<string | null> {
  const res = await fetch(`${server.url}/api/trpc/auth.me`, { headers: { cookie: `tandem_session=${token}` } });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { result: { data: { user: { email: string } } | null } };
  return body.result.data?.user.email ?? null;
}

/** Two browsers (contexts) signed in as the same person, both on the dashboard. */
async function twoBrowsers(email: string) {
  const a = await browser.newContext();
  const b = await browser.newContext();
  const pageA = await a.newPage();
  const pageB = await b.newPage();
  await logIn(pageA, server.url, email, PASSWORD);
  await logIn(pageB, server.url, email, PASSWORD);
  // B's live connection is up, so that it can be told when its session ends.
  await pageB.getByText("Live updates on").waitFor();
  return { a, b, pageA, pageB, close: () => Promise.all([a.close(), b.close()]) };
}

const sessionRows = (page: Page) => page.getByRole("list", { name: "Sessions" }).getByRole("listitem");

describe("sessions in the browser", () => {
  it("revokes another browser's session from the account page, which sends that browser to the login page", async () => {
    const { a, b, pageA, pageB, close } = await twoBrowsers("certified@tandem.test");
    try {
      const tokenB = await sessionCookie(b);
      expect(await whoHolds(tokenB)).toBe("certified@tandem.test");

      await pageA.getByRole("button", { name: "Account menu" }).click();
      await pageA.getByRole("menuitem", { name: "Account and sessions" }).click();
      await pageA.waitForURL(`${server.url}/account`);
      await pageA.getByRole("heading", { name: "Account", level: 1 }).waitFor();
      expect(await sessionRows(pageA).count()).toBe(2);
      const current = sessionRows(pageA).filter({ hasText: "This browser" });
      const other = sessionRows(pageA).filter({ hasNotText: "This browser" });
      expect(await current.count()).toBe(1);
      expect(await other.count()).toBe(1);
      expect(await current.getByRole("button").textContent()).toBe("Sign out here");

      await other.getByRole("button", { name: "Revoke" }).click();

      // B is sent to the login page by the live event, with no action of its own.
      await pageB.waitForURL(`${server.url}/login?ended=revoked`);
      await pageB
        .getByRole("status")
        .filter({ hasText: "This session was signed out from another browser." })
        .waitFor();
      await pageB.getByRole("button", { name: "Log in" }).waitFor();

      // A stays signed in, and its list now holds only this browser.
      await other.waitFor({ state: "detached" });
      expect(await sessionRows(pageA).count()).toBe(1);
      expect(await sessionRows(pageA).filter({ hasText: "This browser" }).count()).toBe(1);

      // B's old cookie no longer opens anything.
      expect(await whoHolds(tokenB)).toBeNull();
      const dashboard = await fetch(`${server.url}/dashboard`, {
        headers: { cookie: `tandem_session=${tokenB}` },
        redirect: "manual",
      });
      expect(dashboard.status).toBe(302);
      expect(dashboard.headers.get("location")).toBe("/login?redirectTo=%2Fdashboard&ended=expired");
      await pageB.goto(`${server.url}/dashboard`);
      await pageB.waitForURL(/\/login\?/);
      await pageB.getByRole("button", { name: "Log in" }).waitFor();
      expect(await whoHolds(await sessionCookie(a))).toBe("certified@tandem.test");
    } finally {
      await close();
    }
  });

  it("ends a session that has been idle for longer than the idle timeout", async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await logIn(page, server.url, "coach@tandem.test", PASSWORD);
      const token = await sessionCookie(context);

      // A reload on a live session stays on the dashboard.
      await page.reload();
      await page.getByRole("heading", { name: "Welcome, Casey" }).waitFor();
      expect(new URL(page.url()).pathname).toBe("/dashboard");

      const { rowCount } = await db.query(
        `UPDATE "Session" SET "lastSeenAt" = now() - interval '2 hours'
          WHERE "revokedAt" IS NULL AND "userId" = (SELECT id FROM "User" WHERE email = $1)`,
        ["coach@tandem.test"],
      );
      expect(rowCount).toBe(1);

      await page.reload();
      await page.waitForURL(/\/login\?/);
      const params = new URL(page.url()).searchParams;
      expect(params.get("redirectTo")).toBe("/dashboard");
      expect(params.get("ended")).toBe("expired");
      await page.getByRole("status").filter({ hasText: "Your session has expired. Please log in again." }).waitFor();
      expect(await page.getByRole("heading", { name: /^Welcome/ }).count()).toBe(0);
      expect(await whoHolds(token)).toBeNull();

      // Logging in again goes back where the person was.
      await page.getByLabel("Email").fill("coach@tandem.test");
      await page.getByLabel("Password").fill(PASSWORD);
      await page.getByRole("button", { name: "Log in" }).click();
      await page.waitForURL(`${server.url}/dashboard`);
      await page.getByRole("heading", { name: "Welcome, Casey" }).waitFor();
    } finally {
      await context.close();
    }
  });

  it("signs out the other browser when the password changes, and the new password works", async () => {
    const { a, b, pageA, pageB, close } = await twoBrowsers("client@tandem.test");
    const newPassword = "a brand new passphrase";
    try {
      const tokenB = await sessionCookie(b);
      await pageA.goto(`${server.url}/account`);
      await pageA.getByRole("heading", { name: "Account", level: 1 }).waitFor();

      // A wrong current password changes nothing.
      await pageA.getByLabel("Current password").fill("not my password");
      await pageA.getByLabel("New password").fill(newPassword);
      await pageA.getByRole("button", { name: "Change password" }).click();
      await pageA.getByText("The current password is incorrect.").waitFor();
      expect(await pageA.getByLabel("Current password").getAttribute("aria-invalid")).toBe("true");
      expect(await whoHolds(tokenB)).toBe("client@tandem.test");
      expect(new URL(pageB.url()).pathname).toBe("/dashboard");

      await pageA.getByLabel("Current password").fill(PASSWORD);
      await pageA.getByLabel("New password").fill(newPassword);
      await pageA.getByRole("button", { name: "Change password" }).click();
      await pageA
        .getByRole("status")
        .filter({ hasText: "Password changed. 1 other session was signed out." })
        .waitFor();

      await pageB.waitForURL(`${server.url}/login?ended=password-changed`);
      await pageB
        .getByText("Your password was changed, so this session was signed out. Log in with the new password.")
        .waitFor();
      expect(await whoHolds(tokenB)).toBeNull();
      // A, where the change was made, is still signed in.
      expect(await whoHolds(await sessionCookie(a))).toBe("client@tandem.test");

      // The old password is refused, the new one works.
      await pageB.getByLabel("Email").fill("client@tandem.test");
      await pageB.getByLabel("Password").fill(PASSWORD);
      await pageB.getByRole("button", { name: "Log in" }).click();
      await pageB.getByRole("alert").filter({ hasText: "The email or password is incorrect." }).waitFor();
      await logIn(pageB, server.url, "client@tandem.test", newPassword);
      await pageB.getByRole("heading", { name: "Welcome, Chris" }).waitFor();
    } finally {
      await close();
    }
  });
});
