import { constraintOf, isUniqueViolation } from "@server/db/constraint-errors.ts";
import type { RelationshipOrigin, RelationshipStatus } from "@server/db/generated/enums.ts";
import { AppError, forbidden, notFound } from "@server/errors.ts";
import { type Actor, isCoachRole } from "@server/policies/coaching.ts";
import type { createChatService } from "../chat/service.ts";
import type { ServiceDeps } from "../deps.ts";
import { noteContext } from "../session-notes/service.ts";
import type { NotificationService } from "../notifications/service.ts";

type ChatService = Pick<ReturnType<typeof createChatService>, "createThread">;

/** The capacity trigger (`relationship_capacity`, a check violation) refused a place. */
export function isCapacityError(error: unknown): boolean {
  const violation = constraintOf(error);
  if (violation?.constraint === "relationship_capacity") return true;
  // Where the driver does not carry the trigger's constraint name, its message says it.
  return (
    violation?.kind === "check" && /no free place/.test(JSON.stringify(error, Object.getOwnPropertyNames(error ?? {})))
  );
}

/** The message for whoever hits a coach's capacity. */
export const capacityMessage = (coachName: string) =>
  `${coachName} has no free place right now: they already coach as many clients as this organisation allows. ` +
  "A place opens when one of their coaching relationships ends.";

/**
 * Coach–client relationships ("My coach", "My clients"): ACTIVE, PAUSED or ENDED with every
 * change in RelationshipEvent. One starts on a client's first confirmed booking of a coach or
 * when a member accepts a coach's invitation; each has one DIRECT thread (coach + client) and a
 * consent row (off until the client answers). The `relationship_capacity` trigger keeps a
 * coach's ACTIVE + PAUSED relationships within the tenant's capacity under any concurrency.
 */
