import { describe, expect, it } from "vitest";
import { expectAccessible } from "../helpers/axe.ts";
import { query as sql, signedIn as signIn } from "../helpers/e2e.ts";
import { useBrowserStack } from "../helpers/stack.ts";

/**
 * The coaching workspace in two browsers: consent revoked by the client takes the journal off
 * the coach's open client page at once (no reload), and a coach at capacity cannot take on
 * another client, who is told why.
 */
const stack = useBrowserStack();
const pageErrors: string[] = [];
async function signedIn(email: string) {
  const session = await signIn(stack, email);
  session.page.on("pageerror", (error) => pageErrors.push(`${email}: ${error.message}`));
  return session;
}
const query = <T extends Record<string, unknown>>(text: string, params: unknown[] = []) => sql<T>(stack, text, params);

describe("coaching workspace", () => {
  it("the client revokes journal consent and the coach's open client page loses the journal at once", async () => {
    const [client] = await query<{ id: string }>(`SELECT id FROM "User" WHERE email = 'client@tandem.test'`);
    const coach = await signedIn("coach@tandem.test");
    await coach.page.goto(`${stack.server.url}/coaching/clients`);
    await expectAccessible(coach.page, "the coach's client list");
    await coach.page.getByRole("link", { name: "Chris Client" }).click();
    await coach.page.waitForURL(`${stack.server.url}/coaching/clients/${client!.id}`);
    const journal = coach.page.getByRole("list", { name: "Client journal" });
    await journal.getByText("Morning walk before work.").waitFor();
    await expectAccessible(coach.page, "the coach's client page");
    // A marker that a reload would wipe: the page must change in place.
    await coach.page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));

    const me = await signedIn("client@tandem.test");
    await me.page.goto(`${stack.server.url}/privacy`);
    const form = me.page.getByRole("form", { name: "What Casey Coach may see" });
    await form.waitFor();
    await expectAccessible(me.page, "the privacy page");
    await form.getByLabel("Casey Coach may read my journal").uncheck();
    await form.getByRole("button", { name: "Save" }).click();
    await me.page.getByText("Saved. It applies at once").waitFor();

    await coach.page.getByTestId("journal-private").waitFor({ timeout: 10_000 });
    expect(await journal.count()).toBe(0);
    expect(await coach.page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
    // Goals stay shared; the coach's reads are on the client's access log.
    await coach.page.getByRole("article", { name: "Goal: Sleep seven hours on weeknights" }).waitFor();
    await me.page.reload();
    await me.page.getByRole("list", { name: "Access log" }).getByText("Casey Coach").first().waitFor();

    // Turned back on, the journal returns the same way.
    await me.page
      .getByRole("form", { name: "What Casey Coach may see" })
      .getByLabel("Casey Coach may read my journal")
      .check();
    await me.page.getByRole("form", { name: "What Casey Coach may see" }).getByRole("button", { name: "Save" }).click();
    await journal.getByText("Morning walk before work.").waitFor({ timeout: 10_000 });
    expect(pageErrors).toEqual([]);
    await Promise.all([coach.context.close(), me.context.close()]);
  });

  it("the client journals, sets a goal and writes to their coach on My coach; the coach reads it live and confirms the goal", async () => {
    const [client] = await query<{ id: string }>(`SELECT id FROM "User" WHERE email = 'client@tandem.test'`);
    const me = await signedIn("client@tandem.test");
    await me.page.setViewportSize({ width: 390, height: 844 });
    await me.page.goto(`${stack.server.url}/journal`);
    await expectAccessible(me.page, "the journal at phone width");
    await me.page.getByLabel("What is on your mind today?").fill("Felt **calm** today. <b>not html</b>");
    await me.page.getByRole("button", { name: "Save today's entry" }).click();
    await me.page.getByText("Use Markdown, not HTML").waitFor();
    await me.page.getByLabel("What is on your mind today?").fill("Felt **calm** today.");
    await me.page.getByRole("button", { name: "Save today's entry" }).click();
    await me.page.getByText("Saved.").waitFor();
    await me.page.locator("strong", { hasText: "calm" }).first().waitFor();
    expect(await me.page.locator("b", { hasText: "not html" }).count()).toBe(0);

    await me.page.goto(`${stack.server.url}/goals`);
    await me.page.getByLabel("Goal", { exact: true }).fill("Read twelve books");
    await me.page.getByLabel("Milestones (optional, one per line)").fill("First book\nSix books");
    await me.page.getByRole("button", { name: "Add goal" }).click();
    const goal = me.page.getByRole("article", { name: "Goal: Read twelve books" });
    await goal.waitFor();
    await expectAccessible(me.page, "the goals page at phone width");
    await goal.getByRole("button", { name: /^Done\W+First book$/ }).click();
    await goal
      .getByRole("progressbar", { name: "Milestones done" })
      .and(me.page.locator('[aria-valuenow="1"]'))
      .waitFor();
    await goal.getByRole("button", { name: "I reached it" }).click();
    await me.page.getByText("Your coach has been asked to confirm.").waitFor();

    await me.page.goto(`${stack.server.url}/my-coach`);
    const chat = me.page.getByRole("region", { name: "Chat with Casey Coach" });
    await chat.getByRole("textbox").fill("Hello from My coach");
    await chat.getByRole("textbox").press("Enter");
    await chat.getByText("Hello from My coach").waitFor();
    await expectAccessible(me.page, "My coach at phone width");

    const coach = await signedIn("coach@tandem.test");
    await coach.page.goto(`${stack.server.url}/coaching/clients/${client!.id}`);
    await coach.page.getByRole("region", { name: "Chat with Chris Client" }).getByText("Hello from My coach").waitFor();
    await coach.page.getByRole("list", { name: "Client journal" }).getByText("today.").first().waitFor();
    await expectAccessible(coach.page, "the coach's client page with chat and a claimed goal");
    const claimed = coach.page.getByRole("article", { name: "Goal: Read twelve books" });
    await claimed.getByRole("button", { name: "Confirm reached" }).click();
    await coach.page.getByText("Goal confirmed as reached.").waitFor();
    await me.page.goto(`${stack.server.url}/goals`);
    await me.page.getByRole("article", { name: "Goal: Read twelve books" }).getByText("Reached").first().waitFor();
    expect(pageErrors).toEqual([]);
    await Promise.all([coach.context.close(), me.context.close()]);
  });

  it("a sixth client cannot start a relationship with a coach at capacity and is told why", async () => {
    // A new member joins.
    const context = await stack.browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${stack.server.url}/signup`);
    await page.getByLabel("Your name").fill("Sam Sixth");
    await page.getByLabel("Email").fill("sam.sixth@example.test");
    await page.getByLabel("Password").fill("a sound passphrase");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(`${stack.server.url}/dashboard`);

    // The coach (4 of 5 places taken) invites them.
    const coach = await signedIn("coach@tandem.test");
    await coach.page.goto(`${stack.server.url}/coaching/clients`);
    await coach.page.getByLabel("Email").fill("sam.sixth@example.test");
    await coach.page.getByRole("button", { name: "Send invitation" }).click();
    await coach.page.getByText("Invitation sent to Sam Sixth.").waitFor();

    // Meanwhile the last place goes to someone else (a fifth client starts through a booking).
    const [row] = await query<{ coachId: string; tenantId: string }>(
      `SELECT c.id AS "coachId", c."tenantId" AS "tenantId" FROM "CoachProfile" c JOIN "User" u ON u.id = c."userId" WHERE u.email = 'coach@tandem.test'`,
    );
    const [fifth] = await query<{ id: string }>(`SELECT id FROM "User" WHERE email = 'certified@tandem.test'`);
    await query(
      `INSERT INTO "CoachingRelationship" (id, "tenantId", "coachProfileId", "clientId", "updatedAt") VALUES (gen_random_uuid(), $1, $2, $3, now())`,
      [row!.tenantId, row!.coachId, fifth!.id],
    );

    // The sixth accepts at phone width and is told clearly; no relationship starts.
    await page.goto(`${stack.server.url}/my-coach`);
    await page.getByRole("button", { name: "Accept" }).click();
    await page.getByRole("alert").getByText("Casey Coach has no free place right now").waitFor();
    await expectAccessible(page, "My coach with an open invitation at phone width");
    const [{ count }] = (await query<{ count: string }>(
      `SELECT count(*) FROM "CoachingRelationship" r JOIN "User" u ON u.id = r."clientId" WHERE u.email = 'sam.sixth@example.test'`,
    )) as [{ count: string }];
    expect(Number(count)).toBe(0);
    // The invitation stays open for when a place frees up.
    await page.getByRole("button", { name: "Accept" }).waitFor();
    await coach.page.reload();
    await coach.page.getByText("All 5 places are taken.").waitFor();
    expect(pageErrors).toEqual([]);
    await Promise.all([coach.context.close(), context.close()]);
  });
});
