import { DateTime } from "luxon";
import type { TaskUpdated } from "@realtime/contracts.ts";
import type { Prisma } from "@server/db/client.ts";
import type { TaskStatus } from "@server/db/generated/enums.ts";
import { AppError, forbidden, notFound } from "@server/errors.ts";
import type { Actor } from "@server/policies/coaching.ts";
import type { ChatService } from "../chat/service.ts";
import type { ConsentService } from "../consent/service.ts";
import type { ServiceDeps } from "../deps.ts";
import {
  checkLogValues,
  INSTRUCTIONS_MAX,
  isUnsafeMarkdown,
  LOG_TEXT_MAX,
  type LogField,
  logFieldsSchema,
  MARKDOWN_UNSAFE_MESSAGE,
  readLogFields,
  TITLE_MAX,
  CHALLENGE_DAYS_MAX,
} from "../exercises/fields.ts";
import type { ExerciseService } from "../exercises/service.ts";
import type { NotificationService } from "../notifications/service.ts";
import type { RelationshipsService } from "../relationships/service.ts";
import {
  addDays,
  canTransition,
  dateToDay,
  dayIn,
  dayToDate,
  isDay,
  OPEN_FOR_CLIENT,
  OPEN_STATUSES,
  REFLECTION_MAX_CHARS,
  STATUS_LABELS,
  streaks,
  type TaskChange,
  TRANSITIONS,
} from "./rules.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The hour of the day before the due date at which "due tomorrow" is sent, in the client's zone. */
export const DUE_REMINDER_HOUR = 9;

export interface AssignInput {
  clientId: string;
  /** A library exercise (own or shared); without it, a one-off custom task with `title`. */
  exerciseId?: string | null;
  title?: string;
  instructions?: string;
  logFields?: LogField[];
  /** The due day on the client's calendar (YYYY-MM-DD, in the client's time zone). */
  dueOn: string;
  /** Daily for this many days (a challenge); defaults to the exercise's challenge days. */
  repeatDays?: number | null;
  /** First day of a repeating task on the client's calendar (default: today there). */
  startOn?: string | null;
  goalId?: string | null;
  followUpOfId?: string | null;
}

const bad = (field: string, message: string) => new AppError("BAD_REQUEST", message, { [field]: [message] });

type Deps = {
  chat: ChatService;
  notifications: NotificationService;
  relationships: Pick<RelationshipsService, "requireActiveClient">;
  consent: Pick<ConsentService, "readGuard">;
  exercises: ExerciseService;
};

const taskSelect = {
  id: true,
  tenantId: true,
  coachProfileId: true,
  clientId: true,
  exerciseId: true,
  title: true,
  instructions: true,
  logFields: true,
  startOn: true,
  repeatDays: true,
  dueOn: true,
  goalId: true,
  followUpOfId: true,
  status: true,
  threadId: true,
  createdAt: true,
  updatedAt: true,
} as const satisfies Prisma.TaskSelect;
type TaskRow = Prisma.TaskGetPayload<{ select: typeof taskSelect }>;

/**
 * Tasks: a coach assigns a library exercise or a one-off task to one of their ACTIVE clients;
 * each task owns a TASK thread (coach and client) where reflections and feedback are messages
 * of their own kinds. Days (due, start, logs) are calendar days of the CLIENT's time zone: the
 * client does the task, so "today", "tomorrow" and a challenge's days are theirs; the coach's
 * form says so. Every status change is a TaskStatusChange row (who, when) and a `task:updated`
 * push to both people.
 */