export function createRelationshipsService(
  deps: ServiceDeps,
  { chat, notifications }: { chat: ChatService; notifications: NotificationService },
) {
  const { db, now, log, keyring } = deps;

  async function ownCoachProfile(actor: Actor) {
    const profile = await db.coachProfile.findUnique({
      where: { tenantId_userId: { tenantId: actor.tenantId, userId: actor.userId } },
      select: { id: true, userId: true, displayName: true, status: true },
    });
    if (!profile || !isCoachRole(actor.role)) throw forbidden("Only coaches have clients.");
    return profile;
  }

  async function coachOf(tenantId: string, coachProfileId: string) {
    const coach = await db.coachProfile.findFirst({
      where: { id: coachProfileId, tenantId },
      select: { id: true, userId: true, displayName: true, status: true },
    });
    if (!coach) throw notFound("That coach");
    return coach;
  }

  async function capacityOf(tenantId: string, coachProfileId: string) {
    const [tenant, taken] = await Promise.all([
      db.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { coachClientCapacity: true } }),
      db.coachingRelationship.count({ where: { coachProfileId, status: { not: "ENDED" } } }),
    ]);
    return { capacity: tenant.coachClientCapacity, taken };
  }

  /**
   * Starts (or restarts, from ENDED) the relationship of a coach and a client in one
   * transaction: the row (the trigger checks capacity), its DIRECT thread, its first event and
   * a consent row that is off until the client answers. A capacity refusal is an AppError with
   * the coach's name; a concurrent start of the same pair returns the row the other made.
   */
  async function start(input: {
    tenantId: string;
    coach: { id: string; userId: string; displayName: string };
    clientId: string;
    origin: RelationshipOrigin;
    byUserId: string | null;
  }): Promise<{ id: string; threadId: string | null; started: boolean }> {
    const { tenantId, coach, clientId } = input;
    if (coach.userId === clientId) throw new AppError("BAD_REQUEST", "A coach cannot be their own client.");
    try {
      return await db.$transaction(async (tx) => {
        const existing = await tx.coachingRelationship.findUnique({
          where: { coachProfileId_clientId: { coachProfileId: coach.id, clientId } },
          select: { id: true, status: true, threadId: true },
        });
        if (existing && existing.status !== "ENDED")
          return { id: existing.id, threadId: existing.threadId, started: false };
        let threadId = existing?.threadId ?? null;
        if (!threadId) {
          ({ threadId } = await chat.createThread(
            {
              tenantId,
              kind: "DIRECT",
              members: [
                { userId: coach.userId, role: "coach" },
                { userId: clientId, role: "client" },
              ],
            },
            tx,
          ));
        }
        const row = existing
          ? await tx.coachingRelationship.update({
              where: { id: existing.id },
              data: { status: "ACTIVE", startedAt: now(), endedAt: null, origin: input.origin, threadId },
              select: { id: true, threadId: true },
            })
          : await tx.coachingRelationship.create({
              data: { tenantId, coachProfileId: coach.id, clientId, origin: input.origin, threadId, startedAt: now() },
              select: { id: true, threadId: true },
            });
        await tx.relationshipEvent.create({
          data: {
            tenantId,
            relationshipId: row.id,
            status: "ACTIVE",
            byUserId: input.byUserId,
            reason: existing ? "restarted" : `started by ${input.origin.toLowerCase()}`,
          },
        });
        await tx.dataConsent.upsert({
          where: { coachProfileId_clientId: { coachProfileId: coach.id, clientId } },
          create: { tenantId, clientId, coachProfileId: coach.id },
          update: {},
        });
        return { id: row.id, threadId: row.threadId, started: true };
      });
    } catch (error) {
      if (isCapacityError(error)) throw new AppError("CONFLICT", capacityMessage(coach.displayName));
      if (isUniqueViolation(error)) {
        const row = await db.coachingRelationship.findUnique({
          where: { coachProfileId_clientId: { coachProfileId: coach.id, clientId } },
          select: { id: true, threadId: true, status: true },
        });
        if (row && row.status !== "ENDED") return { id: row.id, threadId: row.threadId, started: false };
      }
      throw error;
    }
  }

  async function askForConsent(tenantId: string, clientId: string, coachName: string) {
    await notifications.notify({
      tenantId,
      userId: clientId,
      kind: "relationship.started",
      title: `${coachName} is now your coach`,
      body: `Choose what ${coachName} may see of your journal and goals. Nothing is shared until you decide.`,
      link: "/my-coach",
      coalesce: true,
    });
  }

  /** A relationship the actor is the coach or the client of (NOT_FOUND otherwise, also across tenants). */
  async function partyOf(actor: Actor, relationshipId: string) {
    const row = await db.coachingRelationship.findFirst({
      where: { id: relationshipId, tenantId: actor.tenantId },
      include: { coachProfile: { select: { id: true, userId: true, displayName: true } } },
    });
    if (!row || (row.clientId !== actor.userId && row.coachProfile.userId !== actor.userId))
      throw notFound("That coaching relationship");
    return { row, asCoach: row.coachProfile.userId === actor.userId };
  }

  /** Compare-and-set of the status, with its event and a notice to the other person. */
  async function move(
    actor: Actor,
    input: { relationshipId: string; reason?: string },
    from: RelationshipStatus[],
    to: RelationshipStatus,
  ) {
    const { row, asCoach } = await partyOf(actor, input.relationshipId);
    if (!from.includes(row.status)) {
      const now = { ACTIVE: "active", PAUSED: "paused", ENDED: "ended" }[row.status];
      throw new AppError("CONFLICT", `This coaching relationship is ${now}; it cannot be ${to.toLowerCase()} now.`);
    }
    const reason = (input.reason ?? "").trim();
    try {
      await db.$transaction(async (tx) => {
        const { count } = await tx.coachingRelationship.updateMany({
          where: { id: row.id, status: row.status },
          data: { status: to, endedAt: to === "ENDED" ? now() : row.endedAt },
        });
        if (count === 0) throw new AppError("CONFLICT", "This relationship was just changed; reload and try again.");
        await tx.relationshipEvent.create({
          data: { tenantId: row.tenantId, relationshipId: row.id, status: to, byUserId: actor.userId, reason },
        });
      });
    } catch (error) {
      if (isCapacityError(error)) throw new AppError("CONFLICT", capacityMessage(row.coachProfile.displayName));
      throw error;
    }
    const client = await db.user.findUnique({ where: { id: row.clientId }, select: { name: true } });
    const verb = { ACTIVE: "resumed", PAUSED: "paused", ENDED: "ended" }[to];
    await notifications.notify({
      tenantId: row.tenantId,
      userId: asCoach ? row.clientId : row.coachProfile.userId,
      kind: `relationship.${verb}`,
      title: asCoach
        ? `${row.coachProfile.displayName} ${verb} your coaching`
        : `${client?.name ?? "Your client"} ${verb} your coaching`,
      body: reason ? `Reason: ${reason}` : "",
      link: asCoach ? "/my-coach" : `/coaching/clients/${row.clientId}`,
      coalesce: true,
    });
    return { id: row.id, status: to };
  }

  /** One relationship with its history, for its coach or client. */
  async function get(actor: Actor, input: { relationshipId: string }) {
    const { row, asCoach } = await partyOf(actor, input.relationshipId);
    const [events, consent, client] = await Promise.all([
      db.relationshipEvent.findMany({ where: { relationshipId: row.id }, orderBy: { createdAt: "asc" } }),
      db.dataConsent.findUnique({
        where: { coachProfileId_clientId: { coachProfileId: row.coachProfileId, clientId: row.clientId } },
      }),
      db.user.findUniqueOrThrow({ where: { id: row.clientId }, select: { id: true, name: true } }),
    ]);
    return {
      id: row.id,
      status: row.status,
      origin: row.origin,
      startedAt: row.startedAt,
      endedAt: row.endedAt,
      goalReachedAt: row.goalReachedAt,
      threadId: row.status === "ENDED" ? null : row.threadId,
      viewerIs: asCoach ? ("coach" as const) : ("client" as const),
      coach: { profileId: row.coachProfile.id, userId: row.coachProfile.userId, name: row.coachProfile.displayName },
      client,
      consent: consentView(consent ?? undefined),
      events: events.map((e) => ({ status: e.status, reason: e.reason, byUserId: e.byUserId, at: e.createdAt })),
    };
  }

  const consentView = (c: { journal: boolean; goals: boolean; decidedAt: Date | null } | undefined) => ({
    journal: c?.journal ?? false,
    goals: c?.goals ?? false,
    decidedAt: c?.decidedAt ?? null,
  });

  return {
    /**
     * Called when a booking is first confirmed: starts the relationship of its coach and client
     * unless they already have one (idempotent). A coach at capacity does not stop the booking:
     * the session goes ahead, no relationship starts, and the client is told why (ADR 019).
     */
    async startForBooking(input: { tenantId: string; coachProfileId: string; clientId: string }) {
      const coach = await coachOf(input.tenantId, input.coachProfileId);
      const existing = await db.coachingRelationship.findUnique({
        where: { coachProfileId_clientId: { coachProfileId: coach.id, clientId: input.clientId } },
        select: { id: true, status: true },
      });
      // The first booking starts it; a later booking after the relationship ended does not reopen it.
      if (existing) return { outcome: "EXISTS" as const, relationshipId: existing.id };
      try {
        const r = await start({ ...input, coach, origin: "BOOKING", byUserId: null });
        if (r.started) await askForConsent(input.tenantId, input.clientId, coach.displayName);
        return { outcome: r.started ? ("STARTED" as const) : ("EXISTS" as const), relationshipId: r.id };
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== "CONFLICT" || !isCapacityMessage(error.message)) throw error;
        log.info("relationships: a booking did not start a relationship (coach at capacity)", input);
        await notifications.notify({
          tenantId: input.tenantId,
          userId: input.clientId,
          kind: "relationship.capacity",
          title: `Your session with ${coach.displayName} is booked`,
          body: `${capacityMessage(coach.displayName)} Your session goes ahead as booked; ongoing coaching (shared goals, journal and a direct chat) can start once a place is free.`,
          link: "/my-coach",
          coalesce: true,
        });
        return { outcome: "CAPACITY" as const, relationshipId: null };
      }
    },

    /** A coach invites a member of the organisation (by email) to become their client. */
    async invite(actor: Actor, input: { email: string; message: string }) {
      const coach = await ownCoachProfile(actor);
      if (coach.status !== "APPROVED") throw forbidden("Only approved coaches can invite clients.");
      const member = await db.membership.findFirst({
        where: { tenantId: actor.tenantId, user: { email: input.email.toLowerCase() } },
        select: { userId: true, user: { select: { name: true } } },
      });
      if (!member)
        throw new AppError("BAD_REQUEST", "No member of this organisation has that email address.", {
          email: ["No member of this organisation has that email address."],
        });
      if (member.userId === actor.userId)
        throw new AppError("BAD_REQUEST", "You cannot invite yourself.", { email: ["You cannot invite yourself."] });
      const current = await db.coachingRelationship.findUnique({
        where: { coachProfileId_clientId: { coachProfileId: coach.id, clientId: member.userId } },
        select: { status: true },
      });
      if (current && current.status !== "ENDED")
        throw new AppError("CONFLICT", `${member.user.name} is already your client.`, {
          email: ["Already your client."],
        });
      const { capacity, taken } = await capacityOf(actor.tenantId, coach.id);
      if (taken >= capacity)
        throw new AppError(
          "CONFLICT",
          `You have no free place: you coach ${taken} of ${capacity} clients. End a relationship to invite someone new.`,
        );
      let invitation;
      try {
        invitation = await db.coachInvitation.create({
          data: {
            tenantId: actor.tenantId,
            coachProfileId: coach.id,
            clientId: member.userId,
            message: input.message.trim(),
          },
        });
      } catch (error) {
        if (isUniqueViolation(error))
          throw new AppError("CONFLICT", `${member.user.name} already has an open invitation from you.`, {
            email: ["Already invited."],
          });
        throw error;
      }
      await notifications.notify({
        tenantId: actor.tenantId,
        userId: member.userId,
        kind: "relationship.invitation",
        title: `${coach.displayName} invites you to coaching`,
        body: input.message.trim() || `${coach.displayName} would like to coach you. Accept or decline on "My coach".`,
        link: "/my-coach",
        email: true,
      });
      return { id: invitation.id, clientName: member.user.name };
    },

    /** The invited member accepts (the relationship starts, capacity permitting) or declines. */
    async respondToInvitation(actor: Actor, input: { invitationId: string; accept: boolean }) {
      const invitation = await db.coachInvitation.findFirst({
        where: { id: input.invitationId, tenantId: actor.tenantId, clientId: actor.userId },
      });
      if (!invitation) throw notFound("That invitation");
      if (invitation.status !== "PENDING") throw new AppError("CONFLICT", "This invitation has already been answered.");
      const coach = await coachOf(actor.tenantId, invitation.coachProfileId);
      let relationshipId: string | null = null;
      if (input.accept) {
        if (coach.status !== "APPROVED")
          throw new AppError("CONFLICT", `${coach.displayName} is not coaching right now.`);
        // On a full coach this throws the capacity message and the invitation stays open.
        const r = await start({
          tenantId: actor.tenantId,
          coach,
          clientId: actor.userId,
          origin: "INVITATION",
          byUserId: actor.userId,
        });
        relationshipId = r.id;
      }
      const { count } = await db.coachInvitation.updateMany({
        where: { id: invitation.id, status: "PENDING" },
        data: { status: input.accept ? "ACCEPTED" : "DECLINED", respondedAt: now() },
      });
      if (count === 0) throw new AppError("CONFLICT", "This invitation has already been answered.");
      const client = await db.user.findUniqueOrThrow({ where: { id: actor.userId }, select: { name: true } });
      await notifications.notify({
        tenantId: actor.tenantId,
        userId: coach.userId,
        kind: "relationship.invitation-answered",
        title: input.accept ? `${client.name} accepted your invitation` : `${client.name} declined your invitation`,
        body: input.accept ? `${client.name} is now your client.` : "",
        link: input.accept ? `/coaching/clients/${actor.userId}` : "/coaching/clients",
        email: true,
      });
      return { accepted: input.accept, relationshipId };
    },

    pause: (actor: Actor, input: { relationshipId: string; reason?: string }) =>
      move(actor, input, ["ACTIVE"], "PAUSED"),
    resume: (actor: Actor, input: { relationshipId: string; reason?: string }) =>
      move(actor, input, ["PAUSED"], "ACTIVE"),
    /** Either person ends it; the coach's place is free at once. */
    end: (actor: Actor, input: { relationshipId: string; reason?: string }) =>
      move(actor, input, ["ACTIVE", "PAUSED"], "ENDED"),

    /** "My coach": the client's relationships (current first), consent, and open invitations. */
    async mine(actor: Actor) {
      const [rows, invitations, consents] = await Promise.all([
        db.coachingRelationship.findMany({
          where: { tenantId: actor.tenantId, clientId: actor.userId },
          include: { coachProfile: { select: { id: true, userId: true, displayName: true, photoKey: true } } },
          orderBy: [{ status: "asc" }, { startedAt: "desc" }],
        }),
        db.coachInvitation.findMany({
          where: { tenantId: actor.tenantId, clientId: actor.userId, status: "PENDING" },
          orderBy: { createdAt: "desc" },
        }),
        db.dataConsent.findMany({ where: { tenantId: actor.tenantId, clientId: actor.userId } }),
      ]);
      const coaches = new Map(
        (
          await db.coachProfile.findMany({
            where: { id: { in: invitations.map((i) => i.coachProfileId) }, tenantId: actor.tenantId },
            select: { id: true, displayName: true, photoKey: true },
          })
        ).map((c) => [c.id, c]),
      );
      const consentBy = new Map(consents.map((c) => [c.coachProfileId, c]));
      return {
        relationships: rows.map((r) => ({
          id: r.id,
          status: r.status,
          origin: r.origin,
          startedAt: r.startedAt,
          endedAt: r.endedAt,
          threadId: r.status === "ENDED" ? null : r.threadId,
          coach: {
            profileId: r.coachProfile.id,
            userId: r.coachProfile.userId,
            name: r.coachProfile.displayName,
            photoKey: r.coachProfile.photoKey,
          },
          consent: consentView(consentBy.get(r.coachProfileId)),
        })),
        invitations: invitations.map((i) => ({
          id: i.id,
          message: i.message,
          createdAt: i.createdAt,
          coach: {
            profileId: i.coachProfileId,
            name: coaches.get(i.coachProfileId)?.displayName ?? "A coach",
            photoKey: coaches.get(i.coachProfileId)?.photoKey ?? null,
          },
        })),
      };
    },

    /** "My clients": the coach's relationships, their capacity, and invitations waiting for an answer. */
    async clients(actor: Actor) {
      const coach = await ownCoachProfile(actor);
      const [rows, invitations, consents, { capacity, taken }] = await Promise.all([
        db.coachingRelationship.findMany({
          where: { tenantId: actor.tenantId, coachProfileId: coach.id },
          orderBy: [{ status: "asc" }, { startedAt: "desc" }],
        }),
        db.coachInvitation.findMany({
          where: { tenantId: actor.tenantId, coachProfileId: coach.id, status: "PENDING" },
          orderBy: { createdAt: "desc" },
        }),
        db.dataConsent.findMany({ where: { tenantId: actor.tenantId, coachProfileId: coach.id } }),
        capacityOf(actor.tenantId, coach.id),
      ]);
      const people = new Map(
        (
          await db.user.findMany({
            where: { id: { in: [...rows.map((r) => r.clientId), ...invitations.map((i) => i.clientId)] } },
            select: { id: true, name: true, email: true },
          })
        ).map((u) => [u.id, u]),
      );
      const upcoming = await db.booking.groupBy({
        by: ["clientId"],
        where: {
          coachProfileId: coach.id,
          status: "CONFIRMED",
          startsAt: { gte: now() },
          clientId: { in: rows.map((r) => r.clientId) },
        },
        _min: { startsAt: true },
      });
      const nextBy = new Map(upcoming.map((u) => [u.clientId, u._min.startsAt]));
      const consentBy = new Map(consents.map((c) => [c.clientId, c]));
      return {
        capacity,
        taken,
        relationships: rows.map((r) => ({
          id: r.id,
          status: r.status,
          origin: r.origin,
          startedAt: r.startedAt,
          endedAt: r.endedAt,
          threadId: r.status === "ENDED" ? null : r.threadId,
          goalReachedAt: r.goalReachedAt,
          client: { id: r.clientId, name: people.get(r.clientId)?.name ?? "Client" },
          consent: consentView(consentBy.get(r.clientId)),
          nextSessionAt: nextBy.get(r.clientId) ?? null,
        })),
        invitations: invitations.map((i) => ({
          id: i.id,
          createdAt: i.createdAt,
          client: { id: i.clientId, name: people.get(i.clientId)?.name ?? "Member" },
        })),
      };
    },

    get,

    /**
     * The coach's page about one client: the relationship, sessions with that client (upcoming
     * and past, in the coach's zone on the page) and the notes the coach wrote. Journal and goals
     * come from their own consent-checked procedures.
     */
    async clientOverview(actor: Actor, input: { clientId: string }) {
      const coach = await ownCoachProfile(actor);
      const row = await db.coachingRelationship.findFirst({
        where: { tenantId: actor.tenantId, coachProfileId: coach.id, clientId: input.clientId },
        select: { id: true },
      });
      if (!row) throw notFound("That client");
      const relationship = await get(actor, { relationshipId: row.id });
      const bookings = await db.booking.findMany({
        where: {
          tenantId: actor.tenantId,
          coachProfileId: coach.id,
          clientId: input.clientId,
          status: { in: ["CONFIRMED", "COMPLETED", "NO_SHOW"] },
        },
        orderBy: { startsAt: "desc" },
        take: 50,
        select: {
          id: true,
          startsAt: true,
          endsAt: true,
          status: true,
          topic: true,
          service: { select: { name: true } },
        },
      });
      const notes = await db.sessionNote.findMany({
        where: { tenantId: actor.tenantId, authorId: actor.userId, bookingId: { in: bookings.map((b) => b.id) } },
        orderBy: { updatedAt: "desc" },
        select: { bookingId: true, visibility: true, body: true, updatedAt: true },
      });
      const at = now();
      return {
        relationship,
        upcoming: bookings
          .filter((b) => b.status === "CONFIRMED" && b.endsAt > at)
          .reverse()
          .map((b) => ({
            id: b.id,
            startsAt: b.startsAt,
            status: b.status,
            what: b.service?.name ?? "Session",
            topic: b.topic,
          })),
        past: bookings
          .filter((b) => !(b.status === "CONFIRMED" && b.endsAt > at))
          .map((b) => ({
            id: b.id,
            startsAt: b.startsAt,
            status: b.status,
            what: b.service?.name ?? "Session",
            topic: b.topic,
          })),
        notes: notes.map((n) => {
          let body = "";
          try {
            body = keyring.openText(n.body, noteContext(n.bookingId, n.visibility));
          } catch (error) {
            log.error("relationships: a session note could not be decrypted", {
              bookingId: n.bookingId,
              error: String(error),
            });
          }
          const booking = bookings.find((b) => b.id === n.bookingId);
          return {
            bookingId: n.bookingId,
            visibility: n.visibility,
            body,
            updatedAt: n.updatedAt,
            sessionStartsAt: booking?.startsAt ?? null,
          };
        }),
      };
    },

    /** For other services: the client must be the coach's ACTIVE client (the tasks service assigns only then). */
    async requireActiveClient(input: { tenantId: string; coachProfileId: string; clientId: string }) {
      const row = await db.coachingRelationship.findFirst({
        where: { tenantId: input.tenantId, coachProfileId: input.coachProfileId, clientId: input.clientId },
        select: { id: true, status: true, threadId: true },
      });
      if (!row || row.status !== "ACTIVE") {
        const who = await db.user.findUnique({ where: { id: input.clientId }, select: { name: true } });
        const name = who?.name ?? "This person";
        const message =
          row?.status === "PAUSED"
            ? `${name} is not your client right now: your coaching is paused.`
            : `${name} is not your client.`;
        throw new AppError("FORBIDDEN", message, { clientId: [message] });
      }
      return row;
    },
  };
}

function isCapacityMessage(message: string) {
  return message.includes("has no free place right now");
}

export type RelationshipsService = ReturnType<typeof createRelationshipsService>;
