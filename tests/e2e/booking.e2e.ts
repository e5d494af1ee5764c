import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { expectAccessible } from "../helpers/axe.ts";
import { useBrowserStack } from "../helpers/stack.ts";
import { logIn } from "../helpers/browser.ts";
import { query, signedIn } from "../helpers/e2e.ts";

const stack = useBrowserStack();

const markDocument = (page: Page) => page.evaluate(() => ((window as unknown as { __e2eMark: number }).__e2eMark = 1));
const stillSameDocument = (page: Page) =>
  page.evaluate(() => (window as unknown as { __e2eMark?: number }).__e2eMark === 1);

describe("booking a session", () => {
  it("the coach opens hours; a client holds a time that vanishes live for another client, pays in test mode and is confirmed", async () => {
    // The coach opens every day, all day, with no notice, in their own zone.
    const coach = await signedIn(stack, "coach@tandem.test");
    await coach.page.goto(`${stack.server.url}/coaching/availability`);
    await coach.page.getByLabel("Time zone").fill("Europe/Amsterdam");
    for (const day of ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]) {
      await coach.page.getByLabel(`${day} from`, { exact: true }).fill("00:00");
      await coach.page.getByLabel(`${day} until`, { exact: true }).fill("23:45");
    }
    await coach.page.getByLabel("Minimum notice (hours)").fill("0");
    await coach.page.getByLabel("Start times every (minutes)").fill("60");
    await coach.page.getByRole("button", { name: "Save availability" }).click();
    await coach.page.getByText("Availability saved.").waitFor();

    const [row] = await query<{ coachId: string; serviceId: string }>(
      stack,
      `SELECT c.id AS "coachId", s.id AS "serviceId" FROM "CoachProfile" c JOIN "User" u ON u.id = c."userId" JOIN "Service" s ON s."coachProfileId" = c.id WHERE u.email = 'coach@tandem.test'`,
    );
    const bookUrl = `${stack.server.url}/coaches/${row!.coachId}/book/${row!.serviceId}`;

    // A second client watches the same page.
    const watcherSignup = await stack.browser.newContext();
    const watcher = await watcherSignup.newPage();
    await watcher.goto(`${stack.server.url}/signup`);
    await watcher.getByLabel("Your name").fill("Wanda Watcher");
    await watcher.getByLabel("Email").fill("wanda@example.test");
    await watcher.getByLabel("Password").fill("a sound passphrase");
    await watcher.getByRole("button", { name: "Create account" }).click();
    await watcher.waitForURL(`${stack.server.url}/dashboard`);
    await watcher.goto(bookUrl);
    await watcher.getByRole("heading", { name: /^Book / }).waitFor();
    await expectAccessible(watcher, "the booking page");
    await markDocument(watcher);

    const client = await signedIn(stack, "client@tandem.test");
    await client.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Find a coach" }).click();
    await client.page.getByLabel("Free in the next 7 days").check();
    await client.page.waitForURL(/\/coaches\?free=7$/);
    const results = client.page.getByRole("list", { name: "Coaches" });
    await results.getByRole("link", { name: "Casey Coach" }).waitFor();
    await expectAccessible(client.page, "the coach directory");
    expect(await results.getByRole("link", { name: "Cleo Certified" }).count()).toBe(0); // has no hours
    await results.getByRole("link", { name: "Casey Coach" }).click();
    await client.page.getByRole("link", { name: "Book Sleep and stress reset" }).click();
    await client.page.waitForURL(bookUrl);
    // The last time offered this week: days ahead, so that it can still be moved (24 h rule).
    const first = client.page.locator('input[name="startsAt"]').last();
    const startsAt = await first.getAttribute("value");
    expect(startsAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    await expect(watcher.locator(`input[name="startsAt"][value="${startsAt}"]`).count()).resolves.toBe(1);

    await first.locator("xpath=..").click(); // the label around the visually hidden radio
    await client.page.getByLabel("Topic").fill("Sleeping better");
    await client.page.getByRole("button", { name: "Continue to payment" }).click();
    await client.page.waitForURL(/\/bookings\/[0-9a-f-]{36}$/);
    await client.page.getByRole("timer").waitFor();
    await client.page.getByText(/Cancel at least 24 hours before the start for a full refund/).waitFor();
    await expectAccessible(client.page, "the held booking");
    // The held booking's page, loaded afresh, hydrates without React errors (its countdown ticks).
    const reactErrors: string[] = [];
    client.page.on("pageerror", (e) => reactErrors.push(e.message));
    client.page.on(
      "console",
      (m) => void (m.type() === "error" && /React|hydrat/i.test(m.text()) && reactErrors.push(m.text())),
    );
    // A browser clock 30 s ahead of the server's: the first render must still match the HTML.
    await client.context.clock.install({ time: Date.now() + 30_000 });
    await client.page.reload();
    const timer = client.page.getByRole("timer");
    const shown = await timer.innerText();
    await expect.poll(() => timer.innerText(), { timeout: 5_000 }).not.toBe(shown);
    expect(reactErrors).toEqual([]);

    // The held time disappears from the watcher's page without a reload.
    await watcher
      .locator(`input[name="startsAt"][value="${startsAt}"]`)
      .waitFor({ state: "detached", timeout: 15_000 });
    expect(await stillSameDocument(watcher)).toBe(true);

    await client.page.getByRole("button", { name: /^Pay / }).click();
    await client.page.waitForURL(/\/pay\/local\//);
    await client.page.getByRole("button", { name: "Pay (test mode)" }).click();
    await client.page.waitForURL(/\/bookings\/[0-9a-f-]{36}\?paid=1$/);
    await client.page.getByText("You are booked.").waitFor();

    const bookingId = /\/bookings\/([0-9a-f-]{36})/.exec(client.page.url())![1];
    const [booking] = await query<{
      status: string;
      topic: string;
      priceMinor: number;
      platformFeeMinor: number;
      coachPayoutMinor: number;
    }>(
      stack,
      `SELECT status::text, topic, "priceMinor", "platformFeeMinor", "coachPayoutMinor" FROM "Booking" WHERE id = $1`,
      [bookingId],
    );
    expect(booking).toMatchObject({
      status: "CONFIRMED",
      topic: "Sleeping better",
      priceMinor: 6000,
      platformFeeMinor: 900,
      coachPayoutMinor: 5100,
    });

    // The booked time cannot be taken by the watcher, even by posting the old form.
    const late = await watcher.evaluate(
      async ({ url, start, serviceId }) => {
        const body = new URLSearchParams({ serviceId, startsAt: start, topic: "", clientNotes: "" });
        const res = await fetch(`${url}?_data=${encodeURIComponent("routes/coaches_.$coachId.book.$serviceId")}`, {
          method: "POST",
          body,
        });
        return { status: res.status, text: await res.text() };
      },
      { url: new URL(bookUrl).pathname, start: startsAt!, serviceId: row!.serviceId },
    );
    expect(late.status).toBe(409);
    expect(late.text).toContain("This time is no longer available.");

    // The coach's private calendar feed lists the confirmed session, without signing in.
    await coach.page.goto(`${stack.server.url}/coaching/availability`);
    await coach.page.getByRole("button", { name: "Show my calendar link" }).click();
    const feedUrl = await coach.page.getByLabel("Calendar feed link").inputValue();
    const feed = await fetch(feedUrl.replace(/^https?:\/\/[^/]+/, stack.server.url));
    expect(feed.headers.get("content-type")).toContain("text/calendar");
    expect(await feed.text()).toContain(`UID:${bookingId}@tandem`);

    // The client moves the session to the last offered time, without paying again.
    await client.page.goto(`${stack.server.url}/bookings/${bookingId}`);
    const moveCard = client.page.getByRole("region", { name: "Move to another time" });
    const target = moveCard.locator('input[name="startsAt"]').last();
    const newStart = await target.getAttribute("value");
    await target.locator("xpath=..").click();
    await moveCard.getByRole("button", { name: "Move session" }).click();
    await client.page.getByText("Moved.").waitFor();
    const [movedRow] = await query<{ startsAt: Date }>(stack, `SELECT "startsAt" FROM "Booking" WHERE id = $1`, [
      bookingId,
    ]);
    expect(movedRow!.startsAt.toISOString()).toBe(newStart);

    // The client cancels: the page says what comes back before, and the refund follows the policy.
    await client.page.goto(`${stack.server.url}/bookings/${bookingId}`);
    const preview = (await client.page.getByText(/^If you cancel now, /).textContent()) ?? "";
    const expected = /€(\d+\.\d\d) is refunded/.exec(preview)?.[1];
    expect(expected).toBe("60.00"); // more than 24 hours ahead: a full refund
    await client.page.getByLabel("Reason (shared with the other person)").fill("Something came up");
    await client.page.getByRole("button", { name: "Cancel session" }).click();
    await client.page.getByText(`Cancelled. €${expected} is on its way back`).waitFor();
    const [refund] = await query<{ amountMinor: number }>(
      stack,
      `SELECT "amountMinor" FROM "LedgerEntry" WHERE "bookingId" = $1 AND kind = 'REFUND'`,
      [bookingId],
    );
    expect(refund?.amountMinor).toBe(Math.round(Number(expected) * 100));
    await coach.page.goto(`${stack.server.url}/notifications`);
    await coach.page.getByText("A client cancelled a session").waitFor();

    await client.page.goto(`${stack.server.url}/bookings`);
    await client.page.getByText("Cancelled").first().waitFor();

    for (const c of [coach.context, watcherSignup, client.context]) await c.close();
  });

  it("the weekly hours show 12-hour times in full, keep each block on one line, and fit a phone screen", async () => {
    const context = await stack.browser.newContext({ locale: "en-US", viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await logIn(page, stack.server.url, "certified@tandem.test", "tandem-demo");
    await page.goto(`${stack.server.url}/coaching/availability`);
    const from = page.getByLabel("Monday from", { exact: true });
    const until = page.getByLabel("Monday until", { exact: true });
    await from.fill("09:00");
    await until.fill("17:30");
    // Wide enough for "09:00 AM" next to the clock button (6rem cut the AM/PM off).
    for (const input of [from, until, page.getByLabel("Monday second block from")])
      expect((await input.boundingBox())!.width).toBeGreaterThanOrEqual(120);
    const sameLine = async () => Math.abs((await from.boundingBox())!.y - (await until.boundingBox())!.y) < 2;
    expect(await sameLine()).toBe(true);
    for (const width of [1024, 768, 390, 360]) {
      await page.setViewportSize({ width, height: 900 });
      // Nothing wider than the screen, and "from – until" still side by side.
      expect(await page.evaluate(() => document.documentElement.scrollWidth), `at ${width}px`).toBeLessThanOrEqual(
        width,
      );
      expect(await sameLine(), `at ${width}px`).toBe(true);
      const box = (await page.getByLabel("Sunday second block until").boundingBox())!;
      expect(box.x + box.width, `at ${width}px`).toBeLessThanOrEqual(width);
    }
    await context.close();
  });
});
