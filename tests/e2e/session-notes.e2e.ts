import { describe, expect, it } from "vitest";
import { query as sql, signedIn as signIn } from "../helpers/e2e.ts";
import { useBrowserStack } from "../helpers/stack.ts";

const stack = useBrowserStack();
/** Script errors in the pages (a page that fails to hydrate still renders, so this is checked separately). */
const pageErrors: string[] = [];
async function signedIn(email: string) {
  const session = await signIn(stack, email, { acceptDownloads: true });
  session.page.on("pageerror", (error) => pageErrors.push(`${email}: ${error.message}`));
  return session;
}
const query = <T extends Record<string, unknown>>(text: string, params: unknown[] = []) => sql<T>(stack, text, params);

const PREPARATION = Buffer.from("%PDF-1.4\n% Goals for my first session\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
const PRIVATE_NOTE = "Private: seems anxious about the new manager.";
const SHARED_NOTE = "We agreed on a calmer evening routine.";
const ACTION_ITEM = "Write down three wins each evening";

describe("session notes, action items and files", () => {
  it("a client attaches a preparation file while booking; the coach downloads it and writes notes; the client sees only the shared ones and ticks the item", async () => {
    const [row] = await query<{ coachId: string; serviceId: string; tenantId: string }>(
      `SELECT c.id AS "coachId", s.id AS "serviceId", c."tenantId" AS "tenantId" FROM "CoachProfile" c JOIN "User" u ON u.id = c."userId" JOIN "Service" s ON s."coachProfileId" = c.id WHERE u.email = 'coach@tandem.test' LIMIT 1`,
    );
    // The coach works every day, all day, with no notice (as the availability page would save it).
    const weekly = JSON.stringify([1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: "00:00", end: "23:45" })));
    await query(
      `INSERT INTO "CoachAvailability" ("coachProfileId", "tenantId", "timeZone", weekly, "minNoticeMinutes", "slotStepMinutes", "updatedAt") VALUES ($1, $2, 'UTC', $3::jsonb, 0, 60, now())
       ON CONFLICT ("coachProfileId") DO UPDATE SET weekly = EXCLUDED.weekly, "minNoticeMinutes" = 0, "slotStepMinutes" = 60`,
      [row!.coachId, row!.tenantId, weekly],
    );

    // The client books, attaching a preparation document in the details step.
    const client = await signedIn("client@tandem.test");
    await client.page.goto(`${stack.server.url}/coaches/${row!.coachId}`);
    await client.page.locator(`a[href="/coaches/${row!.coachId}/book/${row!.serviceId}"]`).first().click(); // client-side navigation
    await client.page.waitForURL(`${stack.server.url}/coaches/${row!.coachId}/book/${row!.serviceId}`);
    await client.page.locator('input[name="startsAt"]').last().locator("xpath=..").click();
    await client.page.getByLabel("Topic").fill("Evenings");
    await client.page
      .getByLabel("Files to prepare (optional)")
      .setInputFiles({ name: "my goals.pdf", mimeType: "application/pdf", buffer: PREPARATION });
    await client.page.getByRole("button", { name: "Continue to payment" }).click();
    await client.page.waitForURL(/\/bookings\/[0-9a-f-]{36}$/);
    const bookingId = /\/bookings\/([0-9a-f-]{36})/.exec(client.page.url())![1]!;
    await client.page
      .getByRole("list", { name: "Preparation documents" })
      .getByRole("link", { name: "my goals.pdf" })
      .waitFor();
    await client.page.getByRole("button", { name: /^Pay / }).click();
    await client.page.getByRole("button", { name: "Pay (test mode)" }).click();
    await client.page.getByText("You are booked.").waitFor();

    // The session took place an hour ago.
    await query(
      `UPDATE "Booking" SET "startsAt" = now() - interval '2 hours', "endsAt" = now() - interval '1 hour' WHERE id = $1`,
      [bookingId],
    );

    // The coach opens it from their sessions list and downloads the document.
    const coach = await signedIn("coach@tandem.test");
    await coach.page.goto(`${stack.server.url}/coaching/bookings`);
    await coach.page.locator(`a[href="/bookings/${bookingId}"]`).click();
    await coach.page.waitForURL(`${stack.server.url}/bookings/${bookingId}`);
    const link = coach.page
      .getByRole("list", { name: "Preparation documents" })
      .getByRole("link", { name: "my goals.pdf" });
    const [download] = await Promise.all([coach.page.waitForEvent("download"), link.click()]);
    expect(download.suggestedFilename()).toBe("my goals.pdf");
    const chunks: Buffer[] = [];
    for await (const chunk of (await download.createReadStream())!) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(PREPARATION)).toBe(true);
    const headers = await coach.page.evaluate(
      async (href) => {
        const res = await fetch(href);
        return { type: res.headers.get("content-type"), disposition: res.headers.get("content-disposition") };
      },
      (await link.getAttribute("href"))!,
    );
    expect(headers.type).toBe("application/pdf");
    expect(headers.disposition).toMatch(/^attachment; filename="my goals.pdf"/);

    // Private note, shared note and an action item, each saved explicitly.
    await coach.page.getByLabel("Private note").fill(PRIVATE_NOTE);
    await coach.page.getByText("Unsaved changes").waitFor();
    await coach.page.getByRole("button", { name: "Save private note" }).click();
    await coach.page.getByLabel("Shared progress note").fill(SHARED_NOTE);
    await coach.page.getByRole("button", { name: "Save shared note" }).click();
    await expect.poll(async () => await coach.page.getByText(/^Saved /).count(), { timeout: 15_000 }).toBe(2);
    await coach.page.getByLabel("New action item").fill(ACTION_ITEM);
    await coach.page.getByRole("button", { name: "Add action item" }).click();
    await coach.page.getByRole("list", { name: "Action items" }).getByText(ACTION_ITEM).waitFor();
    // A reload shows what was stored.
    await coach.page.reload();
    expect(await coach.page.getByLabel("Private note").inputValue()).toBe(PRIVATE_NOTE);
    expect(await coach.page.getByLabel("Shared progress note").inputValue()).toBe(SHARED_NOTE);

    // The client's history shows the shared note and the action item, never the private note.
    await client.page.goto(`${stack.server.url}/bookings/history`);
    const history = client.page.getByRole("list", { name: "Past sessions" });
    await history.getByText(SHARED_NOTE).waitFor();
    await history.getByText(ACTION_ITEM).waitFor();
    expect(await client.page.content()).not.toContain("new manager");
    await client.page.goto(`${stack.server.url}/bookings/${bookingId}`);
    await client.page.getByText(SHARED_NOTE).waitFor();
    expect(await client.page.content()).not.toContain("new manager");
    expect(await client.page.getByLabel("Private note").count()).toBe(0);
    const data = await client.page.evaluate(
      async (id) => (await fetch(`/bookings/${id}?_data=${encodeURIComponent("routes/bookings.$bookingId")}`)).text(),
      bookingId,
    );
    expect(data).toContain(SHARED_NOTE);
    expect(data).not.toContain("new manager");

    // The client ticks the action item off in the history.
    await client.page.goto(`${stack.server.url}/bookings/history`);
    await client.page.getByLabel(ACTION_ITEM).check();
    await expect
      .poll(
        async () =>
          (
            await query<{ doneAt: Date | null }>(`SELECT "doneAt" FROM "ActionItem" WHERE "bookingId" = $1`, [
              bookingId,
            ])
          )[0]?.doneAt ?? null,
        { timeout: 15_000 },
      )
      .not.toBeNull();
    await client.page.reload();
    expect(await client.page.getByLabel(ACTION_ITEM).isChecked()).toBe(true);

    expect(pageErrors).toEqual([]);
    await client.context.close();
    await coach.context.close();
  });
});

