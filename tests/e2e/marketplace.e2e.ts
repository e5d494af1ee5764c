import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectAccessible } from "../helpers/axe.ts";
import { launchBrowser, logIn } from "../helpers/browser.ts";
import { createTestDatabase } from "../helpers/db.ts";
import { type RunningServer, startServer } from "../helpers/server.ts";

/**
 * The coach marketplace end to end, in three browsers at once: a newcomer signs up, applies and
 * is approved by the organisation admin, fills in a profile with a photo and a service; another
 * client finds them in the directory, saves them, and loses them again once the admin suspends them.
 * The steps build on each other and run in order.
 */

let server: RunningServer;
let browser: Browser;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let tmp: string;

const PASSWORD = "tandem-demo";
const NAME = "Nova Newcoach";
const EMAIL = "nova@example.test";
/** A word no seeded coach uses, so that a search for it finds only the new coach. */
const WORD = "kintsugi";
const MOTIVATION = "I mentored colleagues through burnout for years and want to do it properly, with supervision.";

// Three people, each in their own browser context; the applicant lives in Amsterdam.
let applicant: { context: BrowserContext; page: Page };
let admin: { context: BrowserContext; page: Page };
let client: { context: BrowserContext; page: Page };
let profileUrl: string;

const nav = (page: Page) => page.getByRole("navigation", { name: "Main" });

/** Marks the current document; `stillSameDocument` is false after any reload or full navigation. */
const markDocument = (page: Page) => page.evaluate(() => ((window as unknown as { __e2eMark: number }).__e2eMark = 1));
const stillSameDocument = (page: Page) =>
  page.evaluate(() => (window as unknown as { __e2eMark?: number }).__e2eMark === 1);

async function signedIn(email: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await logIn(page, server.url, email, PASSWORD);
  return { context, page };
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "tandem-e2e-marketplace-"));
  database = await createTestDatabase();
  // Uploaded photos go to this file's own directory, not the working copy's .data.
  server = await startServer({ DATABASE_URL: database.url, DATA_DIR: tmp });
  browser = await launchBrowser();
  admin = await signedIn("admin@tandem.test");
});

