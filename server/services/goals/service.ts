import { AppError, forbidden, notFound } from "@server/errors.ts";
import type { Actor } from "@server/policies/coaching.ts";
import type { ConsentService } from "../consent/service.ts";
import type { ServiceDeps } from "../deps.ts";
import { dateColumn, dayIn, dayOf } from "../journal/day.ts";
import type { NotificationService } from "../notifications/service.ts";

type GoalRow = {
  id: string;
  clientId: string;
  coachProfileId: string | null;
  title: string;
  description: string;
  targetDate: Date | null;
  status: "ACTIVE" | "CLAIMED" | "REACHED" | "ABANDONED";
  claimedAt: Date | null;
  reachedAt: Date | null;
  confirmedByCoachId: string | null;
  createdAt: Date;
  milestones: { id: string; title: string; targetDate: Date | null; doneAt: Date | null; position: number }[];
};

export const MAX_MILESTONES = 20;

/**
 * A client's goals and their milestones. The client writes them (alone or naming a coach they
 * have); progress is the share of milestones done. A goal is REACHED when the client claims it
 * and a coach with the client's goals consent confirms it; the confirming coach's relationship
 * then gets `goalReachedAt` (the certification rule). A coach reads goals only through the
 * consent gate, one access-log row per read.
 */
export function createGoalsService(
  deps: ServiceDeps,
  { consent, notifications }: { consent: Pick<ConsentService, "readGuard">; notifications: NotificationService },
) {
  const { db, now } = deps;
  const include = { milestones: { orderBy: [{ position: "asc" as const }, { createdAt: "asc" as const }] } };

  function view(g: GoalRow, coachNames: Map<string, string>) {
    const total = g.milestones.length;
    const done = g.milestones.filter((m) => m.doneAt).length;
    const percent = g.status === "REACHED" ? 100 : total ? Math.round((done / total) * 100) : 0;
    return {
      id: g.id,
      clientId: g.clientId,
      title: g.title,
      description: g.description,
      targetDate: g.targetDate ? dayOf(g.targetDate) : null,
      status: g.status,
      claimedAt: g.claimedAt,
      reachedAt: g.reachedAt,
      coach: g.coachProfileId
        ? { profileId: g.coachProfileId, name: coachNames.get(g.coachProfileId) ?? "Coach" }
        : null,
      confirmedBy: g.confirmedByCoachId ? (coachNames.get(g.confirmedByCoachId) ?? "Coach") : null,
      progress: { done, total, percent },
      milestones: g.milestones.map((m) => ({
        id: m.id,
        title: m.title,
        targetDate: m.targetDate ? dayOf(m.targetDate) : null,
        doneAt: m.doneAt,
      })),
    };
  }

  async function views(rows: GoalRow[]) {
    const ids = [...new Set(rows.flatMap((g) => [g.coachProfileId, g.confirmedByCoachId]).filter(Boolean))] as string[];
    const coaches = await db.coachProfile.findMany({
      where: { id: { in: ids } },
      select: { id: true, displayName: true },
    });
    const names = new Map(coaches.map((c) => [c.id, c.displayName]));
    return rows.map((g) => view(g, names));
  }

  async function todayOf(userId: string) {
    const u = await db.user.findUniqueOrThrow({ where: { id: userId }, select: { timeZone: true } });
    return dayIn(now(), u.timeZone || "UTC");
  }

  function checkDates(today: string, dates: { field: string; value: string | null | undefined }[]) {
    const errors: Record<string, string[]> = {};
    for (const d of dates) {
      if (d.value && d.value < today) errors[d.field] = ["Choose today or a later date."];
    }
    if (Object.keys(errors).length) throw new AppError("BAD_REQUEST", "A target date cannot be in the past.", errors);
  }

  /** The client's own goal (NOT_FOUND for anyone else, also across tenants). */
  async function ownGoal(actor: Actor, goalId: string) {
    const goal = await db.goal.findFirst({ where: { id: goalId, tenantId: actor.tenantId }, include });
    if (!goal || goal.clientId !== actor.userId) throw notFound("That goal");
    return goal as GoalRow;
  }

  function requireOpen(goal: GoalRow) {
    if (goal.status === "REACHED" || goal.status === "ABANDONED")
      throw new AppError(
        "CONFLICT",
        `This goal is ${goal.status === "REACHED" ? "reached" : "abandoned"}; it cannot change.`,
      );
  }

  /** Coaches who may confirm: the goal's coach if named, else every coach the client shares goals with. */
  async function confirmingCoaches(tenantId: string, goal: GoalRow) {
    const consents = await db.dataConsent.findMany({
      where: {
        tenantId,
        clientId: goal.clientId,
        goals: true,
        ...(goal.coachProfileId ? { coachProfileId: goal.coachProfileId } : {}),
      },
      select: { coachProfileId: true },
    });
    const live = await db.coachingRelationship.findMany({
      where: {
        tenantId,
        clientId: goal.clientId,
        status: { not: "ENDED" },
        coachProfileId: { in: consents.map((c) => c.coachProfileId) },
      },
      select: { coachProfile: { select: { userId: true } } },
    });
    return live.map((r) => r.coachProfile.userId);
  }

  return {
    async create(
      actor: Actor,
      input: {
        title: string;
        description: string;
        targetDate: string | null;
        coachProfileId: string | null;
        milestones: { title: string; targetDate: string | null }[];
      },
    ) {
      const today = await todayOf(actor.userId);
      checkDates(today, [
        { field: "targetDate", value: input.targetDate },
        ...input.milestones.map((m, i) => ({ field: `milestones.${i}.targetDate`, value: m.targetDate })),
      ]);
      if (input.coachProfileId) {
        const rel = await db.coachingRelationship.findFirst({
          where: {
            tenantId: actor.tenantId,
            coachProfileId: input.coachProfileId,
            clientId: actor.userId,
            status: { not: "ENDED" },
          },
          select: { id: true },
        });
        if (!rel)
          throw new AppError("BAD_REQUEST", "Choose one of your coaches, or none.", {
            coachProfileId: ["Choose one of your coaches, or none."],
          });
      }
      const goal = await db.goal.create({
        data: {
          tenantId: actor.tenantId,
          clientId: actor.userId,
          coachProfileId: input.coachProfileId,
          title: input.title,
          description: input.description,
          targetDate: input.targetDate ? dateColumn(input.targetDate) : null,
          createdById: actor.userId,
          milestones: {
            create: input.milestones.map((m, position) => ({
              tenantId: actor.tenantId,
              title: m.title,
              targetDate: m.targetDate ? dateColumn(m.targetDate) : null,
              position,
            })),
          },
        },
        include,
      });
      return (await views([goal as GoalRow]))[0]!;
    },

    async update(
      actor: Actor,
      input: { goalId: string; title: string; description: string; targetDate: string | null },
    ) {
      const goal = await ownGoal(actor, input.goalId);
      requireOpen(goal);
      if (input.targetDate && input.targetDate !== (goal.targetDate ? dayOf(goal.targetDate) : null))
        checkDates(await todayOf(actor.userId), [{ field: "targetDate", value: input.targetDate }]);
      const updated = await db.goal.update({
        where: { id: goal.id },
        data: {
          title: input.title,
          description: input.description,
          targetDate: input.targetDate ? dateColumn(input.targetDate) : null,
        },
        include,
      });
      return (await views([updated as GoalRow]))[0]!;
    },

    async addMilestone(actor: Actor, input: { goalId: string; title: string; targetDate: string | null }) {
      const goal = await ownGoal(actor, input.goalId);
      requireOpen(goal);
      if (goal.milestones.length >= MAX_MILESTONES)
        throw new AppError("BAD_REQUEST", `A goal has at most ${MAX_MILESTONES} milestones.`, {
          title: [`At most ${MAX_MILESTONES} milestones.`],
        });
      checkDates(await todayOf(actor.userId), [{ field: "targetDate", value: input.targetDate }]);
      await db.milestone.create({
        data: {
          tenantId: actor.tenantId,
          goalId: goal.id,
          title: input.title,
          targetDate: input.targetDate ? dateColumn(input.targetDate) : null,
          position: goal.milestones.length,
        },
      });
      return { ok: true };
    },

    async setMilestoneDone(actor: Actor, input: { milestoneId: string; done: boolean }) {
      const m = await db.milestone.findFirst({
        where: { id: input.milestoneId, tenantId: actor.tenantId },
        select: { id: true, goalId: true },
      });
      if (!m) throw notFound("That milestone");
      const goal = await ownGoal(actor, m.goalId).catch(() => {
        throw notFound("That milestone");
      });
      requireOpen(goal);
      await db.milestone.update({ where: { id: m.id }, data: { doneAt: input.done ? now() : null } });
      return { ok: true };
    },

    async removeMilestone(actor: Actor, input: { milestoneId: string }) {
      const m = await db.milestone.findFirst({
        where: { id: input.milestoneId, tenantId: actor.tenantId },
        select: { id: true, goalId: true },
      });
      if (!m) throw notFound("That milestone");
      const goal = await ownGoal(actor, m.goalId).catch(() => {
        throw notFound("That milestone");
      });
      requireOpen(goal);
      await db.milestone.delete({ where: { id: m.id } });
      return { ok: true };
    },

    /** The client says the goal is reached; a coach with goals consent confirms it. */
    async claim(actor: Actor, input: { goalId: string }) {
      const goal = await ownGoal(actor, input.goalId);
      if (goal.status !== "ACTIVE")
        throw new AppError(
          "CONFLICT",
          goal.status === "CLAIMED"
            ? "You have already marked this goal as reached."
            : "This goal cannot be claimed now.",
        );
      const coaches = await confirmingCoaches(actor.tenantId, goal);
      if (coaches.length === 0)
        throw new AppError(
          "PRECONDITION_FAILED",
          "A coach confirms a reached goal: share your goals with your coach on the privacy page first.",
        );
      await db.goal.updateMany({
        where: { id: goal.id, status: "ACTIVE" },
        data: { status: "CLAIMED", claimedAt: now() },
      });
      const client = await db.user.findUniqueOrThrow({ where: { id: actor.userId }, select: { name: true } });
      for (const userId of coaches) {
        await notifications.notify({
          tenantId: actor.tenantId,
          userId,
          kind: "goal.claimed",
          title: `${client.name} reached a goal`,
          body: `"${goal.title}": confirm it on their page.`,
          link: `/coaching/clients/${actor.userId}`,
          coalesce: true,
        });
      }
      return { status: "CLAIMED" as const };
    },

    /** The client takes a claim back, or gives a goal up. */
    async setStatus(actor: Actor, input: { goalId: string; status: "ACTIVE" | "ABANDONED" }) {
      const goal = await ownGoal(actor, input.goalId);
      requireOpen(goal);
      await db.goal.update({ where: { id: goal.id }, data: { status: input.status, claimedAt: null } });
      return { status: input.status };
    },

    /**
     * A coach with the client's goals consent confirms a claimed goal: REACHED, and the coach's
     * relationship with the client records its first reached goal (certification).
     */
    async confirm(actor: Actor, input: { goalId: string }) {
      const goal = (await db.goal.findFirst({
        where: { id: input.goalId, tenantId: actor.tenantId },
        include,
      })) as GoalRow | null;
      if (!goal) throw notFound("That goal");
      if (goal.clientId === actor.userId) throw forbidden("Your coach confirms your goal, not you.");
      const guard = await consent.readGuard({
        tenantId: actor.tenantId,
        viewerUserId: actor.userId,
        clientId: goal.clientId,
        resource: "GOALS",
        detail: `goal "${goal.title.slice(0, 80)}" (confirming it reached)`,
      });
      const rel = guard.relationship!;
      if (goal.coachProfileId && goal.coachProfileId !== rel.coachProfileId)
        throw forbidden("This goal was set with another coach; they confirm it.");
      if (goal.status !== "CLAIMED")
        throw new AppError("CONFLICT", "Only a goal your client has marked as reached can be confirmed.");
      const at = now();
      await db.$transaction(async (tx) => {
        const { count } = await tx.goal.updateMany({
          where: { id: goal.id, status: "CLAIMED" },
          data: { status: "REACHED", reachedAt: at, confirmedByCoachId: rel.coachProfileId },
        });
        if (count === 0) throw new AppError("CONFLICT", "This goal was just changed; reload and try again.");
        await tx.coachingRelationship.updateMany({
          where: { id: rel.id, goalReachedAt: null },
          data: { goalReachedAt: at },
        });
      });
      const coach = await db.coachProfile.findUniqueOrThrow({
        where: { id: rel.coachProfileId },
        select: { displayName: true },
      });
      await notifications.notify({
        tenantId: actor.tenantId,
        userId: goal.clientId,
        kind: "goal.reached",
        title: `${coach.displayName} confirmed your goal`,
        body: `"${goal.title}" is reached. Well done!`,
        link: "/goals",
        coalesce: true,
      });
      return { status: "REACHED" as const };
    },

    /** The client's own goals with milestones and progress. */
    async mine(actor: Actor) {
      const rows = await db.goal.findMany({
        where: { tenantId: actor.tenantId, clientId: actor.userId },
        include,
        orderBy: [{ status: "asc" }, { createdAt: "desc" }],
      });
      return views(rows as GoalRow[]);
    },

    /** One goal: the client's own, or a coach's read through the consent gate (one log row). */
    async get(actor: Actor, input: { goalId: string }) {
      const goal = (await db.goal.findFirst({
        where: { id: input.goalId, tenantId: actor.tenantId },
        include,
      })) as GoalRow | null;
      if (!goal) throw notFound("That goal");
      if (goal.clientId !== actor.userId)
        await consent.readGuard({
          tenantId: actor.tenantId,
          viewerUserId: actor.userId,
          clientId: goal.clientId,
          resource: "GOALS",
          detail: `goal "${goal.title.slice(0, 80)}"`,
        });
      return (await views([goal]))[0]!;
    },

    /** A client's goals for their coach: consent-gated, one access-log row per read. */
    async forClient(actor: Actor, input: { clientId: string }) {
      await consent.readGuard({
        tenantId: actor.tenantId,
        viewerUserId: actor.userId,
        clientId: input.clientId,
        resource: "GOALS",
        detail: "goals and milestones",
      });
      const rows = await db.goal.findMany({
        where: { tenantId: actor.tenantId, clientId: input.clientId, status: { not: "ABANDONED" } },
        include,
        orderBy: [{ status: "asc" }, { createdAt: "desc" }],
      });
      return views(rows as GoalRow[]);
    },
  };
}

export type GoalsService = ReturnType<typeof createGoalsService>;