describe("session notes without JavaScript", () => {
  it("saves a shared note and adds an action item through plain form posts, back on the booking page with a notice", async () => {
    const [row] = await query<{ id: string }>(
      `SELECT b.id FROM "Booking" b JOIN "CoachProfile" c ON c.id = b."coachProfileId" JOIN "User" u ON u.id = c."userId" WHERE u.email = 'coach@tandem.test' AND b.status = 'CONFIRMED' ORDER BY b."createdAt" DESC LIMIT 1`,
    );
    expect(row).toBeDefined();
    const context = await stack.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${stack.server.url}/login`);
    await page.getByLabel("Email").fill("coach@tandem.test");
    await page.getByLabel("Password").fill("tandem-demo");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(`${stack.server.url}/dashboard`);

    await page.goto(`${stack.server.url}/bookings/${row!.id}`);
    await page.getByLabel("Shared progress note").fill("Written without JavaScript.");
    await page.getByRole("button", { name: "Save shared note" }).click();
    await page.waitForURL(`${stack.server.url}/bookings/${row!.id}?notice=Saved.`);
    expect(await page.getByLabel("Shared progress note").inputValue()).toBe("Written without JavaScript.");
    await page.getByText("Saved.", { exact: true }).waitFor();

    await page.getByLabel("New action item").fill("Walk after lunch");
    await page.getByRole("button", { name: "Add action item" }).click();
    await page.waitForURL(/notice=Action\+item\+added/);
    await page.getByRole("list", { name: "Action items" }).getByText("Walk after lunch").waitFor();
    // A page came back, not the raw JSON that the page's fetchers read.
    expect((await page.locator("body").innerText()).trim().startsWith("{")).toBe(false);
    await page.getByText("Action item added.", { exact: true }).waitFor();
    await context.close();
  });
});
