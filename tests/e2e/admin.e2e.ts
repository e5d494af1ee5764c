import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { useBrowserStack } from "../helpers/stack.ts";
import { logIn } from "../helpers/browser.ts";

const stack = useBrowserStack();

const PASSWORD = "tandem-demo";
const SLUG_RULE = "Use 1 to 40 lowercase letters, digits and dashes, not starting or ending with a dash.";

/** Marks the current document; `stillSameDocument` is false after any reload or full navigation. */
const markDocument = (page: Page) => page.evaluate(() => ((window as unknown as { __e2eMark: number }).__e2eMark = 1));
const stillSameDocument = (page: Page) =>
  page.evaluate(() => (window as unknown as { __e2eMark?: number }).__e2eMark === 1);

async function signedIn(email: string) {
  const context = await stack.browser.newContext();
  const page = await context.newPage();
  await logIn(page, stack.server.url, email, PASSWORD);
  return { context, page };
}

describe("system administration", () => {
  it("creates a tenant with field errors first, and a flag switch reaches a client's dashboard live", async () => {
    const admin = await signedIn("sysadmin@tandem.test");
    const client = await signedIn("client@tandem.test");
    try {
      const { page } = admin;
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Tenants" }).click();
      await page.waitForURL(`${stack.server.url}/admin/tenants`);
      await page.getByRole("heading", { name: "Tenants", level: 1 }).waitFor();

      const form = page.getByRole("region", { name: "New tenant" });
      const acme = page.getByRole("region", { name: "Acme Coaching" });
      expect(await acme.count()).toBe(0);

      // A malformed address is refused next to the field, and nothing is created.
      await form.getByLabel("Name").fill("Acme Coaching");
      await form.getByLabel("Address (slug)").fill("Acme Coaching!");
      await form.getByRole("button", { name: "Create tenant" }).click();
      await form.getByText(SLUG_RULE).waitFor();
      expect(await form.getByLabel("Address (slug)").getAttribute("aria-invalid")).toBe("true");
      expect(await form.getByLabel("Name").getAttribute("aria-invalid")).toBeNull();
      expect(await acme.count()).toBe(0);

      // An address already in use is refused too.
      await form.getByLabel("Address (slug)").fill("demo");
      await form.getByRole("button", { name: "Create tenant" }).click();
      await form.getByText("Another organisation already uses this address.").waitFor();
      expect(await form.getByText(SLUG_RULE).count()).toBe(0);

      await form.getByLabel("Address (slug)").fill("acme-coaching");
      await form.getByRole("button", { name: "Create tenant" }).click();
      await form
        .getByRole("status")
        .filter({ hasText: "Created Acme Coaching. Its members sign up at /signup?tenant=acme-coaching." })
        .waitFor();
      await acme.waitFor();
      await acme.getByText("acme-coaching · 0 members · fee 15.00% · EUR").waitFor();
      expect(await form.getByLabel("Name").inputValue()).toBe("");
      expect(await form.getByLabel("Address (slug)").getAttribute("aria-invalid")).toBeNull();

      // The client is watching their dashboard.
      const features = client.page.getByRole("region", { name: "Features in your organisation" });
      await features.getByText("Premium coach services: off").waitFor();
      await client.page.getByText("Live updates on").waitFor();
      await markDocument(client.page);

      const demoPremium = page
        .getByRole("region", { name: "Tandem Demo" })
        .getByRole("switch", { name: "Premium coach services" });
      const acmePremium = acme.getByRole("switch", { name: "Premium coach services" });
      expect(await demoPremium.getAttribute("aria-checked")).toBe("false");
      await demoPremium.click();
      // Saved: on, and no longer waiting for the stack.server.
      await demoPremium.and(page.locator('[aria-checked="true"]:not([disabled])')).waitFor();

      // …and it reaches the client without a reload.
      await features.getByText("Premium coach services: on").waitFor();
      expect(await features.getByText("Coaches: on").count()).toBe(1);
      expect(await stillSameDocument(client.page)).toBe(true);

      // Only the demo tenant changed, and the change is stored.
      expect(await acmePremium.getAttribute("aria-checked")).toBe("false");
      await page.reload();
      expect(await demoPremium.getAttribute("aria-checked")).toBe("true");
      expect(await acmePremium.getAttribute("aria-checked")).toBe("false");
    } finally {
      await admin.context.close();
      await client.context.close();
    }
  });
});

describe("organisation settings", () => {
  it("lets the organisation admin change the platform fee, within its limit", async () => {
    const { context, page } = await signedIn("admin@tandem.test");
    try {
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Organisation" }).click();
      await page.waitForURL(`${stack.server.url}/organisation`);
      await page.getByRole("heading", { name: "Organisation", level: 1 }).waitFor();
      const fee = page.getByLabel("Platform fee (%)");
      expect(await fee.inputValue()).toBe("15");

      await fee.fill("80");
      await page.getByRole("button", { name: "Save settings" }).click();
      await page.getByText("The fee is at most 50% (5000 basis points).").waitFor();
      expect(await fee.getAttribute("aria-invalid")).toBe("true");
      expect(await page.getByText("Settings saved.").count()).toBe(0);

      await fee.fill("12.5");
      await page.getByRole("button", { name: "Save settings" }).click();
      await page.getByRole("status").filter({ hasText: "Settings saved." }).waitFor();
      expect(await page.getByText("The fee is at most 50%").count()).toBe(0);
      expect(await fee.getAttribute("aria-invalid")).toBeNull();

      await page.reload();
      await page.getByRole("heading", { name: "Organisation", level: 1 }).waitFor();
      expect(await fee.inputValue()).toBe("12.5");
    } finally {
      await context.close();
    }
  });

  it("answers a client who opens the organisation page with a 403 page", async () => {
    const { context, page } = await signedIn("client@tandem.test");
    const pageErrors: Error[] = [];
    page.on("pageerror", (error) => pageErrors.push(error));
    try {
      expect(
        await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Organisation" }).count(),
      ).toBe(0);
      const response = await page.goto(`${stack.server.url}/organisation`);
      expect(response?.status()).toBe(403);
      await page.getByRole("heading", { name: "You do not have access to this page", level: 1 }).waitFor();
      await page.getByText("Only organisation admins can manage the organisation.").waitFor();
      expect(await page.getByText("Something went wrong").count()).toBe(0);
      expect(await page.getByLabel("Platform fee (%)").count()).toBe(0);
      // Not a dead end: the app's navigation is still there, and it still works.
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Dashboard" }).click();
      await page.waitForURL(`${stack.server.url}/dashboard`);
      await page.getByRole("heading", { name: "Welcome, Chris" }).waitFor();
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
