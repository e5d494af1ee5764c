import type { DataResource } from "@server/db/generated/enums.ts";
import { AppError, forbidden, notFound } from "@server/errors.ts";
import { canReadClientData } from "@server/policies/client-data.ts";
import type { Actor } from "@server/policies/coaching.ts";
import type { ServiceDeps } from "../deps.ts";
import type { NotificationService } from "../notifications/service.ts";

/**
 * What each client lets each coach see (DataConsent: journal and goals switches, off until the
 * client answers), the history of those answers (DataConsentChange) and the append-only access
 * log (DataAccessLog). `readGuard` is the one gate every service that returns a client's
 * journal, goals or task logs goes through: it asks the client-data policy and appends exactly
 * one log row for an allowed read by anyone but the client, or refuses.
 */
export function createConsentService(deps: ServiceDeps, { notifications }: { notifications: NotificationService }) {
  const { db, realtime, log } = deps;

  async function relationshipOf(tenantId: string, coachProfileId: string, clientId: string) {
    return db.coachingRelationship.findFirst({
      where: { tenantId, coachProfileId, clientId },
      select: { id: true, status: true, coachProfileId: true, clientId: true },
    });
  }

  async function coachInTenant(tenantId: string, coachProfileId: string) {
    const coach = await db.coachProfile.findFirst({
      where: { id: coachProfileId, tenantId },
      select: { id: true, userId: true, displayName: true },
    });
    if (!coach) throw notFound("That coach");
    return coach;
  }

  const view = (c: { journal: boolean; goals: boolean; decidedAt: Date | null } | null) => ({
    journal: c?.journal ?? false,
    goals: c?.goals ?? false,
    decidedAt: c?.decidedAt ?? null,
  });

  return {
    /** The client's consent for one coach (the client, or that coach about their own client). */
    async get(actor: Actor, input: { coachProfileId: string; clientId?: string }) {
      const coach = await coachInTenant(actor.tenantId, input.coachProfileId);
      const clientId = input.clientId ?? actor.userId;
      if (actor.userId !== clientId && actor.userId !== coach.userId) throw notFound("That consent");
      const relationship = await relationshipOf(actor.tenantId, coach.id, clientId);
      if (!relationship) throw notFound("That consent");
      const row = await db.dataConsent.findUnique({
        where: { coachProfileId_clientId: { coachProfileId: coach.id, clientId } },
      });
      return { coachProfileId: coach.id, coachName: coach.displayName, clientId, ...view(row) };
    },

    /** Every coach the client has (or had) a relationship with, and what each may see: the privacy page. */
    async mine(actor: Actor) {
      const rows = await db.coachingRelationship.findMany({
        where: { tenantId: actor.tenantId, clientId: actor.userId },
        include: { coachProfile: { select: { id: true, displayName: true } } },
        orderBy: [{ status: "asc" }, { startedAt: "desc" }],
      });
      const consents = await db.dataConsent.findMany({ where: { tenantId: actor.tenantId, clientId: actor.userId } });
      const by = new Map(consents.map((c) => [c.coachProfileId, c]));
      return rows.map((r) => ({
        coachProfileId: r.coachProfile.id,
        coachName: r.coachProfile.displayName,
        relationshipStatus: r.status,
        ...view(by.get(r.coachProfileId) ?? null),
      }));
    },

    /**
     * The client decides what one coach may see. Takes effect at once: reads check the row on
     * every call, and the coach's open pages and sockets are told (`consent:changed`).
     */
    async update(actor: Actor, input: { coachProfileId: string; journal: boolean; goals: boolean }) {
      const coach = await coachInTenant(actor.tenantId, input.coachProfileId);
      const relationship = await relationshipOf(actor.tenantId, coach.id, actor.userId);
      if (!relationship) throw forbidden(`${coach.displayName} is not your coach.`);
      const { before, after } = await db.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`consent:${coach.id}:${actor.userId}`}, 0))`;
        const before = await tx.dataConsent.findUnique({
          where: { coachProfileId_clientId: { coachProfileId: coach.id, clientId: actor.userId } },
        });
        const after = await tx.dataConsent.upsert({
          where: { coachProfileId_clientId: { coachProfileId: coach.id, clientId: actor.userId } },
          create: {
            tenantId: actor.tenantId,
            clientId: actor.userId,
            coachProfileId: coach.id,
            journal: input.journal,
            goals: input.goals,
            decidedAt: deps.now(),
          },
          update: { journal: input.journal, goals: input.goals, decidedAt: deps.now() },
        });
        await tx.dataConsentChange.create({
          data: {
            tenantId: actor.tenantId,
            clientId: actor.userId,
            coachProfileId: coach.id,
            journal: input.journal,
            goals: input.goals,
          },
        });
        return { before, after };
      });
      const changed = before?.journal !== after.journal || before?.goals !== after.goals;
      realtime.emitToUser(coach.userId, "consent:changed", {
        clientId: actor.userId,
        coachProfileId: coach.id,
        journal: after.journal,
        goals: after.goals,
      });
      if (changed || before?.decidedAt == null) {
        const client = await db.user.findUniqueOrThrow({ where: { id: actor.userId }, select: { name: true } });
        const shared = [after.journal && "journal", after.goals && "goals"].filter(Boolean) as string[];
        const revoked = (before?.journal === true && !after.journal) || (before?.goals === true && !after.goals);
        const body = shared.length
          ? `${client.name} now shares their ${shared.join(" and ")} with you.`
          : `${client.name} does not share their journal or goals with you.`;
        try {
          // A revocation is also mailed: a coach who relied on the data must know even when offline.
          // Other changes (a client trying the switches) are one unread notice at a time.
          await notifications.notify({
            tenantId: actor.tenantId,
            userId: coach.userId,
            kind: "consent.changed",
            title: `${client.name} changed what you may see`,
            body,
            link: `/coaching/clients/${actor.userId}`,
            ...(revoked ? { email: true } : { coalesce: true }),
          });
        } catch (error) {
          log.error("consent: could not notify the coach", { error: String(error) });
        }
      }
      return { coachProfileId: coach.id, ...view(after) };
    },

    /** The answers a client gave, newest first (the client; or the coach, about their own client). */
    async history(actor: Actor, input: { coachProfileId?: string; clientId?: string }) {
      let clientId = actor.userId;
      let coachProfileId = input.coachProfileId;
      if (input.clientId && input.clientId !== actor.userId) {
        const own = await db.coachProfile.findUnique({
          where: { tenantId_userId: { tenantId: actor.tenantId, userId: actor.userId } },
          select: { id: true },
        });
        if (!own || !(await relationshipOf(actor.tenantId, own.id, input.clientId))) throw notFound("That client");
        clientId = input.clientId;
        coachProfileId = own.id;
      }
      const rows = await db.dataConsentChange.findMany({
        where: { tenantId: actor.tenantId, clientId, ...(coachProfileId ? { coachProfileId } : {}) },
        orderBy: { createdAt: "desc" },
        take: 100,
      });
      const names = new Map(
        (
          await db.coachProfile.findMany({
            where: { id: { in: [...new Set(rows.map((r) => r.coachProfileId))] } },
            select: { id: true, displayName: true },
          })
        ).map((c) => [c.id, c.displayName]),
      );
      return rows.map((r) => ({
        id: r.id,
        coachProfileId: r.coachProfileId,
        coachName: names.get(r.coachProfileId) ?? "Coach",
        journal: r.journal,
        goals: r.goals,
        at: r.createdAt,
      }));
    },

    /** Who read the client's journal, goals or task logs, and when: the client's own log, newest first. */
    async accessLog(actor: Actor, input: { limit?: number } = {}) {
      const rows = await db.dataAccessLog.findMany({
        where: { tenantId: actor.tenantId, clientId: actor.userId },
        orderBy: { createdAt: "desc" },
        take: Math.min(Math.max(input.limit ?? 100, 1), 500),
      });
      const viewers = await db.user.findMany({
        where: { id: { in: [...new Set(rows.map((r) => r.viewerId))] } },
        select: { id: true, name: true },
      });
      const coachNames = await db.coachProfile.findMany({
        where: { tenantId: actor.tenantId, userId: { in: viewers.map((v) => v.id) } },
        select: { userId: true, displayName: true },
      });
      const name = new Map([
        ...viewers.map((v) => [v.id, v.name] as const),
        ...coachNames.map((c) => [c.userId, c.displayName] as const),
      ]);
      return rows.map((r) => ({
        id: r.id,
        viewerId: r.viewerId,
        viewerName: name.get(r.viewerId) ?? "Someone",
        resource: r.resource,
        detail: r.detail,
        at: r.createdAt,
      }));
    },

    /**
     * The gate before returning a client's data: asks the policy and, for an allowed read by
     * anyone but the client, appends exactly one DataAccessLog row; otherwise FORBIDDEN.
     * `assigningCoach`: the viewer assigned the task whose logs are read (TASK_LOGS).
     */
    async readGuard(input: {
      tenantId: string;
      viewerUserId: string;
      clientId: string;
      resource: DataResource;
      detail: string;
      assigningCoach?: boolean;
    }) {
      const [membership, coach] = await Promise.all([
        db.membership.findUnique({
          where: { tenantId_userId: { tenantId: input.tenantId, userId: input.viewerUserId } },
          select: { role: true },
        }),
        input.viewerUserId === input.clientId
          ? null
          : db.coachProfile.findUnique({
              where: { tenantId_userId: { tenantId: input.tenantId, userId: input.viewerUserId } },
              select: { id: true },
            }),
      ]);
      if (!membership) throw forbidden("You are not a member of this organisation.");
      // Task logs are decided by who assigned the task: the relationship and the switches are not read.
      const [relationship, consent] =
        coach && input.resource !== "TASK_LOGS"
          ? await Promise.all([
              relationshipOf(input.tenantId, coach.id, input.clientId),
              db.dataConsent.findUnique({
                where: { coachProfileId_clientId: { coachProfileId: coach.id, clientId: input.clientId } },
                select: { journal: true, goals: true },
              }),
            ])
          : [null, null];
      const decision = canReadClientData({
        viewer: { userId: input.viewerUserId, role: membership.role, coachProfileId: coach?.id ?? null },
        clientId: input.clientId,
        resource: input.resource,
        relationship,
        consent,
        assigningCoach: input.assigningCoach,
      });
      if (!decision.allowed) throw new AppError("FORBIDDEN", decision.reason ?? "You may not see this.");
      if (decision.audit) {
        await db.dataAccessLog.create({
          data: {
            tenantId: input.tenantId,
            clientId: input.clientId,
            viewerId: input.viewerUserId,
            resource: input.resource,
            detail: input.detail.slice(0, 500),
          },
        });
      }
      return { relationship, consent: consent ?? { journal: false, goals: false }, audited: decision.audit };
    },
  };
}

export type ConsentService = ReturnType<typeof createConsentService>;
