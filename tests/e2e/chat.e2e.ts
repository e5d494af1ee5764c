import { describe, expect, it } from "vitest";
import { query as sql, signedIn as signIn } from "../helpers/e2e.ts";
import { useBrowserStack } from "../helpers/stack.ts";

const stack = useBrowserStack();
const signedIn = (email: string) => signIn(stack, email, { acceptDownloads: true });
const query = <T extends Record<string, unknown>>(text: string, params: unknown[] = []) => sql<T>(stack, text, params);

const PDF = Buffer.from("%PDF-1.4\n% Session plan\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");

describe("session chat", () => {
  it("the client and the coach chat on the booking page: live delivery, Seen, attachments, history after a reload", async () => {
    const [row] = await query<{ coachId: string; tenantId: string; clientId: string }>(
      `SELECT c.id AS "coachId", c."tenantId" AS "tenantId", (SELECT id FROM "User" WHERE email = 'client@tandem.test') AS "clientId"
       FROM "CoachProfile" c JOIN "User" u ON u.id = c."userId" WHERE u.email = 'coach@tandem.test' LIMIT 1`,
    );
    const [booking] = await query<{ id: string }>(
      `INSERT INTO "Booking" (id, "tenantId", "coachProfileId", "clientId", status, "startsAt", "endsAt", "updatedAt")
       VALUES (gen_random_uuid(), $1, $2, $3, 'COMPLETED', now() - interval '3 days', now() - interval '3 days' + interval '1 hour', now()) RETURNING id`,
      [row!.tenantId, row!.coachId, row!.clientId],
    );
    const url = `${stack.server.url}/bookings/${booking!.id}`;

    const client = await signedIn("client@tandem.test");
    await client.page.goto(url);
    const clientChat = client.page.getByRole("region", { name: "Session chat" });
    await clientChat.getByText("No messages yet. Say hello.").waitFor();

    const coach = await signedIn("coach@tandem.test");
    await coach.page.goto(url);
    const coachChat = coach.page.getByRole("region", { name: "Session chat" });
    await coachChat.getByText("No messages yet. Say hello.").waitFor();

    // Enter sends; Shift+Enter is a new line.
    const input = clientChat.getByLabel("Message", { exact: true });
    await input.fill("Thanks for today!");
    await input.press("Shift+Enter");
    await input.pressSequentially("See you next week.");
    await input.press("Enter");
    await expect.poll(() => input.inputValue()).toBe("");
    await coachChat.getByText(/Thanks for today!\s+See you next week\./).waitFor({ timeout: 15_000 });
    // The coach had it on screen: the client sees "Seen".
    await clientChat.getByText(/· Seen/).waitFor({ timeout: 15_000 });

    // The coach attaches a PDF.
    await coachChat
      .getByLabel(/Attach a file/)
      .setInputFiles({ name: "plan.pdf", mimeType: "application/pdf", buffer: PDF });
    await coachChat.getByText("· ready to send", { exact: false }).waitFor();
    await coachChat.getByRole("button", { name: "Send" }).click();
    const link = clientChat.getByRole("link", { name: /plan\.pdf/ });
    await link.waitFor({ timeout: 15_000 });
    const [download] = await Promise.all([client.page.waitForEvent("download"), link.click()]);
    const chunks: Buffer[] = [];
    for await (const chunk of (await download.createReadStream())!) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(PDF)).toBe(true);

    // A file of another type is refused with a reason.
    await clientChat
      .getByLabel(/Attach a file/)
      .setInputFiles({ name: "notes.pdf", mimeType: "application/pdf", buffer: Buffer.from("plain text") });
    await clientChat
      .getByRole("alert")
      .getByText(/Only .* files are accepted/)
      .waitFor();

    // History survives a reload, in order; the stored text is not readable in the database.
    await client.page.reload();
    const items = clientChat.getByRole("list", { name: "Messages" }).locator("li[data-seq]");
    await expect.poll(() => items.count(), { timeout: 15_000 }).toBe(2);
    expect(await items.first().innerText()).toContain("Thanks for today!");
    const stored = await query<{ body: Buffer }>(
      `SELECT body FROM "Message" m JOIN "Thread" t ON t.id = m."threadId" WHERE t."bookingId" = $1`,
      [booking!.id],
    );
    expect(stored).toHaveLength(2);
    for (const m of stored) expect(m.body.includes(Buffer.from("Thanks"))).toBe(false);
  });
});
