import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { useBrowserStack } from "../helpers/stack.ts";

// Three failures lock an account; the per-IP limit stays at its (much higher) default.
const stack = useBrowserStack({ LOGIN_MAX_FAILURES_PER_ACCOUNT: "3" });

/** Submits the login form and resolves with the HTTP status of the form's POST. */
async function submitLogin(page: Page, email: string, password: string): Promise<number> {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/login"),
    page.getByRole("button", { name: "Log in" }).click(),
  ]);
  return response.status();
}

describe("login limits in the browser", () => {
  it("locks an account after repeated wrong passwords, even for the right one, while other accounts still log in", async () => {
    const context = await stack.browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${stack.server.url}/login`);
      await page.getByRole("heading", { name: "Log in to Tandem", level: 1 }).waitFor();
      const wrong = page.getByRole("alert").filter({ hasText: "The email or password is incorrect." });
      const locked = page
        .getByRole("alert")
        .filter({ hasText: /^Too many failed sign-in attempts for this account\. Try again in \d+ minutes?\.$/ });

      for (let attempt = 1; attempt <= 3; attempt++) {
        expect(await submitLogin(page, "coach@tandem.test", `wrong password ${attempt}`)).toBe(401);
        await wrong.waitFor();
        expect(await locked.count()).toBe(0);
      }

      // The fourth attempt, with the right password, is refused without signing in.
      expect(await submitLogin(page, "coach@tandem.test", "tandem-demo")).toBe(429);
      await locked.waitFor();
      expect(await locked.textContent()).toMatch(/Try again in (60|59) minutes\./);
      expect(await wrong.count()).toBe(0);
      expect(new URL(page.url()).pathname).toBe("/login");
      expect((await context.cookies()).some((c) => c.name === "tandem_session")).toBe(false);
      await page.goto(`${stack.server.url}/dashboard`);
      await page.waitForURL(/\/login\?redirectTo=%2Fdashboard$/);

      // The same browser (same IP) can still sign in to another account.
      // (Remix answers a redirecting form POST with 204 and X-Remix-Redirect.)
      expect(await submitLogin(page, "client@tandem.test", "tandem-demo")).toBe(204);
      await page.waitForURL(`${stack.server.url}/dashboard`);
      await page.getByRole("heading", { name: "Welcome, Chris" }).waitFor();
    } finally {
      await context.close();
    }
  });
});