export function createTaskService(deps: ServiceDeps, { chat, notifications, relationships, consent, exercises }: Deps) {
  const { db, now, log, realtime, jobs } = deps;

  async function ownCoach(actor: Actor) {
    return exercises.coachOf(actor).catch(() => {
      throw forbidden("Only coaches assign tasks.");
    });
  }

  async function zoneOf(userId: string) {
    const user = await db.user.findUnique({ where: { id: userId }, select: { timeZone: true, name: true } });
    return { timeZone: user?.timeZone ?? "UTC", name: user?.name ?? "Client" };
  }

  /** The task with the actor's side in it: its client, or its coach; anyone else gets NOT_FOUND. */
  async function participant(actor: Actor, taskId: string) {
    if (!UUID.test(taskId)) throw notFound("That task");
    const row = await db.task.findFirst({ where: { id: taskId, tenantId: actor.tenantId }, select: taskSelect });
    if (!row) throw notFound("That task");
    const coachProfile = await db.coachProfile.findUniqueOrThrow({
      where: { id: row.coachProfileId },
      select: { userId: true, displayName: true },
    });
    const task = { ...row, coachProfile };
    const isClient = task.clientId === actor.userId;
    const isCoach = task.coachProfile.userId === actor.userId;
    if (!isClient && !isCoach) throw notFound("That task");
    return { task, isClient, isCoach };
  }

  async function coachNames(ids: string[]) {
    const rows = await db.coachProfile.findMany({
      where: { id: { in: [...new Set(ids)] } },
      select: { id: true, displayName: true },
    });
    return new Map(rows.map((r) => [r.id, r.displayName]));
  }

  function push(
    task: Pick<TaskRow, "id" | "clientId" | "coachProfileId" | "status">,
    coachUserId: string,
    change: string,
    byUserId: string,
  ) {
    const payload: TaskUpdated = {
      taskId: task.id,
      clientId: task.clientId,
      coachProfileId: task.coachProfileId,
      status: task.status,
      change,
      byUserId,
    };
    realtime.emitToUser(task.clientId, "task:updated", payload);
    if (coachUserId !== task.clientId) realtime.emitToUser(coachUserId, "task:updated", payload);
  }

  /**
   * Moves the task along the machine inside `tx`, with the row locked so two changes at once
   * cannot both pass the check; records who and when. Refuses an illegal move with CONFLICT.
   */
  async function transition(tx: Prisma.TransactionClient, taskId: string, change: TaskChange, byUserId: string) {
    const [row] = await tx.$queryRaw<{ status: TaskStatus; tenantId: string }[]>`
      SELECT "status", "tenantId"::text AS "tenantId" FROM "Task" WHERE "id" = ${taskId}::uuid FOR UPDATE`;
    if (!row) throw notFound("That task");
    const rule = TRANSITIONS[change];
    if (!canTransition(change, row.status)) {
      const verb = {
        start: "started",
        submit: "submitted",
        review: "marked reviewed",
        done: "marked done",
        reopen: "reopened",
      }[change];
      throw new AppError("CONFLICT", `A task that is “${STATUS_LABELS[row.status]}” cannot be ${verb}.`, {
        status: [`The task is “${STATUS_LABELS[row.status]}”.`],
      });
    }
    await tx.task.update({ where: { id: taskId }, data: { status: rule.to } });
    await tx.taskStatusChange.create({
      data: { tenantId: row.tenantId, taskId, from: row.status, to: rule.to, byUserId },
    });
    return rule.to;
  }

  async function lockedStatus(tx: Prisma.TransactionClient, taskId: string) {
    const [row] = await tx.$queryRaw<
      { status: TaskStatus }[]
    >`SELECT "status" FROM "Task" WHERE "id" = ${taskId}::uuid FOR UPDATE`;
    if (!row) throw notFound("That task");
    return row.status;
  }

  /** In-app (live) and mail, one unread notice per kind and task: a later one updates it. */
  async function tell(tenantId: string, userId: string, kind: string, taskId: string, title: string, body: string) {
    await notifications
      .notify({ tenantId, userId, kind, title, body, link: `/tasks/${taskId}`, coalesce: true, email: true })
      .catch((e: unknown) => log.error("task notification failed", { taskId, kind, error: String(e) }));
  }

  /** Queues "due tomorrow" for 09:00 on the day before the due day, in the client's zone (now, if that hour has passed that day). */
  async function scheduleDueReminder(task: { id: string; dueOn: string }, timeZone: string) {
    if (!jobs) return;
    const dayBefore = addDays(task.dueOn, -1);
    const today = dayIn(now(), timeZone);
    if (today > dayBefore) return;
    const at = DateTime.fromISO(`${dayBefore}T${String(DUE_REMINDER_HOUR).padStart(2, "0")}:00`, {
      zone: timeZone,
    }).toJSDate();
    await jobs
      .send("tasks.due-reminder", { taskId: task.id, dueOn: task.dueOn }, { startAfter: at > now() ? at : 0 })
      .catch((e: unknown) => log.error("could not schedule a task reminder", { taskId: task.id, error: String(e) }));
  }

  function listView(row: TaskRow & { coachProfile?: { displayName: string } }, today: string) {
    const dueOn = dateToDay(row.dueOn);
    return {
      id: row.id,
      title: row.title,
      status: row.status,
      statusLabel: STATUS_LABELS[row.status],
      dueOn,
      startOn: row.startOn ? dateToDay(row.startOn) : null,
      repeatDays: row.repeatDays,
      exerciseId: row.exerciseId,
      goalId: row.goalId,
      followUpOfId: row.followUpOfId,
      threadId: row.threadId,
      clientId: row.clientId,
      coachProfileId: row.coachProfileId,
      coachName: row.coachProfile?.displayName ?? null,
      overdue: (row.status === "ASSIGNED" || row.status === "IN_PROGRESS") && dueOn < today,
      dueToday: dueOn === today,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }

  const service = {
    /**
     * Assigns a task. All checks come first (input, the client relationship, the dates in the
     * client's zone, the goal, the exercise); then the TASK thread and the task with its first
     * status row are written, and a failure removes the thread again: no partial task.
     */
    async assign(actor: Actor, input: AssignInput) {
      const coach = await ownCoach(actor);
      if (!UUID.test(input.clientId)) throw bad("clientId", "Choose one of your clients.");
      await relationships.requireActiveClient({
        tenantId: actor.tenantId,
        coachProfileId: coach.id,
        clientId: input.clientId,
      });
      const client = await zoneOf(input.clientId);
      const today = dayIn(now(), client.timeZone);

      let title = input.title?.trim() ?? "";
      let instructions = input.instructions?.trim() ?? "";
      let logFields: LogField[] = [];
      let repeatDays = input.repeatDays ?? null;
      let exerciseId: string | null = null;
      if (input.exerciseId) {
        const exercise = await exercises.visible(actor, input.exerciseId).catch(() => {
          throw bad("exerciseId", "Choose an exercise from your library or the shared library.");
        });
        exerciseId = exercise.id;
        title ||= exercise.title;
        instructions ||= exercise.instructions;
        logFields = readLogFields(exercise.logFields);
        repeatDays ??= exercise.challengeDays;
      } else {
        const parsed = logFieldsSchema.safeParse(input.logFields ?? []);
        if (!parsed.success) throw bad("logFields", parsed.error.issues[0]?.message ?? "Check the log fields.");
        logFields = parsed.data;
      }
      if (title.length < 3) throw bad("title", "Give the task a title of at least 3 characters.");
      if (title.length > TITLE_MAX) throw bad("title", `At most ${TITLE_MAX} characters.`);
      if (instructions.length > INSTRUCTIONS_MAX) throw bad("instructions", `At most ${INSTRUCTIONS_MAX} characters.`);
      if (isUnsafeMarkdown(instructions)) throw bad("instructions", MARKDOWN_UNSAFE_MESSAGE);
      if (repeatDays !== null && (!Number.isInteger(repeatDays) || repeatDays < 2 || repeatDays > CHALLENGE_DAYS_MAX))
        throw bad("repeatDays", `Repeat daily for 2 to ${CHALLENGE_DAYS_MAX} days, or not at all.`);
      if (repeatDays === null && logFields.length > 0 && !input.exerciseId)
        throw bad("repeatDays", "Daily log fields need a number of days.");

      if (!isDay(input.dueOn)) throw bad("dueOn", "Choose a due date.");
      if (input.dueOn < today)
        throw bad(
          "dueOn",
          `The due date is in the past on ${client.name}'s calendar (today there is ${today}, ${client.timeZone}).`,
        );
      let startOn: string | null = null;
      if (repeatDays !== null) {
        startOn = input.startOn ?? today;
        if (!isDay(startOn)) throw bad("startOn", "Choose a start date.");
        if (startOn < today)
          throw bad("startOn", `The start date is in the past (today is ${today} in ${client.timeZone}).`);
        const lastDay = addDays(startOn, repeatDays - 1);
        if (input.dueOn < lastDay)
          throw bad(
            "dueOn",
            `A ${repeatDays}-day challenge from ${startOn} ends on ${lastDay}: choose that day or later.`,
          );
      }
      if (input.goalId) {
        const goal = UUID.test(input.goalId)
          ? await db.goal.findFirst({
              where: { id: input.goalId, tenantId: actor.tenantId, clientId: input.clientId },
              select: { id: true },
            })
          : null;
        if (!goal) throw bad("goalId", "Choose one of this client's goals.");
      }
      if (input.followUpOfId) {
        const previous = UUID.test(input.followUpOfId)
          ? await db.task.findFirst({
              where: {
                id: input.followUpOfId,
                tenantId: actor.tenantId,
                coachProfileId: coach.id,
                clientId: input.clientId,
              },
              select: { id: true },
            })
          : null;
        if (!previous) throw bad("followUpOfId", "That task is not one of yours for this client.");
      }

      // The task and its TASK thread are written together: a refusal leaves neither.
      const task: TaskRow = await db.$transaction(async (tx) => {
        const { threadId } = await chat.createThread(
          {
            tenantId: actor.tenantId,
            kind: "TASK",
            members: [
              { userId: actor.userId, role: "coach" },
              { userId: input.clientId, role: "client" },
            ],
            title: `Task: ${title}`.slice(0, 200),
          },
          tx,
        );
        const created = await tx.task.create({
          data: {
            tenantId: actor.tenantId,
            coachProfileId: coach.id,
            clientId: input.clientId,
            exerciseId,
            title,
            instructions,
            logFields,
            startOn: startOn ? dayToDate(startOn) : null,
            repeatDays,
            dueOn: dayToDate(input.dueOn),
            goalId: input.goalId ?? null,
            followUpOfId: input.followUpOfId ?? null,
            threadId,
          },
          select: taskSelect,
        });
        await tx.taskStatusChange.create({
          data: { tenantId: actor.tenantId, taskId: created.id, from: null, to: "ASSIGNED", byUserId: actor.userId },
        });
        return created;
      });
      push(task, actor.userId, "assigned", actor.userId);
      await tell(
        actor.tenantId,
        input.clientId,
        "task.assigned",
        task.id,
        `New task from ${coach.displayName}: ${title}`,
        `Due ${input.dueOn} (${client.timeZone}).`,
      );
      await scheduleDueReminder({ id: task.id, dueOn: input.dueOn }, client.timeZone);
      return listView(task, today);
    },

    /** The client's own tasks, open first, with due dates and challenge streaks. */
    async mine(actor: Actor) {
      const { timeZone } = await zoneOf(actor.userId);
      const today = dayIn(now(), timeZone);
      const rows = await db.task.findMany({
        where: { tenantId: actor.tenantId, clientId: actor.userId },
        select: { ...taskSelect, logs: { select: { day: true } } },
        orderBy: [{ dueOn: "asc" }, { createdAt: "asc" }],
        take: 200,
      });
      const names = await coachNames(rows.map((r) => r.coachProfileId));
      return {
        today,
        timeZone,
        tasks: rows.map((r) => ({
          ...listView({ ...r, coachProfile: { displayName: names.get(r.coachProfileId) ?? "Coach" } }, today),
          streak: r.repeatDays
            ? streaks(
                r.logs.map((l) => dateToDay(l.day)),
                today,
              )
            : null,
        })),
      };
    },

    /** The coach's tasks for one client (or all their clients), without the logs (those are read on the task page). */
    async forClient(actor: Actor, input: { clientId?: string; openOnly?: boolean }) {
      const coach = await ownCoach(actor);
      if (input.clientId !== undefined && !UUID.test(input.clientId)) return { tasks: [] };
      const rows = await db.task.findMany({
        where: {
          tenantId: actor.tenantId,
          coachProfileId: coach.id,
          ...(input.clientId ? { clientId: input.clientId } : {}),
          ...(input.openOnly ? { status: { in: [...OPEN_STATUSES] } } : {}),
        },
        select: taskSelect,
        orderBy: [{ dueOn: "asc" }, { createdAt: "asc" }],
        take: 200,
      });
      const clients = await db.user.findMany({
        where: { id: { in: [...new Set(rows.map((r) => r.clientId))] } },
        select: { id: true, name: true, timeZone: true },
      });
      const byId = new Map(clients.map((c) => [c.id, c]));
      return {
        tasks: rows.map((r) => {
          const c = byId.get(r.clientId);
          return { ...listView(r, dayIn(now(), c?.timeZone ?? "UTC")), clientName: c?.name ?? "Client" };
        }),
      };
    },

    /** The coach's ACTIVE clients to assign to, with their time zones (the due date is on their calendar). */
    async assignOptions(actor: Actor) {
      const coach = await ownCoach(actor);
      const relationships = await db.coachingRelationship.findMany({
        where: { tenantId: actor.tenantId, coachProfileId: coach.id, status: "ACTIVE" },
        select: { clientId: true },
      });
      const users = await db.user.findMany({
        where: { id: { in: relationships.map((r) => r.clientId) } },
        select: { id: true, name: true, timeZone: true },
        orderBy: { name: "asc" },
      });
      return { clients: users.map((u) => ({ ...u, today: dayIn(now(), u.timeZone) })) };
    },

    /** The client's goals to link a task to: client data, so read through the consent guard (GOALS). */
    async goalOptions(actor: Actor, input: { clientId: string }) {
      const coach = await ownCoach(actor);
      if (!UUID.test(input.clientId)) throw bad("clientId", "Choose one of your clients.");
      await relationships.requireActiveClient({
        tenantId: actor.tenantId,
        coachProfileId: coach.id,
        clientId: input.clientId,
      });
      try {
        await consent.readGuard({
          tenantId: actor.tenantId,
          viewerUserId: actor.userId,
          clientId: input.clientId,
          resource: "GOALS",
          detail: "Goal titles, to link a task",
        });
      } catch (error) {
        if (error instanceof AppError && error.code === "FORBIDDEN") return { shared: false, goals: [] };
        throw error;
      }
      const goals = await db.goal.findMany({
        where: { tenantId: actor.tenantId, clientId: input.clientId, status: { in: ["ACTIVE"] } },
        select: { id: true, title: true },
        orderBy: { createdAt: "asc" },
      });
      return { shared: true, goals };
    },

    /**
     * One task for its client or its coach: instructions, daily logs and streak, status history,
     * exercise files. A coach's read goes through the consent guard (TASK_LOGS), which writes
     * one access-log row.
     */
    async get(actor: Actor, taskId: string) {
      const { task, isClient, isCoach } = await participant(actor, taskId);
      if (!isClient)
        await consent.readGuard({
          tenantId: actor.tenantId,
          viewerUserId: actor.userId,
          clientId: task.clientId,
          resource: "TASK_LOGS",
          detail: `Daily logs and status of the task “${task.title}”`,
          assigningCoach: isCoach,
        });
      const client = await zoneOf(task.clientId);
      const today = dayIn(now(), client.timeZone);
      // The linked goal is the client's data: their coach sees it only while goals are shared (and the read is logged).
      const goalVisible =
        task.goalId !== null &&
        (isClient ||
          (await consent
            .readGuard({
              tenantId: actor.tenantId,
              viewerUserId: actor.userId,
              clientId: task.clientId,
              resource: "GOALS",
              detail: `The goal linked to the task “${task.title}”`,
            })
            .then(
              () => true,
              (error: unknown) => {
                if (error instanceof AppError && error.code === "FORBIDDEN") return false;
                throw error;
              },
            )));
      const [logs, changes, files, goal] = await Promise.all([
        db.taskLog.findMany({ where: { taskId: task.id }, orderBy: { day: "asc" } }),
        db.taskStatusChange.findMany({ where: { taskId: task.id }, orderBy: { createdAt: "asc" } }),
        task.exerciseId
          ? db.exerciseFile.findMany({
              where: { exerciseId: task.exerciseId },
              select: { id: true, name: true, type: true, size: true },
            })
          : Promise.resolve([] as { id: string; name: string; type: string; size: number }[]),
        goalVisible && task.goalId
          ? db.goal.findUnique({ where: { id: task.goalId }, select: { id: true, title: true } })
          : Promise.resolve(null),
      ]);
      const names: Record<string, string> = {
        [task.clientId]: client.name,
        [task.coachProfile.userId]: task.coachProfile.displayName,
      };
      const startOn = task.startOn ? dateToDay(task.startOn) : null;
      const lastDay = startOn && task.repeatDays ? addDays(startOn, task.repeatDays - 1) : null;
      const logDays = logs.map((l) => dateToDay(l.day));
      return {
        ...listView(task, today),
        instructions: task.instructions,
        logFields: readLogFields(task.logFields),
        coachName: task.coachProfile.displayName,
        coachUserId: task.coachProfile.userId,
        clientName: client.name,
        clientTimeZone: client.timeZone,
        today,
        lastDay,
        viewer: isCoach && !isClient ? ("coach" as const) : ("client" as const),
        logs: logs.map((l) => ({
          day: dateToDay(l.day),
          values: l.values as Record<string, unknown>,
          note: l.note,
          updatedAt: l.updatedAt,
        })),
        streak: task.repeatDays ? streaks(logDays, today) : null,
        history: changes.map((c) => ({
          from: c.from,
          to: c.to,
          by: names[c.byUserId] ?? "Someone",
          byUserId: c.byUserId,
          at: c.createdAt,
        })),
        files,
        goal,
        goalHidden: Boolean(task.goalId) && !goalVisible,
      };
    },

    /** The client logs one day of a challenge (again: replaces that day's entry). The first log starts the task. */
    async log(actor: Actor, input: { taskId: string; day: string; values: Record<string, unknown>; note?: string }) {
      const { task, isClient } = await participant(actor, input.taskId);
      if (!isClient) throw forbidden("Only the client logs their days.");
      if (!task.repeatDays || !task.startOn) throw bad("day", "This task has no daily log.");
      const { timeZone } = await zoneOf(task.clientId);
      const today = dayIn(now(), timeZone);
      const first = dateToDay(task.startOn);
      const last = addDays(first, task.repeatDays - 1);
      if (!isDay(input.day)) throw bad("day", "Choose a day.");
      if (input.day < first || input.day > last) throw bad("day", `This challenge runs from ${first} to ${last}.`);
      if (input.day > today)
        throw bad("day", `You can log today (${today}) or an earlier day of the challenge, not a future one.`);
      const note = (input.note ?? "").trim();
      if (note.length > LOG_TEXT_MAX) throw bad("note", `At most ${LOG_TEXT_MAX} characters.`);
      const checked = checkLogValues(readLogFields(task.logFields), input.values ?? {});
      if (!checked.ok) throw new AppError("BAD_REQUEST", "Some answers need attention.", checked.fieldErrors);
      const status = await db.$transaction(async (tx) => {
        let current = await lockedStatus(tx, task.id);
        if (!OPEN_FOR_CLIENT.includes(current))
          throw new AppError(
            "CONFLICT",
            `The task is “${STATUS_LABELS[current]}”: ask your coach to reopen it to log more days.`,
            { day: ["The task is closed for logs."] },
          );
        await tx.taskLog.upsert({
          where: { taskId_day: { taskId: task.id, day: dayToDate(input.day) } },
          create: { tenantId: task.tenantId, taskId: task.id, day: dayToDate(input.day), values: checked.values, note },
          update: { values: checked.values, note },
        });
        if (current === "ASSIGNED") current = await transition(tx, task.id, "start", actor.userId);
        return current;
      });
      push({ ...task, status }, task.coachProfile.userId, "logged", actor.userId);
      const days = await db.taskLog.findMany({ where: { taskId: task.id }, select: { day: true } });
      return {
        status,
        streak: streaks(
          days.map((d) => dateToDay(d.day)),
          today,
        ),
      };
    },

    /** The client starts working (a reflection draft begun): ASSIGNED → IN_PROGRESS; nothing when already under way. */
    async start(actor: Actor, taskId: string) {
      const { task, isClient } = await participant(actor, taskId);
      if (!isClient) throw forbidden("Only the client starts their task.");
      if (task.status !== "ASSIGNED") return { status: task.status };
      const status = await db.$transaction(async (tx) => {
        const current = await lockedStatus(tx, task.id);
        return current === "ASSIGNED" ? transition(tx, task.id, "start", actor.userId) : current;
      });
      push({ ...task, status }, task.coachProfile.userId, "started", actor.userId);
      return { status };
    },

    /**
     * The client's reflection, a REFLECTION message in the task thread (at most
     * REFLECTION_MAX_CHARS, optionally with a file uploaded to the thread): the message and the
     * move to SUBMITTED commit together. Another reflection while submitted adds to it.
     */
    async reflect(
      actor: Actor,
      input: { taskId: string; text: string; attachmentId?: string; clientMessageId?: string },
    ) {
      const { task, isClient } = await participant(actor, input.taskId);
      if (!isClient) throw forbidden("Only the client writes the reflection.");
      const text = input.text.trim();
      if (!text) throw bad("text", "Write your reflection.");
      if (text.length > REFLECTION_MAX_CHARS)
        throw bad("text", `A reflection is at most ${REFLECTION_MAX_CHARS.toLocaleString("en-GB")} characters.`);
      const { message, status } = await db.$transaction(async (tx) => {
        let current = await lockedStatus(tx, task.id);
        if (!OPEN_FOR_CLIENT.includes(current))
          throw new AppError(
            "CONFLICT",
            `The task is “${STATUS_LABELS[current]}”: ask your coach to reopen it first.`,
            { text: ["The task is closed for reflections."] },
          );
        const message = await chat.post(
          actor,
          {
            threadId: task.threadId,
            kind: "REFLECTION",
            text,
            attachmentId: input.attachmentId,
            clientMessageId: input.clientMessageId,
          },
          tx,
        );
        if (current === "ASSIGNED") current = await transition(tx, task.id, "start", actor.userId);
        if (current === "IN_PROGRESS") current = await transition(tx, task.id, "submit", actor.userId);
        return { message, status: current };
      });
      await chat.broadcast(message);
      push({ ...task, status }, task.coachProfile.userId, "submitted", actor.userId);
      const client = await zoneOf(task.clientId);
      await tell(
        task.tenantId,
        task.coachProfile.userId,
        "task.reflection",
        task.id,
        `${client.name} submitted a reflection: ${task.title}`,
        text.slice(0, 280),
      );
      return { message, status };
    },

    /** The coach's feedback, a FEEDBACK message in the task thread (any status; no status change). */
    async feedback(actor: Actor, input: { taskId: string; text: string; clientMessageId?: string }) {
      const { task, isCoach } = await participant(actor, input.taskId);
      if (!isCoach) throw forbidden("Only the coach gives feedback.");
      const text = input.text.trim();
      if (!text) throw bad("text", "Write your feedback.");
      if (text.length > REFLECTION_MAX_CHARS)
        throw bad("text", `Feedback is at most ${REFLECTION_MAX_CHARS.toLocaleString("en-GB")} characters.`);
      const message = await chat.post(actor, {
        threadId: task.threadId,
        kind: "FEEDBACK",
        text,
        clientMessageId: input.clientMessageId,
      });
      await chat.broadcast(message);
      push(task, actor.userId, "feedback", actor.userId);
      await tell(
        task.tenantId,
        task.clientId,
        "task.feedback",
        task.id,
        `Feedback from ${task.coachProfile.displayName}: ${task.title}`,
        text.slice(0, 280),
      );
      return { message };
    },

    /** Coach: SUBMITTED → REVIEWED. A reviewed library exercise counts once as the client's ExerciseCompletion. */
    async review(actor: Actor, taskId: string) {
      return service.change(actor, taskId, "review");
    },
    /** REVIEWED → DONE, by either side. */
    async complete(actor: Actor, taskId: string) {
      return service.change(actor, taskId, "done");
    },
    /** Coach: SUBMITTED | REVIEWED | DONE → IN_PROGRESS. */
    async reopen(actor: Actor, taskId: string) {
      return service.change(actor, taskId, "reopen");
    },

    async change(actor: Actor, taskId: string, change: "review" | "done" | "reopen") {
      const { task, isClient, isCoach } = await participant(actor, taskId);
      const by = TRANSITIONS[change].by;
      if ((by === "coach" && !isCoach) || (by === "client" && !isClient))
        throw forbidden(by === "coach" ? "Only the coach does that." : "Only the client does that.");
      const status = await db.$transaction(async (tx) => {
        const to = await transition(tx, task.id, change, actor.userId);
        if (change === "review" && task.exerciseId)
          await tx.exerciseCompletion.createMany({
            data: [
              {
                tenantId: task.tenantId,
                userId: task.clientId,
                title: task.title,
                taskId: task.id,
                completedAt: now(),
              },
            ],
            skipDuplicates: true,
          });
        return to;
      });
      push(
        { ...task, status },
        task.coachProfile.userId,
        change === "review" ? "reviewed" : change === "done" ? "done" : "reopened",
        actor.userId,
      );
      return { status };
    },

    /** The coach's "next step": a follow-up task for the same client (and goal), in one call. */
    async proposeNext(
      actor: Actor,
      input: { taskId: string; title: string; instructions?: string; dueOn: string; exerciseId?: string | null },
    ) {
      const { task, isCoach } = await participant(actor, input.taskId);
      if (!isCoach) throw forbidden("Only the coach proposes next steps.");
      return service.assign(actor, {
        clientId: task.clientId,
        exerciseId: input.exerciseId ?? null,
        title: input.title,
        instructions: input.instructions ?? "",
        dueOn: input.dueOn,
        goalId: task.goalId,
        followUpOfId: task.id,
      });
    },

    /** Job: "due tomorrow" for an open task whose due day has not moved, in the client's zone. */
    async sendDueReminder(taskId: string, dueOn: string) {
      const task = await db.task.findUnique({ where: { id: taskId }, select: taskSelect });
      if (!task || dateToDay(task.dueOn) !== dueOn) return { sent: false };
      if (task.status !== "ASSIGNED" && task.status !== "IN_PROGRESS") return { sent: false };
      const { timeZone } = await zoneOf(task.clientId);
      const today = dayIn(now(), timeZone);
      // Only on the day before the due day, on the client's calendar (a late job does not say "tomorrow" on the day).
      if (today !== addDays(dueOn, -1)) return { sent: false };
      await tell(
        task.tenantId,
        task.clientId,
        "task.due",
        task.id,
        `Due tomorrow: ${task.title}`,
        `Your task from ${(await coachNames([task.coachProfileId])).get(task.coachProfileId) ?? "your coach"} is due on ${dueOn} (${timeZone}).`,
      );
      return { sent: true };
    },
  };
  return service;
}

export type TaskService = ReturnType<typeof createTaskService>;