afterAll(async () => {
  for (const person of [applicant, admin, client]) await person?.context.close().catch(() => undefined);
  await browser?.close();
  await server?.stop();
  await database?.drop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe("the coach marketplace", () => {
  it("shows a newcomer the eligibility checklist, and takes their application once the admin's rules allow it", async () => {
    const context = await browser.newContext({ timezoneId: "Europe/Amsterdam" });
    const page = await context.newPage();
    applicant = { context, page };
    await page.goto(`${server.url}/signup`);
    await page.getByLabel("Your name").fill(NAME);
    await page.getByLabel("Email").fill(EMAIL);
    await page.getByLabel("Password").fill("a sound passphrase");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(`${server.url}/dashboard`);
    await page.getByText("times shown in Europe/Amsterdam").waitFor();

    await nav(page).getByRole("link", { name: "Become a coach" }).click();
    await page.waitForURL(`${server.url}/coaching/apply`);
    await page.getByRole("heading", { name: "Become a coach", level: 1 }).waitFor();
    const criteria = page.getByRole("list", { name: "Eligibility criteria" });
    const exercises = criteria
      .getByRole("listitem")
      .filter({ hasText: "Complete at least 10 exercises (not met: 0 of 10)" });
    const journal = criteria
      .getByRole("listitem")
      .filter({ hasText: "Journal on at least 30 days (not met: 0 of 30)" });
    await exercises.waitFor();
    expect(await exercises.getAttribute("data-met")).toBe("false");
    expect(await journal.getAttribute("data-met")).toBe("false");
    await page.getByText("You can apply once every criterion is met.").waitFor();
    // Nothing to fill in yet: the form comes once the criteria are met.
    expect(await page.getByLabel("Why do you want to become a coach?").count()).toBe(0);

    // The organisation admin opens applications to everyone and sets a minimum service price.
    const a = admin.page;
    await nav(a).getByRole("link", { name: "Organisation" }).click();
    await a.waitForURL(`${server.url}/organisation`);
    await a.getByLabel("Completed exercises at least").fill("0");
    await a.getByLabel("Days of journaling at least").fill("0");
    await a.getByLabel("Minimum service price (EUR)").fill("25");
    await a.getByRole("button", { name: "Save settings" }).click();
    await a.getByRole("status").filter({ hasText: "Settings saved." }).waitFor();

    await page.reload();
    await criteria
      .getByRole("listitem")
      .filter({ hasText: "Complete at least 0 exercises (met: 0 of 0)" })
      .and(page.locator('[data-met="true"]'))
      .waitFor();
    await criteria
      .getByRole("listitem")
      .filter({ hasText: "Journal on at least 0 days (met: 0 of 0)" })
      .and(page.locator('[data-met="true"]'))
      .waitFor();
    await page.getByText("You meet every criterion.").waitFor();

    // Too short a motivation is refused next to the field, and keeps what was typed elsewhere.
    const motivation = page.getByLabel("Why do you want to become a coach?");
    await motivation.fill("I like helping people.");
    await page.getByLabel("Specialties").fill("burnout, career change");
    await page.getByRole("button", { name: "Send application" }).click();
    await page.getByText("Tell us a bit more: at least 50 characters.").waitFor();
    expect(await motivation.getAttribute("aria-invalid")).toBe("true");
    expect(await page.getByLabel("Specialties").inputValue()).toBe("burnout, career change");

    await motivation.fill(MOTIVATION);
    await page.getByRole("button", { name: "Send application" }).click();
    await page.getByRole("status").filter({ hasText: "Thank you! Your application is waiting for review" }).waitFor();
    const application = page.getByRole("region", { name: "Your application" });
    await application.getByText("Waiting for review").waitFor();
    // Sent just now, shown in the applicant's own time zone.
    expect(await application.textContent()).toMatch(/sent \d{1,2} \w{3} \d{4}, \d{2}:\d{2} CES?T/);
    expect(await motivation.count()).toBe(0);
  });

  it("lets the admin see the waiting application, refuses a rejection without a reason, and approves it; the applicant is told live", async () => {
    const a = admin.page;
    const page = applicant.page;
    await page.getByText("Live updates on").waitFor();
    expect(await page.getByRole("link", { name: "Notifications", exact: true }).count()).toBe(1);
    await markDocument(page);

    await nav(a).getByRole("link", { name: "Applications" }).click();
    await a.waitForURL(`${server.url}/coaching/review`);
    const card = a.getByRole("region", { name: NAME });
    await card.waitFor();
    await card.getByText(`${EMAIL} · applied`).waitFor();
    expect(await card.textContent()).toMatch(/applied \d{1,2} \w{3} \d{4}, \d{2}:\d{2} UTC/); // the admin's time zone
    await card.getByText("Waiting less than an hour").waitFor();
    await card.getByText(MOTIVATION).waitFor();
    await card.getByText("Specialties: burnout, career change").waitFor();

    const reason = card.getByLabel("Reason (required to reject)");
    await card.getByRole("button", { name: "Reject" }).click();
    await card.getByText("Give the applicant a reason for the rejection.").waitFor();
    expect(await reason.getAttribute("aria-invalid")).toBe("true");
    expect(await card.count()).toBe(1); // still waiting

    await card.getByRole("button", { name: "Approve" }).click();
    await a.getByRole("status").filter({ hasText: "Application approved. The applicant has been told." }).waitFor();
    await a.getByText("No applications are waiting").waitFor();
    expect(await card.count()).toBe(0);

    // The applicant's open page follows without a reload: the bell counts it, the navigation is a
    // coach's, and the application shows its decision.
    const bell = page.getByRole("link", { name: "Notifications, 1 unread" });
    await bell.waitFor();
    await nav(page).getByRole("link", { name: "Profile" }).waitFor();
    await page.getByRole("region", { name: "Your application" }).getByText("Approved", { exact: true }).waitFor();
    expect(await nav(page).getByRole("link", { name: "Become a coach" }).count()).toBe(0);
    expect(await stillSameDocument(page)).toBe(true);

    // The notification leads to the coach's own pages.
    await bell.click();
    await page.waitForURL(`${server.url}/notifications`);
    const notifications = page.getByRole("list", { name: "Notifications" });
    await notifications.getByRole("link", { name: "You are now a coach on Tandem" }).waitFor();
    await notifications.getByText("Fill in your profile and add a service so that clients can find you.").waitFor();
    expect(await nav(page).getByRole("link", { name: "Profile" }).count()).toBe(1);
    expect(await nav(page).getByRole("link", { name: "Services" }).count()).toBe(1);
    expect(await nav(page).getByRole("link", { name: "Become a coach" }).count()).toBe(0);
  });

  it("lets the new coach fill in a profile, upload a photo and offer a service at or above the minimum price", async () => {
    const page = applicant.page;
    await page
      .getByRole("list", { name: "Notifications" })
      .getByRole("link", { name: "You are now a coach on Tandem" })
      .click();
    await page.waitForURL(`${server.url}/coaching/profile`);
    await page.getByRole("heading", { name: "Your coach profile", level: 1 }).waitFor();

    const profile = page.getByRole("region", { name: "Profile", exact: true });
    await profile
      .getByLabel("Bio")
      .fill(`I help people back on their feet after burnout with the ${WORD} approach: small repairs, made visible.`);
    const topics = profile.getByRole("group", { name: "Topics" });
    await topics.getByLabel("career", { exact: true }).check();
    await topics.getByLabel("stress", { exact: true }).check();
    await profile.getByLabel("Languages").fill("en, nl");
    const types = profile.getByRole("group", { name: "Session types you offer" });
    await types.getByLabel("Video").check();
    await types.getByLabel("Phone").check();
    await profile.getByRole("button", { name: "Save profile" }).click();
    await profile.getByRole("status").filter({ hasText: "Profile saved." }).waitFor();

    // A real PNG, larger than the stored 400x400.
    const png = path.join(tmp, "portrait.png");
    await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 40, g: 110, b: 200 } } })
      .png()
      .toFile(png);
    const photo = page.getByRole("region", { name: "Photo", exact: true });
    expect(await photo.getByRole("img", { name: "Your current photo" }).count()).toBe(0);
    await photo.getByText("No photo yet").waitFor();
    await photo.getByLabel("New photo (JPEG, PNG or WebP, up to 5 MB)").setInputFiles(png);
    await photo.getByRole("button", { name: "Upload photo" }).click();
    await photo.getByRole("status").filter({ hasText: "Photo updated." }).waitFor();
    const image = photo.getByRole("img", { name: "Your current photo" });
    await image.waitFor();
    expect(await image.getAttribute("src")).toMatch(/^\/files\/avatars\//);
    // It really loads: the server's resized copy.
    expect(
      await image.evaluate(
        async (img: HTMLImageElement) => (await img.decode(), [img.naturalWidth, img.naturalHeight]),
      ),
    ).toEqual([400, 400]);

    await page.reload();
    expect(await profile.getByLabel("Bio").inputValue()).toContain(WORD);
    expect(await profile.getByLabel("Languages").inputValue()).toBe("en, nl");
    expect(await topics.getByLabel("career", { exact: true }).isChecked()).toBe(true);
    expect(await topics.getByLabel("nutrition", { exact: true }).isChecked()).toBe(false);
    expect(await types.getByLabel("Phone").isChecked()).toBe(true);
    expect(await types.getByLabel("Chat").isChecked()).toBe(false);

    await nav(page).getByRole("link", { name: "Services" }).click();
    await page.waitForURL(`${server.url}/coaching/services`);
    await page.getByText("Prices are in EUR; the minimum is €25.00.").waitFor();
    const services = page.getByRole("region", { name: "Services", exact: true });
    await services.getByText("No services yet").waitFor();
    const form = page.getByRole("region", { name: "New service" });
    await form.getByLabel("Name").fill("Career reset session");
    await form.getByLabel("Price (EUR)").fill("20");
    await form.getByLabel("Session type").selectOption({ label: "Phone" });
    await form.getByRole("button", { name: "Create service" }).click();
    await form.getByText("The minimum price in this organisation is 25.00 EUR.").waitFor();
    expect(await form.getByLabel("Price (EUR)").getAttribute("aria-invalid")).toBe("true");
    expect(await services.getByText("No services yet").count()).toBe(1);

    await form.getByLabel("Price (EUR)").fill("45");
    await form.getByRole("button", { name: "Create service" }).click();
    await page.getByRole("status").filter({ hasText: "Service created." }).waitFor();
    await services
      .getByRole("listitem", { name: "Career reset session" })
      .getByText("Career reset session · €45.00 · 60 min · Phone")
      .waitFor();
    // The form is ready for the next service, not holding a copy of this one.
    expect(await form.getByLabel("Name").inputValue()).toBe("");
    expect(await form.getByLabel("Price (EUR)").getAttribute("aria-invalid")).toBeNull();
  });

  it("lets another client find the coach by word and filters kept in the URL, and save them", async () => {
    client = await signedIn("client@tandem.test");
    const page = client.page;
    await nav(page).getByRole("link", { name: "Find a coach" }).click();
    await page.waitForURL(`${server.url}/coaches`);
    const results = page.getByRole("region", { name: /^\d+ coach(es)?$/ });
    const list = page.getByRole("list", { name: "Coaches" });
    const nova = list.getByRole("listitem").filter({ hasText: NAME });
    // The two seeded coaches and the new one.
    await page.getByRole("heading", { name: "3 coaches", level: 2 }).waitFor();
    await nova.waitFor();
    await expectAccessible(page, "the coach directory");
    const search = page.getByRole("search", { name: "Search coaches" });
    await search.getByLabel("Search", { exact: true }).fill(WORD);
    await search.getByLabel("Search", { exact: true }).press("Enter");
    await page.waitForURL(`${server.url}/coaches?q=${WORD}`);
    await page.getByRole("heading", { name: "1 coach", level: 2 }).waitFor();
    await nova.waitFor();

    const filtersIn = () => Object.fromEntries(new URL(page.url()).searchParams);
    await search.getByLabel("Topic").selectOption("career");
    await page.waitForURL((u) => u.searchParams.get("topic") === "career");
    await search.getByLabel("Language").selectOption({ label: "Dutch" });
    await page.waitForURL((u) => u.searchParams.get("lang") === "nl");
    await search.getByLabel("Session type").selectOption({ label: "Phone" });
    await page.waitForURL((u) => u.searchParams.get("type") === "PHONE");
    await search.getByLabel("To", { exact: true }).fill("50");
    await search.getByRole("button", { name: "Search" }).click();
    await page.waitForURL((u) => u.searchParams.get("max") === "50");
    // Only the filters in use, so the link is worth sharing.
    expect(filtersIn()).toEqual({ q: WORD, topic: "career", lang: "nl", type: "PHONE", max: "50" });
    await page.getByRole("heading", { name: "1 coach", level: 2 }).waitFor();
    await nova.getByText("From €45.00 · Video, Phone").waitFor();

    // A lower price limit leaves no one…
    await search.getByLabel("To", { exact: true }).fill("40");
    await search.getByLabel("To", { exact: true }).press("Enter");
    await page.waitForURL((u) => u.searchParams.get("max") === "40");
    await page.getByRole("heading", { name: "0 coaches", level: 2 }).waitFor();
    await results.getByText("No coaches match these filters").waitFor();
    expect(await nova.count()).toBe(0);

    // …and Back returns to the previous search, controls included: every choice was a step.
    await page.goBack();
    await page.waitForURL((u) => u.searchParams.get("max") === "50");
    await page.getByRole("heading", { name: "1 coach", level: 2 }).waitFor();
    expect(await search.getByLabel("To", { exact: true }).inputValue()).toBe("50");
    // (The URL changes at once, the page once the results are in: the controls are polled.)
    const value = (label: string) => () => search.getByLabel(label, { exact: label === "To" }).inputValue();
    await page.goBack();
    await page.waitForURL((u) => u.searchParams.get("type") === "PHONE" && !u.searchParams.has("max"));
    await expect.poll(value("To"), { timeout: 10_000 }).toBe("");
    await page.goBack();
    await page.waitForURL((u) => u.searchParams.get("lang") === "nl" && !u.searchParams.has("type"));
    expect(filtersIn()).toEqual({ q: WORD, topic: "career", lang: "nl" });
    await expect.poll(value("Session type"), { timeout: 10_000 }).toBe("");
    expect(await value("Language")()).toBe("nl");
    await page.goForward();
    await page.waitForURL((u) => u.searchParams.get("type") === "PHONE" && !u.searchParams.has("max"));
    await expect.poll(value("Session type"), { timeout: 10_000 }).toBe("PHONE");
    await page.goForward();
    await page.waitForURL((u) => u.searchParams.get("max") === "50");
    await expect.poll(value("To"), { timeout: 10_000 }).toBe("50");
    expect(await value("Session type")()).toBe("PHONE");
    await page.getByRole("heading", { name: "1 coach", level: 2 }).waitFor();

    // A reload keeps every filter.
    await page.reload();
    await page.getByRole("heading", { name: "1 coach", level: 2 }).waitFor();
    expect(await search.getByLabel("Search", { exact: true }).inputValue()).toBe(WORD);
    expect(await search.getByLabel("Topic").inputValue()).toBe("career");
    expect(await search.getByLabel("Language").inputValue()).toBe("nl");
    expect(await search.getByLabel("Session type").inputValue()).toBe("PHONE");
    expect(await search.getByLabel("To", { exact: true }).inputValue()).toBe("50");
    expect(filtersIn()).toEqual({ q: WORD, topic: "career", lang: "nl", type: "PHONE", max: "50" });

    await nova.getByRole("link", { name: NAME }).click();
    await page.waitForURL(/\/coaches\/[0-9a-f-]{36}$/);
    profileUrl = page.url();
    await page.getByRole("heading", { name: NAME, level: 1 }).waitFor();
    await page.getByRole("region", { name: "About" }).getByText(WORD, { exact: false }).waitFor();
    const offered = page.getByRole("region", { name: "Services", exact: true });
    await offered.getByText("Career reset session").waitFor();
    await offered.getByText("€45.00").waitFor();
    await expectAccessible(page, "a coach's public profile");

    const save = page.getByRole("button", { name: "Save coach" });
    expect(await save.getAttribute("aria-pressed")).toBe("false");
    await save.click();
    await page.getByRole("button", { name: "Saved", pressed: true }).waitFor();

    await nav(page).getByRole("link", { name: "Saved" }).click();
    await page.waitForURL(`${server.url}/favourites`);
    await page.getByRole("list", { name: "Saved coaches" }).getByRole("listitem").filter({ hasText: NAME }).waitFor();
  });

  it("hides a coach the admin suspends from the directory, their profile address and favourites", async () => {
    const a = admin.page;
    await nav(a).getByRole("link", { name: "Coaches" }).click();
    await a.waitForURL(`${server.url}/coaching/coaches`);
    const row = a.getByRole("listitem", { name: NAME });
    await row.getByText("Approved", { exact: true }).waitFor();
    await row.getByRole("button", { name: "Suspend" }).click();
    await row.getByText("Give a reason of at least 3 characters.").waitFor();
    await row.getByLabel("Reason to suspend").fill("Complaints under review");
    await row.getByRole("button", { name: "Suspend" }).click();
    await row.getByText("Suspended", { exact: true }).waitFor();
    await row.getByRole("button", { name: "Reinstate" }).waitFor();
    await row.getByText("(Complaints under review)").waitFor();
    // The other coaches are untouched.
    expect(
      await a.getByRole("listitem", { name: "Casey Coach" }).getByRole("button", { name: "Suspend" }).count(),
    ).toBe(1);

    // The coach is told, live.
    await applicant.page.getByRole("link", { name: "Notifications, 2 unread" }).waitFor();

    const page = client.page;
    const pageErrors: Error[] = [];
    page.on("pageerror", (error) => pageErrors.push(error));
    await page.goto(`${server.url}/coaches?q=${WORD}`);
    await page.getByRole("heading", { name: "0 coaches", level: 2 }).waitFor();
    await page.getByText("No coaches match these filters").waitFor();

    const response = await page.goto(profileUrl);
    expect(response?.status()).toBe(404);
    await page.getByRole("heading", { name: "Coach not found", level: 1 }).waitFor();
    await page.getByText("This coach is not listed in the directory (any more).").waitFor();
    expect(await page.getByText("Something went wrong").count()).toBe(0);
    expect(await page.getByRole("button", { name: "Save coach" }).count()).toBe(0);
    // Not a dead end.
    await page.getByRole("link", { name: "Find another coach" }).click();
    await page.waitForURL(`${server.url}/coaches`);
    await page.getByRole("heading", { name: "2 coaches", level: 2 }).waitFor();

    await nav(page).getByRole("link", { name: "Saved" }).click();
    await page.waitForURL(`${server.url}/favourites`);
    await page.getByText("You have not saved any coaches yet").waitFor();
    expect(pageErrors).toEqual([]);
  });
});
