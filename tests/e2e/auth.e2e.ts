import { describe, expect, it } from "vitest";
import { useBrowserStack } from "../helpers/stack.ts";
import { logIn } from "../helpers/browser.ts";

const stack = useBrowserStack();

describe("accounts in the browser", () => {
  it("signs up, logs out and logs back in", async () => {
    const context = await stack.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${stack.server.url}/signup`);
    await page.getByText("You are joining Tandem Demo.").waitFor();
    await page.getByLabel("Your name").fill("Robin Newcomer");
    await page.getByLabel("Email").fill("robin@example.test");
    await page.getByLabel("Password").fill("short");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByText("Use at least 10 characters.").waitFor();

    await page.getByLabel("Password").fill("a sound passphrase");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(`${stack.server.url}/dashboard`);
    await page.getByRole("heading", { name: "Welcome, Robin" }).waitFor();
    expect(await page.getByText("Client at Tandem Demo").count()).toBe(1);

    await page.getByRole("button", { name: "Account menu" }).click();
    await page.getByRole("menuitem", { name: "Log out" }).click();
    await page.waitForURL(/\/login\?ended=logged-out$/);
    await page.getByText("You have been logged out.").waitFor();
    await page.goto(`${stack.server.url}/dashboard`);
    await page.waitForURL(/\/login\?redirectTo=%2Fdashboard/);

    await page.getByLabel("Email").fill("robin@example.test");
    await page.getByLabel("Password").fill("wrong password!");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("alert").filter({ hasText: "The email or password is incorrect." }).waitFor();

    await page.getByLabel("Password").fill("a sound passphrase");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(`${stack.server.url}/dashboard`);
    await page.getByRole("heading", { name: "Welcome, Robin" }).waitFor();
    await context.close();
  });

  it("serves the seeded demo accounts with role-aware navigation", async () => {
    const context = await stack.browser.newContext();
    const page = await context.newPage();
    await logIn(page, stack.server.url, "admin@tandem.test", "tandem-demo");
    const nav = page.getByRole("navigation", { name: "Main" });
    expect(await nav.getByRole("link", { name: "Organisation" }).count()).toBe(1);
    expect(await nav.getByRole("link", { name: "Tenants" }).count()).toBe(0);
    expect(await nav.getByRole("link", { name: "Packages" }).count()).toBe(0);
    await context.close();
  });

  it("takes clients to their package credits, and coaches to their packages and integrations, from the keyboard, marking the current page", async () => {
    const cases = [
      {
        email: "client@tandem.test",
        links: [{ name: "Packages", path: "/packages", heading: "Your packages" }],
        absent: ["Integrations"],
      },
      {
        email: "coach@tandem.test",
        links: [
          { name: "Packages", path: "/coaching/packages", heading: "Your packages" },
          { name: "Integrations", path: "/coaching/integrations", heading: "Integrations" },
        ],
        absent: [],
      },
    ];
    for (const { email, links, absent } of cases) {
      const context = await stack.browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await logIn(page, stack.server.url, email, "tandem-demo");
      const nav = page.getByRole("navigation", { name: "Main" });
      for (const name of absent) expect(await nav.getByRole("link", { name }).count()).toBe(0);
      for (const { name, path, heading } of links) {
        const link = nav.getByRole("link", { name, exact: true });
        expect(await link.getAttribute("aria-current")).toBeNull();
        await link.focus();
        await page.keyboard.press("Enter");
        await page.waitForURL(`${stack.server.url}${path}`);
        await page.getByRole("heading", { name: heading, level: 1 }).waitFor();
        // Marked like every other current entry: for screen readers and by its look.
        expect(await link.getAttribute("aria-current")).toBe("page");
        expect(await link.getAttribute("class")).toContain("bg-brand-50");
      }
      // The narrow-screen menu lists them too.
      await page.setViewportSize({ width: 390, height: 800 });
      await page.getByRole("button", { name: "Menu", exact: true }).click();
      const mobile = page.getByRole("navigation", { name: "Main (mobile)" });
      for (const { name, path } of links)
        expect(await mobile.getByRole("link", { name, exact: true }).getAttribute("href")).toBe(path);
      await context.close();
    }
  });

  it("keeps the longest menu (a certified coach's) clear of the notifications and account controls on a 1280-pixel screen", async () => {
    const context = await stack.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await logIn(page, stack.server.url, "certified@tandem.test", "tandem-demo");
    const nav = page.getByRole("navigation", { name: "Main" });
    const bell = await page.getByRole("link", { name: /^Notifications/ }).boundingBox();
    for (const name of ["Packages", "Integrations", "My reviews", "Applications"]) {
      const box = await nav.getByRole("link", { name, exact: true }).boundingBox();
      expect(box, name).not.toBeNull();
      expect(box!.x + box!.width, name).toBeLessThanOrEqual(bell!.x);
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
    await context.close();
  });
});

describe("time zone", () => {
  it("offers the device's zone when it differs, and every page then shows times in it", async () => {
    const context = await stack.browser.newContext({ timezoneId: "Asia/Tokyo" });
    const page = await context.newPage();
    await logIn(page, stack.server.url, "certified@tandem.test", "tandem-demo");
    await page.goto(`${stack.server.url}/account`);
    await page.getByText("Every time in Tandem is shown to you in UTC.").waitFor();
    await page.getByRole("button", { name: "Use this device's zone (Asia/Tokyo)" }).click();
    await page.getByText("Times are now shown in Asia/Tokyo.").waitFor();
    await page.getByText("Every time in Tandem is shown to you in Asia/Tokyo.").waitFor();
    expect(await page.getByRole("button", { name: /Use this device's zone/ }).count()).toBe(0);
    // Another zone from the list.
    await page.getByLabel("Your time zone").selectOption("Europe/Lisbon");
    await page.getByRole("button", { name: "Save time zone" }).click();
    await page.getByText("Times are now shown in Europe/Lisbon.").waitFor();
    await context.close();
  });
});
