import { describe, expect, it } from "vitest";
import { expectAccessible } from "../helpers/axe.ts";
import { query as sql, signedIn } from "../helpers/e2e.ts";
import { useBrowserStack } from "../helpers/stack.ts";

const stack = useBrowserStack();
const query = <T extends Record<string, unknown>>(text: string, params: unknown[] = []) => sql<T>(stack, text, params);
const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

describe("tasks in the live session room", () => {
  it("the coach assigns an exercise while talking and it appears in the client's room without a reload", async () => {
    // A chat session of the demo coach and the demo client (who work together in the demo seed), open now.
    const [booking] = await query<{ id: string }>(
      `INSERT INTO "Booking" (id, "tenantId", "coachProfileId", "clientId", "serviceId", status, "sessionType", "startsAt", "endsAt", "confirmedAt", "updatedAt")
       SELECT gen_random_uuid(), c."tenantId", c.id, cl.id, s.id, 'CONFIRMED', 'CHAT', now() + interval '2 minutes', now() + interval '62 minutes', now(), now()
       FROM "CoachProfile" c JOIN "User" u ON u.id = c."userId" JOIN "Service" s ON s."coachProfileId" = c.id, "User" cl
       WHERE u.email = 'coach@tandem.test' AND cl.email = 'client@tandem.test' LIMIT 1 RETURNING id`,
    );

    // The client is in the room, on a phone, with the tasks panel beside the chat.
    const client = await signedIn(stack, "client@tandem.test");
    await client.page.setViewportSize({ width: 390, height: 844 });
    await client.page.goto(`${stack.server.url}/sessions/${booking!.id}`);
    const clientTasks = client.page.getByRole("region", { name: "Tasks" });
    await clientTasks.getByRole("list", { name: "Open tasks" }).waitFor();
    await expect(clientTasks.getByRole("link", { name: "Three Good Things" }).count()).resolves.toBe(0);
    await expectAccessible(client.page, "the session room with its tasks panel at phone width");
    // A mark on this page's window: it survives only if the page is never reloaded.
    await client.page.evaluate(() => ((window as unknown as { __sameRoom: boolean }).__sameRoom = true));

    // The coach, in the same room, assigns a library exercise from the side panel.
    const coach = await signedIn(stack, "coach@tandem.test");
    await coach.page.goto(`${stack.server.url}/sessions/${booking!.id}`);
    const coachTasks = coach.page.getByRole("region", { name: "Tasks" });
    await coachTasks.getByRole("button", { name: "Assign a task" }).click();
    const form = coachTasks.getByRole("form", { name: "Assign a task" });
    await form.getByLabel("Exercise").selectOption({ label: "Three Good Things (5-day challenge) · shared" });
    await form.getByLabel("Due date").fill(inDays(6));
    await form.getByRole("button", { name: "Assign task" }).click();
    await form.getByText(/Assigned “Three Good Things”/).waitFor();
    await expectAccessible(coach.page, "the session room with the assign form");

    // It arrives in the client's open room (pushed over the socket), and the coach's list has it too.
    await clientTasks.getByRole("link", { name: "Three Good Things" }).waitFor({ timeout: 15_000 });
    await coachTasks.getByRole("list", { name: "Open tasks" }).getByText("Three Good Things").waitFor();
    const [task] = await query<{ status: string; threadId: string }>(
      `SELECT t.status, t."threadId" FROM "Task" t JOIN "User" u ON u.id = t."clientId"
       WHERE u.email = 'client@tandem.test' AND t.title = 'Three Good Things' ORDER BY t."createdAt" DESC LIMIT 1`,
    );
    expect(task).toMatchObject({ status: "ASSIGNED" });
    // The client's room page was never reloaded.
    expect(await client.page.evaluate(() => (window as unknown as { __sameRoom?: boolean }).__sameRoom)).toBe(true);
  });
});
