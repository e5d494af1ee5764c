import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dayIn, streaks } from "@server/services/tasks/rules.ts";
import { createTestApp, type TestApp, withJobQueue } from "../helpers/app.ts";
import { createCoach, createTenant, createUser } from "../helpers/factories.ts";

let app: TestApp;
type U = Awaited<ReturnType<typeof createUser>>;
type C = Awaited<ReturnType<typeof createCoach>>;
let tenant: Awaited<ReturnType<typeof createTenant>>;
let coach: C, otherCoach: C;
let ann: U, bob: U, stranger: U;
let challengeId: string, eyeId: string;

const api = async (u: U) => (await app.as(u.token)).api;

async function fieldsOf(call: Promise<unknown>): Promise<{ code: string; fields: string[] }> {
  try {
    await call;
  } catch (error) {
    const e = error as {
      code: string;
      cause?: { issues?: { path: PropertyKey[] }[]; fieldErrors?: Record<string, string[]> };
    };
    const fields = e.cause?.issues
      ? e.cause.issues.map((i) => i.path.map(String).join("."))
      : Object.keys(e.cause?.fieldErrors ?? {});
    return { code: e.code, fields };
  }
  throw new Error("expected the call to be refused");
}

/** Moves the test clock to an instant. */
const setClock = (iso: string) => app.clock.advance(new Date(iso).getTime() - app.clock.now().getTime());
const relate = (c: C, clientId: string, status: "ACTIVE" | "PAUSED" | "ENDED" = "ACTIVE") =>
  app.db.coachingRelationship.create({
    data: { tenantId: tenant.id, coachProfileId: c.profile.id, clientId, status },
  });
const counts = async () => ({
  tasks: await app.db.task.count(),
  threads: await app.db.thread.count(),
  changes: await app.db.taskStatusChange.count(),
  messages: await app.db.message.count(),
  logs: await app.db.taskLog.count(),
});
const eventsFor = (userId: string, event: string) =>
  app.realtime.events.filter((e) => e.kind === "emitToUser" && e.args[0] === userId && e.args[1] === event);

beforeAll(async () => {
  app = await createTestApp();
  tenant = await createTenant(app);
  coach = await createCoach(app, tenant, { name: "Cora Coach" });
  otherCoach = await createCoach(app, tenant, { name: "Otto Other" });
  ann = await createUser(app, tenant, "CLIENT", { name: "Ann Client" });
  bob = await createUser(app, tenant, "CLIENT", { name: "Bob Paused" });
  stranger = await createUser(app, tenant, "CLIENT", { name: "Stan Stranger" });
  await app.db.user.update({ where: { id: ann.user.id }, data: { timeZone: "Europe/Berlin" } });
  await relate(coach, ann.user.id);
  await relate(coach, bob.user.id, "PAUSED");
  const c = await api(coach);
  challengeId = (
    await c.exercises.create({
      title: "Morning Greeting",
      instructions: "Greet three people before noon.",
      challengeDays: 7,
      logFields: [
        { key: "energy", label: "Energy", type: "scale", min: 1, max: 10 },
        { key: "did_it", label: "Did it", type: "boolean" },
        { key: "note", label: "Note", type: "text" },
      ],
    })
  ).id;
  eyeId = (await c.exercises.create({ title: "Silent Eye Contact", instructions: "Two minutes, no words." })).id;
});
afterAll(() => app?.close());

