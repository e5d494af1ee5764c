import { describe, expect, it } from "vitest";
import { expectAccessible } from "../helpers/axe.ts";
import { query as sql, signedIn } from "../helpers/e2e.ts";
import { useBrowserStack } from "../helpers/stack.ts";

const stack = useBrowserStack();
const query = <T extends Record<string, unknown>>(text: string, params: unknown[] = []) => sql<T>(stack, text, params);
const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

describe("tasks in the coaching workspace", () => {
  it("the coach assigns from the library, the client sees it arrive, reflects, and the feedback arrives live", async () => {
    // The client, on a phone, watches their task list.
    const client = await signedIn(stack, "client@tandem.test");
    await client.page.setViewportSize({ width: 390, height: 844 });
    await client.page.goto(`${stack.server.url}/tasks`);
    const clientList = client.page.getByRole("list", { name: "Your open tasks" });
    await clientList.waitFor();
    // The demo seed's tasks are there already.
    await clientList.getByRole("link", { name: "Morning Greeting" }).waitFor();
    await expectAccessible(client.page, "the client's tasks at phone width");

    // The coach finds an exercise in the shared library and assigns it.
    const coach = await signedIn(stack, "coach@tandem.test");
    await coach.page.goto(`${stack.server.url}/coaching/exercises?q=three`);
    const card = coach.page.getByRole("region", { name: "Three Good Things" });
    await card.getByRole("button", { name: "Assign" }).click();
    const form = card.getByRole("form", { name: "Assign a task" });
    await form.waitFor();
    await expectAccessible(coach.page, "the exercise library with the assign form open");
    await form.getByLabel("Client").selectOption({ label: "Chris Client" });
    await form.getByLabel("Exercise").selectOption({ label: "Three Good Things (5-day challenge) · shared" });
    // A due date in the past is refused with a field error, and nothing is written.
    await form.getByLabel("Due date").fill(inDays(-2));
    await form.getByRole("button", { name: "Assign task" }).click();
    await form.getByText(/The due date is in the past/).waitFor();
    await form.getByLabel("Due date").fill(inDays(6));
    await form.getByRole("button", { name: "Assign task" }).click();
    await form.getByText(/Assigned “Three Good Things”/).waitFor();

    // It appears on the client's list without a reload.
    await clientList.getByRole("link", { name: "Three Good Things" }).waitFor({ timeout: 15_000 });
    const [task] = await query<{ id: string }>(`SELECT id FROM "Task" WHERE title = 'Three Good Things'`);

    // Both open the task page.
    await client.page.getByRole("link", { name: "Three Good Things" }).click();
    await client.page.getByRole("heading", { name: "Three Good Things", level: 1 }).waitFor();
    await coach.page.goto(`${stack.server.url}/tasks/${task!.id}`);
    await coach.page.getByRole("heading", { name: "Three Good Things", level: 1 }).waitFor();
    await expectAccessible(client.page, "the client's task page at phone width");
    await expectAccessible(coach.page, "the coach's task page");
    const coachThread = coach.page.getByRole("list", { name: "Task thread" });
    const clientThread = client.page.getByRole("list", { name: "Task thread" });

    // The client logs today (the streak starts) and posts a reflection; markup in it stays text.
    const log = client.page.getByRole("form", { name: "Log a day" });
    await log.getByLabel("Mood (1–5)").fill("4");
    await log.getByLabel("Three good things").fill("Sun, soup, a call with Mum");
    await log.getByRole("button", { name: "Save this day" }).click();
    await client.page
      .getByTestId("streak")
      .getByText(/1-day streak/)
      .waitFor({ timeout: 15_000 });
    await client.page
      .getByRole("textbox", { name: "Reflection", exact: true })
      .fill("Writing them down made the day feel fuller. <b>Really</b>.");
    await client.page.getByRole("button", { name: "Post reflection" }).click();
    const reflection = coachThread.locator('li[data-kind="REFLECTION"]');
    await reflection
      .getByText("Writing them down made the day feel fuller. <b>Really</b>.")
      .waitFor({ timeout: 15_000 });
    await coach.page.getByTestId("task-status").getByText("Reflection submitted").waitFor({ timeout: 15_000 });

    // The coach answers; the client sees the feedback arrive without reloading.
    await coach.page
      .getByRole("textbox", { name: "Feedback", exact: true })
      .fill("Beautiful. Keep the soup on the list!");
    await coach.page.getByRole("button", { name: "Send feedback" }).click();
    await clientThread
      .locator('li[data-kind="FEEDBACK"]')
      .getByText("Beautiful. Keep the soup on the list!")
      .waitFor({ timeout: 15_000 });
    // Reviewed: the client's page follows live.
    await coach.page.getByRole("button", { name: "Mark reviewed" }).click();
    await client.page.getByTestId("task-status").getByText("Reviewed").waitFor({ timeout: 15_000 });
    const changes = await query<{ to: string }>(
      `SELECT "to" FROM "TaskStatusChange" WHERE "taskId" = $1 ORDER BY "createdAt"`,
      [task!.id],
    );
    expect(changes.map((c) => c.to)).toEqual(["ASSIGNED", "IN_PROGRESS", "SUBMITTED", "REVIEWED"]);
    const [completion] = await query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "ExerciseCompletion" WHERE "taskId" = $1`,
      [task!.id],
    );
    expect(completion!.n).toBe(1);
    // The coach's reads of the logs were recorded for the client to see.
    const [reads] = await query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "DataAccessLog" WHERE resource = 'TASK_LOGS'`,
    );
    expect(reads!.n).toBeGreaterThan(0);
    // Nothing scrolls sideways on a phone: the client's task page, the coach's task page and library.
    const fits = (page: typeof client.page) =>
      page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
    expect(await fits(client.page)).toBe(true);
    await coach.page.setViewportSize({ width: 390, height: 844 });
    expect(await fits(coach.page)).toBe(true);
    await coach.page.goto(`${stack.server.url}/coaching/exercises`);
    await coach.page.getByRole("heading", { name: "Exercise library", level: 1 }).waitFor();
    await coach.page.getByRole("button", { name: "Add a log field" }).click();
    expect(await fits(coach.page)).toBe(true);
    await expectAccessible(coach.page, "the exercise library with a log field open at phone width");
    await client.context.close();
    await coach.context.close();
  });

  it("a one-off task with a script in its Markdown is refused on its field; a clean one shows its Markdown to the client", async () => {
    const coach = await signedIn(stack, "coach@tandem.test");
    await coach.page.goto(`${stack.server.url}/tasks`);
    const form = coach.page.getByRole("form", { name: "Assign a task" });
    await form.waitFor();
    await expectAccessible(coach.page, "the coach's tasks");
    await form.getByLabel("Client").selectOption({ label: "Chris Client" });
    await form.getByLabel("One-off task").check();
    await form.getByLabel("Title").fill("Write to an old friend");
    await form.getByLabel("Instructions (Markdown)").fill("Hello <script>alert('x')</script>");
    await form.getByLabel("Due date").fill(inDays(3));
    await form.getByRole("button", { name: "Assign task" }).click();
    await form.getByText(/scripts, embedded pages, event handlers and javascript: links are not allowed/).waitFor();
    await expectAccessible(coach.page, "the coach's tasks with a field error");
    const [none] = await query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "Task" WHERE title = 'Write to an old friend'`,
    );
    expect(none!.n).toBe(0);

    await form.getByLabel("Instructions (Markdown)").fill("Write **three sentences** to <b>someone</b> you miss.");
    await form.getByRole("button", { name: "Assign task" }).click();
    await form.getByText(/Assigned “Write to an old friend”/).waitFor();
    await coach.page
      .getByRole("list", { name: "Tasks you assigned" })
      .getByRole("link", { name: "Write to an old friend" })
      .waitFor();

    const client = await signedIn(stack, "client@tandem.test");
    await client.page.goto(`${stack.server.url}/tasks`);
    await client.page.getByRole("link", { name: "Write to an old friend" }).click();
    const instructions = client.page.getByRole("region", { name: "Instructions" });
    await instructions.locator("strong", { hasText: "three sentences" }).waitFor();
    // Raw HTML is shown as typed, never as markup.
    await instructions.getByText("<b>someone</b>", { exact: false }).waitFor();
    expect(await instructions.locator("b").count()).toBe(0);
    await client.context.close();
    await coach.context.close();
  });
});