describe("assigning", () => {
  it("assigns a library challenge with its own TASK thread, live for both, and tells the client", async () => {
    setClock("2026-12-06T10:00:00Z");
    const task = await (
      await api(coach)
    ).tasks.assign({ clientId: ann.user.id, exerciseId: challengeId, dueOn: "2026-12-12" });
    expect(task).toMatchObject({ status: "ASSIGNED", startOn: "2026-12-06", repeatDays: 7, dueOn: "2026-12-12" });
    const thread = await app.db.thread.findUniqueOrThrow({ where: { id: task.threadId }, include: { members: true } });
    expect(thread.kind).toBe("TASK");
    expect(thread.members.map((m) => m.userId).sort()).toEqual([ann.user.id, coach.user.id].sort());
    expect(await app.db.taskStatusChange.findMany({ where: { taskId: task.id } })).toMatchObject([
      { from: null, to: "ASSIGNED", byUserId: coach.user.id },
    ]);
    expect(eventsFor(ann.user.id, "task:updated").at(-1)?.args[2]).toMatchObject({
      taskId: task.id,
      change: "assigned",
    });
    expect(eventsFor(coach.user.id, "task:updated").at(-1)?.args[2]).toMatchObject({ taskId: task.id });
    const notices = await app.db.notification.findMany({ where: { userId: ann.user.id, kind: "task.assigned" } });
    expect(notices).toHaveLength(1);
    expect(notices[0]!.link).toBe(`/tasks/${task.id}`);
    expect(await app.db.outboxMessage.count({ where: { to: ann.email } })).toBeGreaterThan(0);
    const mine = await (await api(ann)).tasks.mine();
    expect(mine.tasks.map((t) => t.id)).toContain(task.id);
    expect(mine.tasks.find((t) => t.id === task.id)?.streak).toEqual({ current: 0, best: 0, logged: 0 });
  });

  it("refuses a task for someone who is not an active client, and writes nothing", async () => {
    const c = await api(coach);
    const before = await counts();
    for (const clientId of [stranger.user.id, bob.user.id]) {
      expect(await fieldsOf(c.tasks.assign({ clientId, exerciseId: eyeId, dueOn: "2026-12-20" }))).toEqual({
        code: "FORBIDDEN",
        fields: ["clientId"],
      });
    }
    // Another coach's client is not yours either.
    expect(
      await fieldsOf(
        (await api(otherCoach)).tasks.assign({ clientId: ann.user.id, title: "Hi there", dueOn: "2026-12-20" }),
      ),
    ).toMatchObject({ code: "FORBIDDEN" });
    // A client cannot assign.
    await expect(
      (await api(ann)).tasks.assign({ clientId: ann.user.id, title: "Self", dueOn: "2026-12-20" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await counts()).toEqual(before);
  });

  it("reads the due date on the client's calendar: past there is refused, even while it is still today for the coach", async () => {
    // 12:00 UTC on 6 December is already 7 December in Kiritimati (UTC+14).
    await app.db.user.update({ where: { id: stranger.user.id }, data: { timeZone: "Pacific/Kiritimati" } });
    const rel = await relate(coach, stranger.user.id);
    setClock("2026-12-06T12:00:00Z");
    const c = await api(coach);
    const before = await counts();
    const refused = await fieldsOf(
      c.tasks.assign({ clientId: stranger.user.id, exerciseId: eyeId, dueOn: "2026-12-06" }),
    );
    expect(refused).toEqual({ code: "BAD_REQUEST", fields: ["dueOn"] });
    expect(await fieldsOf(c.tasks.assign({ clientId: ann.user.id, exerciseId: eyeId, dueOn: "2026-12-05" }))).toEqual({
      code: "BAD_REQUEST",
      fields: ["dueOn"],
    });
    // A 7-day challenge from today cannot be due before its last day.
    expect(
      await fieldsOf(c.tasks.assign({ clientId: ann.user.id, exerciseId: challengeId, dueOn: "2026-12-08" })),
    ).toEqual({ code: "BAD_REQUEST", fields: ["dueOn"] });
    expect(await fieldsOf(c.tasks.assign({ clientId: ann.user.id, title: "x", dueOn: "2026-12-20" }))).toEqual({
      code: "BAD_REQUEST",
      fields: ["title"],
    });
    expect(await fieldsOf(c.tasks.assign({ clientId: ann.user.id, title: "Bad", dueOn: "20.12.2026" }))).toEqual({
      code: "BAD_REQUEST",
      fields: ["dueOn"],
    });
    expect(
      await fieldsOf(
        c.tasks.assign({
          clientId: ann.user.id,
          title: "Script",
          instructions: "<script>alert(1)</script>",
          dueOn: "2026-12-20",
        }),
      ),
    ).toEqual({ code: "BAD_REQUEST", fields: ["instructions"] });
    expect(await counts()).toEqual(before);
    // Today on the client's calendar is fine.
    const ok = await c.tasks.assign({ clientId: stranger.user.id, exerciseId: eyeId, dueOn: "2026-12-07" });
    expect(ok.dueOn).toBe("2026-12-07");
    await app.db.coachingRelationship.update({ where: { id: rel.id }, data: { status: "ENDED" } });
  });

  it("links a task only to one of the client's own goals", async () => {
    const goal = await app.db.goal.create({
      data: { tenantId: tenant.id, clientId: ann.user.id, title: "Speak up at work", createdById: ann.user.id },
    });
    const bobsGoal = await app.db.goal.create({
      data: { tenantId: tenant.id, clientId: bob.user.id, title: "Bob's goal", createdById: bob.user.id },
    });
    const c = await api(coach);
    expect(
      await fieldsOf(
        c.tasks.assign({ clientId: ann.user.id, exerciseId: eyeId, dueOn: "2026-12-20", goalId: bobsGoal.id }),
      ),
    ).toEqual({ code: "BAD_REQUEST", fields: ["goalId"] });
    const linked = await c.tasks.assign({
      clientId: ann.user.id,
      exerciseId: eyeId,
      dueOn: "2026-12-20",
      goalId: goal.id,
    });
    expect(linked.goalId).toBe(goal.id);

    // The goal is the client's data: the coach sees it on the task only while goals are shared.
    const goalReads = () => app.db.dataAccessLog.count({ where: { clientId: ann.user.id, resource: "GOALS" } });
    const before = await goalReads();
    expect(await c.tasks.get({ taskId: linked.id })).toMatchObject({ goal: null, goalHidden: true });
    expect((await (await api(ann)).tasks.get({ taskId: linked.id })).goal?.title).toBe("Speak up at work");
    await (await api(ann)).consent.update({ coachProfileId: coach.profile.id, journal: false, goals: true });
    expect(await c.tasks.get({ taskId: linked.id })).toMatchObject({
      goal: { title: "Speak up at work" },
      goalHidden: false,
    });
    expect(await goalReads()).toBe(before + 1);
    await (await api(ann)).consent.update({ coachProfileId: coach.profile.id, journal: false, goals: false });
  });
});

describe("working on a task", () => {
  it("runs the status machine with logs, reflection, feedback, review, reopen and done; one ExerciseCompletion", async () => {
    setClock("2026-12-06T10:00:00Z");
    const c = await api(coach);
    const a = await api(ann);
    const task = await c.tasks.assign({ clientId: ann.user.id, exerciseId: eyeId, dueOn: "2026-12-10" });

    // Illegal moves are clear errors.
    await expect(c.tasks.review({ taskId: task.id })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(a.tasks.review({ taskId: task.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(c.tasks.reflect({ taskId: task.id, text: "I am the coach" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(a.tasks.feedback({ taskId: task.id, text: "I am the client" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });

    expect(await a.tasks.start({ taskId: task.id })).toEqual({ status: "IN_PROGRESS" });
    expect(await a.tasks.start({ taskId: task.id })).toEqual({ status: "IN_PROGRESS" });
    const reflected = await a.tasks.reflect({ taskId: task.id, text: "It felt awkward, then warm." });
    expect(reflected.status).toBe("SUBMITTED");
    expect(reflected.message).toMatchObject({ kind: "REFLECTION", text: "It felt awkward, then warm." });
    // Broadcast to both members like any message.
    expect(eventsFor(coach.user.id, "chat:message").at(-1)?.args[2]).toMatchObject({ kind: "REFLECTION" });
    expect(eventsFor(ann.user.id, "chat:message").at(-1)?.args[2]).toMatchObject({ kind: "REFLECTION" });

    const fb = await c.tasks.feedback({ taskId: task.id, text: "Lovely: notice the warmth." });
    expect(fb.message.kind).toBe("FEEDBACK");
    const history = await a.chat.history({ threadId: task.threadId });
    expect(history.messages.map((m) => m.kind)).toEqual(["REFLECTION", "FEEDBACK"]);

    await expect(a.tasks.complete({ taskId: task.id })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await c.tasks.review({ taskId: task.id })).toEqual({ status: "REVIEWED" });
    expect(await app.db.exerciseCompletion.count({ where: { taskId: task.id, userId: ann.user.id } })).toBe(1);
    // Reopened, submitted and reviewed again: still one completion.
    expect(await c.tasks.reopen({ taskId: task.id })).toEqual({ status: "IN_PROGRESS" });
    await a.tasks.reflect({ taskId: task.id, text: "Second go." });
    await c.tasks.review({ taskId: task.id });
    expect(await app.db.exerciseCompletion.count({ where: { taskId: task.id } })).toBe(1);
    expect(await a.tasks.complete({ taskId: task.id })).toEqual({ status: "DONE" });
    await expect(a.tasks.reflect({ taskId: task.id, text: "Too late" })).rejects.toMatchObject({ code: "CONFLICT" });

    const changes = await app.db.taskStatusChange.findMany({
      where: { taskId: task.id },
      orderBy: { createdAt: "asc" },
    });
    expect(changes.map((x) => `${x.from ?? "-"}>${x.to}`)).toEqual([
      "->ASSIGNED",
      "ASSIGNED>IN_PROGRESS",
      "IN_PROGRESS>SUBMITTED",
      "SUBMITTED>REVIEWED",
      "REVIEWED>IN_PROGRESS",
      "IN_PROGRESS>SUBMITTED",
      "SUBMITTED>REVIEWED",
      "REVIEWED>DONE",
    ]);
    expect(changes.find((x) => x.to === "SUBMITTED")?.byUserId).toBe(ann.user.id);
    expect(changes.find((x) => x.to === "REVIEWED")?.byUserId).toBe(coach.user.id);
    const updates = eventsFor(coach.user.id, "task:updated").map((e) => (e.args[2] as { change: string }).change);
    expect(updates).toEqual(
      expect.arrayContaining(["started", "submitted", "feedback", "reviewed", "reopened", "done"]),
    );

    // A custom task (no library exercise) does not count as an exercise completion.
    const custom = await c.tasks.assign({ clientId: ann.user.id, title: "Write three wins", dueOn: "2026-12-10" });
    await a.tasks.reflect({ taskId: custom.id, text: "Done it." });
    await c.tasks.review({ taskId: custom.id });
    expect(await app.db.exerciseCompletion.count({ where: { taskId: custom.id } })).toBe(0);
  });

  it("posts a reflection from ASSIGNED through IN_PROGRESS, and refuses an oversized one without writing", async () => {
    const c = await api(coach);
    const a = await api(ann);
    const task = await c.tasks.assign({ clientId: ann.user.id, exerciseId: eyeId, dueOn: "2026-12-10" });
    const before = await counts();
    expect(await fieldsOf(a.tasks.reflect({ taskId: task.id, text: "x".repeat(4001) }))).toEqual({
      code: "BAD_REQUEST",
      fields: ["text"],
    });
    await expect(
      app.tandem.services.tasks.reflect(
        { userId: ann.user.id, tenantId: tenant.id, role: "CLIENT" },
        { taskId: task.id, text: "y".repeat(4001) },
      ),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", fieldErrors: { text: [expect.stringContaining("4,000")] } });
    expect(await counts()).toEqual(before);
    expect((await a.tasks.reflect({ taskId: task.id, text: "x".repeat(4000) })).status).toBe("SUBMITTED");
    const changes = await app.db.taskStatusChange.findMany({
      where: { taskId: task.id },
      orderBy: { createdAt: "asc" },
    });
    expect(changes.map((x) => x.to)).toEqual(["ASSIGNED", "IN_PROGRESS", "SUBMITTED"]);
  });

  it("carries a file with a reflection (uploaded to the task thread), and refuses a forged attachment", async () => {
    setClock("2026-12-06T10:00:00Z");
    const task = await (
      await api(coach)
    ).tasks.assign({ clientId: ann.user.id, exerciseId: eyeId, dueOn: "2026-12-10" });
    const actor = { userId: ann.user.id, tenantId: tenant.id };
    const pdf = new Uint8Array(Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"));
    const { attachmentId } = await app.tandem.services.chat.uploadAttachment(actor, task.threadId, {
      bytes: pdf,
      name: "notes.pdf",
    });
    const a = await api(ann);
    const before = await counts();
    expect(await fieldsOf(a.tasks.reflect({ taskId: task.id, text: "Forged", attachmentId: "nope" }))).toEqual({
      code: "BAD_REQUEST",
      fields: ["attachmentId"],
    });
    expect(await counts()).toEqual(before);
    const { message } = await a.tasks.reflect({ taskId: task.id, text: "With my notes", attachmentId });
    expect(message.attachment).toMatchObject({ name: "notes.pdf", type: "application/pdf" });
  });

  it("logs days of a challenge only inside it and not ahead, with checked values", async () => {
    setClock("2026-12-06T10:00:00Z");
    const c = await api(coach);
    const a = await api(ann);
    const task = await c.tasks.assign({
      clientId: ann.user.id,
      exerciseId: challengeId,
      dueOn: "2026-12-14",
      startOn: "2026-12-07",
    });
    const good = { energy: 7, did_it: true, note: "Said hi to the baker" };
    const before = await counts();
    expect(await fieldsOf(a.tasks.log({ taskId: task.id, day: "2026-12-06", values: good }))).toEqual({
      code: "BAD_REQUEST",
      fields: ["day"],
    });
    expect(await fieldsOf(a.tasks.log({ taskId: task.id, day: "2026-12-14", values: good }))).toEqual({
      code: "BAD_REQUEST",
      fields: ["day"],
    });
    setClock("2026-12-08T10:00:00Z");
    expect(await fieldsOf(a.tasks.log({ taskId: task.id, day: "2026-12-09", values: good }))).toEqual({
      code: "BAD_REQUEST",
      fields: ["day"],
    });
    expect(
      await fieldsOf(a.tasks.log({ taskId: task.id, day: "2026-12-08", values: { energy: 11, did_it: "yes", x: 1 } })),
    ).toEqual({ code: "BAD_REQUEST", fields: ["values.x", "values.energy", "values.did_it"] });
    await expect(c.tasks.log({ taskId: task.id, day: "2026-12-08", values: good })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    expect(await counts()).toEqual(before);

    const first = await a.tasks.log({ taskId: task.id, day: "2026-12-07", values: good });
    expect(first.status).toBe("IN_PROGRESS");
    const second = await a.tasks.log({ taskId: task.id, day: "2026-12-08", values: { ...good, energy: 8 } });
    expect(second.streak).toEqual({ current: 2, best: 2, logged: 2 });
    // Logging a day again replaces it.
    await a.tasks.log({ taskId: task.id, day: "2026-12-08", values: { ...good, energy: 9 } });
    expect(await app.db.taskLog.count({ where: { taskId: task.id } })).toBe(2);
    // A one-off task has no log.
    const oneOff = await c.tasks.assign({ clientId: ann.user.id, exerciseId: eyeId, dueOn: "2026-12-20" });
    expect(await fieldsOf(a.tasks.log({ taskId: oneOff.id, day: "2026-12-08", values: {} }))).toEqual({
      code: "BAD_REQUEST",
      fields: ["day"],
    });
  });

  it("counts streaks on the client's calendar across the end of summer time", async () => {
    // Berlin leaves summer time on 25 October 2026 (03:00 CEST → 02:00 CET).
    setClock("2026-10-22T08:00:00Z");
    const c = await api(coach);
    const a = await api(ann);
    const task = await c.tasks.assign({ clientId: ann.user.id, exerciseId: challengeId, dueOn: "2026-10-28" });
    expect(task.startOn).toBe("2026-10-22");
    const v = { energy: 5, did_it: true };
    for (const [at, day] of [
      ["2026-10-22T21:30:00Z", "2026-10-22"], // 23:30 CEST
      ["2026-10-23T21:30:00Z", "2026-10-23"],
      ["2026-10-24T21:30:00Z", "2026-10-24"], // 23:30 CEST, the last summer evening
      ["2026-10-25T22:30:00Z", "2026-10-25"], // 23:30 CET, the first winter evening (UTC+1 now)
    ] as const) {
      setClock(at);
      expect(dayIn(app.clock.now(), "Europe/Berlin")).toBe(day);
      await a.tasks.log({ taskId: task.id, day, values: v });
    }
    // 23:30 UTC on the 25th is already the 26th in Berlin: today is not logged yet, the streak holds.
    setClock("2026-10-25T23:30:00Z");
    const mine = (await a.tasks.mine()).tasks.find((t) => t.id === task.id)!;
    expect(mine.streak).toEqual({ current: 4, best: 4, logged: 4 });
    // The 26th was missed: on the 27th the streak is broken, the best stays.
    setClock("2026-10-27T08:00:00Z");
    expect((await a.tasks.mine()).tasks.find((t) => t.id === task.id)!.streak).toEqual({
      current: 0,
      best: 4,
      logged: 4,
    });
  });

  it("uses the client's zone west of UTC too", () => {
    // 03:00 UTC on 27 October is the evening of the 26th in Los Angeles.
    const at = new Date("2026-10-27T03:00:00Z");
    expect(dayIn(at, "America/Los_Angeles")).toBe("2026-10-26");
    expect(streaks(["2026-10-24", "2026-10-25", "2026-10-26"], dayIn(at, "America/Los_Angeles"))).toEqual({
      current: 3,
      best: 3,
      logged: 3,
    });
    expect(streaks(["2026-10-24", "2026-10-25", "2026-10-26"], dayIn(at, "UTC")).current).toBe(3);
    expect(streaks(["2026-10-24", "2026-10-25"], "2026-10-27").current).toBe(0);
  });
});

describe("reading and notifications", () => {
  it("writes one access-log row per coach read of a task's logs, none for the client's own reads", async () => {
    setClock("2026-12-06T10:00:00Z");
    const c = await api(coach);
    const task = await c.tasks.assign({ clientId: ann.user.id, exerciseId: challengeId, dueOn: "2026-12-14" });
    const logRows = () => app.db.dataAccessLog.count({ where: { clientId: ann.user.id, resource: "TASK_LOGS" } });
    const before = await logRows();
    const seen = await c.tasks.get({ taskId: task.id });
    expect(seen.viewer).toBe("coach");
    expect(await logRows()).toBe(before + 1);
    await c.tasks.get({ taskId: task.id });
    expect(await logRows()).toBe(before + 2);
    const own = await (await api(ann)).tasks.get({ taskId: task.id });
    expect(own.viewer).toBe("client");
    expect(await logRows()).toBe(before + 2);
    await expect((await api(otherCoach)).tasks.get({ taskId: task.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect((await api(bob)).tasks.get({ taskId: task.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await logRows()).toBe(before + 2);
    // The coach's list carries no logs, so it reads none.
    await c.tasks.forClient({ clientId: ann.user.id });
    expect(await logRows()).toBe(before + 2);
  });

  it("keeps one unread notice per kind and task (mail only for a new one), and sends 'due tomorrow' in the client's zone", async () => {
    setClock("2026-12-06T10:00:00Z");
    const c = await api(coach);
    const a = await api(ann);
    const task = await c.tasks.assign({ clientId: ann.user.id, title: "Two reflections", dueOn: "2026-12-09" });
    const mails = () => app.db.outboxMessage.count({ where: { to: coach.email } });
    const mailsBefore = await mails();
    await a.tasks.reflect({ taskId: task.id, text: "One" });
    await a.tasks.reflect({ taskId: task.id, text: "Two" });
    const notices = await app.db.notification.findMany({
      where: { userId: coach.user.id, kind: "task.reflection", link: `/tasks/${task.id}` },
    });
    expect(notices).toHaveLength(1);
    expect(notices[0]!.body).toBe("Two");
    expect(await mails()).toBe(mailsBefore + 1);
    await c.tasks.feedback({ taskId: task.id, text: "Good" });
    expect(
      await app.db.notification.count({
        where: { userId: ann.user.id, kind: "task.feedback", link: `/tasks/${task.id}` },
      }),
    ).toBe(1);

    const due = await c.tasks.assign({ clientId: ann.user.id, title: "Due soon", dueOn: "2026-12-08" });
    const tasks = app.tandem.services.tasks;
    // Two days ahead: not yet.
    expect(await tasks.sendDueReminder(due.id, "2026-12-08")).toEqual({ sent: false });
    // 23:30 UTC on the 6th is 00:30 on the 7th in Berlin: the day before, on the client's calendar.
    setClock("2026-12-06T23:30:00Z");
    expect(await tasks.sendDueReminder(due.id, "2026-12-08")).toEqual({ sent: true });
    expect(await tasks.sendDueReminder(due.id, "2026-12-09")).toEqual({ sent: false });
    const dueNotices = await app.db.notification.findMany({ where: { userId: ann.user.id, kind: "task.due" } });
    expect(dueNotices.map((n) => n.link)).toEqual([`/tasks/${due.id}`]);
    // A task already submitted gets no reminder.
    await a.tasks.reflect({ taskId: due.id, text: "Early" });
    expect(await tasks.sendDueReminder(due.id, "2026-12-08")).toEqual({ sent: false });
  });

  it("proposes a next step as a follow-up task in one call", async () => {
    setClock("2026-12-06T10:00:00Z");
    const c = await api(coach);
    const goal = await app.db.goal.create({
      data: { tenantId: tenant.id, clientId: ann.user.id, title: "Confidence", createdById: ann.user.id },
    });
    const task = await c.tasks.assign({
      clientId: ann.user.id,
      exerciseId: eyeId,
      dueOn: "2026-12-10",
      goalId: goal.id,
    });
    const next = await c.tasks.proposeNext({ taskId: task.id, title: "Five minutes next", dueOn: "2026-12-17" });
    expect(next).toMatchObject({ followUpOfId: task.id, goalId: goal.id, status: "ASSIGNED", clientId: ann.user.id });
    await expect(
      (await api(ann)).tasks.proposeNext({ taskId: task.id, title: "Me myself", dueOn: "2026-12-17" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    const open = await c.tasks.forClient({ clientId: ann.user.id, openOnly: true });
    expect(open.tasks.map((t) => t.id)).toEqual(expect.arrayContaining([task.id, next.id]));
  });

  it("queues 'due tomorrow' at 09:00 the day before the due day in the client's zone", async () => {
    setClock("2026-12-06T10:00:00Z");
    const { tandem: withJobs, stop } = await withJobQueue(app);
    try {
      const actor = { userId: coach.user.id, tenantId: tenant.id, role: "COACH" as const };
      const task = await withJobs.services.tasks.assign(actor, {
        clientId: ann.user.id,
        title: "Queued reminder",
        dueOn: "2026-12-10",
      });
      const [queued] = await app.db.$queryRawUnsafe<{ start_after: Date; data: { dueOn: string } }[]>(
        `SELECT start_after, data FROM pgboss.job WHERE name = 'tasks.due-reminder' AND data->>'taskId' = $1`,
        task.id,
      );
      // Ann is in Berlin: 09:00 CET on 9 December is 08:00 UTC.
      expect(queued?.start_after).toEqual(new Date("2026-12-09T08:00:00Z"));
      expect(queued?.data.dueOn).toBe("2026-12-10");
    } finally {
      await stop();
    }
  });
});
