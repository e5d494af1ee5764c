import type { Actor } from "@server/policies/coaching.ts";
import { bookingParticipants, isBookingParticipant, type ParticipantActor } from "@server/policies/participants.ts";
import { forbidden, notFound } from "@server/errors.ts";
import type { ChatService } from "../chat/service.ts";
import type { ServiceDeps } from "../deps.ts";
import { inZone } from "../format.ts";
import type { NotificationService } from "../notifications/service.ts";
import type { BookingService } from "../bookings/service.ts";
import { bookingRoom, type RoomService } from "../rooms/service.ts";
import type { RoomAccess, Transport } from "../rooms/types.ts";
import { ROOM_GRACE_AFTER_MS, roomClosesAt, roomOpensAt } from "./window.ts";

export type { RoomAccess, RoomBooking, RoomPerson, RoomRefusalReason, RoomRole, Transport } from "../rooms/types.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A booking's live session: its room (through the rooms service, with the booking as the room's
 * owner: see room-owner.ts), its SESSION chat thread (created here, stored by the chat service),
 * and the outcome after the window (COMPLETED, NO_SHOW, or the coach's absence refunded).
 */
export function createSessionService(
  { db, log, now, jobs }: ServiceDeps,
  {
    notifications,
    bookings,
    rooms,
    chat,
  }: { notifications: NotificationService; bookings: BookingService; rooms: RoomService; chat: ChatService },
) {
  /** Queues the outcome decision for when the room closes (the recurring sweep is the safety net). */
  async function scheduleOutcome(bookingId: string) {
    if (!jobs) return null;
    const booking = await db.booking.findUnique({ where: { id: bookingId }, select: { endsAt: true } });
    if (!booking) return null;
    return jobs.send("sessions.outcome", { bookingId }, { startAfter: roomClosesAt(booking.endsAt) });
  }

  return {
    /** Access to the booking's room, or a refusal with a reason (the rooms service decides). */
    roomAccess(actor: ParticipantActor, bookingId: string): Promise<RoomAccess> {
      return rooms.access(actor, bookingRoom(bookingId));
    },
    recordJoin(input: { tenantId: string; bookingId: string; userId: string; transport: Transport; at?: Date }) {
      const { bookingId, ...rest } = input;
      return rooms.recordJoin({ ...rest, room: bookingRoom(bookingId) });
    },
    recordLeave: rooms.recordLeave,
    recordLeaveFor(input: { bookingId: string; userId: string; transport: Transport; at?: Date }) {
      const { bookingId, ...rest } = input;
      return rooms.recordLeaveFor({ ...rest, room: bookingRoom(bookingId) });
    },
    scheduleOutcome,
    livekitConfigured: rooms.livekitConfigured,

    /** A LiveKit token and the session's E2EE key for a participant inside the window. */
    livekitToken(actor: Actor, bookingId: string) {
      return rooms.livekitToken(actor, bookingRoom(bookingId));
    },

    /**
     * The booking's SESSION chat thread, created on first use by this service (the booking's
     * side owns it): its members are the booking's coach and client, and only they may open it.
     */
    async sessionThread(actor: ParticipantActor, bookingId: string) {
      if (!UUID.test(bookingId)) throw notFound("That booking");
      const booking = await db.booking.findFirst({
        where: { id: bookingId, tenantId: actor.tenantId },
        select: { id: true, tenantId: true, clientId: true, coachProfile: { select: { userId: true } } },
      });
      if (!booking) throw notFound("That booking");
      const parties = {
        tenantId: booking.tenantId,
        clientId: booking.clientId,
        coachUserId: booking.coachProfile.userId,
      };
      if (!isBookingParticipant(actor, parties))
        throw forbidden("Only the coach and the client of this booking can see its chat.");
      const threadId = await chat.openThread({
        tenantId: booking.tenantId,
        kind: "SESSION",
        bookingId,
        members: bookingParticipants(parties),
      });
      return chat.thread(actor, threadId);
    },

    /**
     * After the room closed, a confirmed booking becomes COMPLETED (both attended), NO_SHOW (the
     * client did not), or is cancelled with a full refund as the coach's cancellation (only the
     * client came); ADR 009. In-person sessions are completed (no online attendance exists).
     * Safe to repeat: a decided booking is left alone.
     */
    async decideOutcome(bookingId: string) {
      return decideOutcome(bookingId);
    },

    /** Bookings whose window closed without an outcome (after a restart, a lost job): decided now. */
    async decideDueOutcomes(limit = 200) {
      const due = await db.booking.findMany({
        where: { status: "CONFIRMED", endsAt: { lte: new Date(now().getTime() - ROOM_GRACE_AFTER_MS) } },
        orderBy: { endsAt: "asc" },
        take: limit,
        select: { id: true },
      });
      const results: Record<string, string> = {};
      for (const b of due) {
        try {
          results[b.id] = (await decideOutcome(b.id)).outcome;
        } catch (error) {
          log.error("session outcome not decided", { bookingId: b.id, error: String(error) });
          results[b.id] = "ERROR";
        }
      }
      return { decided: Object.values(results).filter((o) => o !== "NOT_DUE" && o !== "ERROR").length, results };
    },

    /** Attendance of a booking for its participants (the coach's booking page). */
    async attendance(actor: Actor, bookingId: string) {
      const rows = await rooms.attendance(actor, bookingRoom(bookingId));
      if (!rows) throw notFound("That booking");
      return {
        rows,
        outcomeSummary: (
          await db.booking.findUniqueOrThrow({ where: { id: bookingId }, select: { outcomeSummary: true } })
        ).outcomeSummary,
      };
    },
  };

  async function decideOutcome(
    bookingId: string,
  ): Promise<{ outcome: "COMPLETED" | "NO_SHOW" | "COACH_ABSENT" | "NOT_DUE" | "ALREADY_DECIDED"; summary?: string }> {
    const booking = await db.booking.findUnique({
      where: { id: bookingId },
      select: {
        id: true,
        tenantId: true,
        status: true,
        sessionType: true,
        startsAt: true,
        endsAt: true,
        clientId: true,
        priceMinor: true,
        packagePurchaseId: true,
        coachProfile: { select: { userId: true, displayName: true } },
      },
    });
    if (!booking || booking.status !== "CONFIRMED") return { outcome: "ALREADY_DECIDED" };
    const opensAt = roomOpensAt(booking.startsAt);
    const closesAt = roomClosesAt(booking.endsAt);
    if (now() < closesAt) return { outcome: "NOT_DUE" };
    const coachUserId = booking.coachProfile.userId;
    const client = await db.user.findUniqueOrThrow({
      where: { id: booking.clientId },
      select: { name: true, timeZone: true },
    });
    const rows = await rooms.stays(bookingRoom(bookingId), opensAt, closesAt);
    const minutes = (userId: string) =>
      attendedMinutes(
        rows.filter((r) => r.userId === userId),
        opensAt,
        closesAt,
      );
    const coachCame = rows.some((r) => r.userId === coachUserId);
    const clientCame = rows.some((r) => r.userId === booking.clientId);
    const line = (name: string, came: boolean, userId: string) =>
      `${name}: ${came ? `attended, ${minutes(userId)} min` : "did not join"}`;
    const summary =
      booking.sessionType === "IN_PERSON"
        ? "In-person session: attendance is not recorded online."
        : `${line(booking.coachProfile.displayName, coachCame, coachUserId)}. ${line(client.name, clientCame, booking.clientId)}.`;
    const decidedAt = now();
    // Stays still open when the room closed end there.
    await rooms.closeOpenStays(bookingRoom(bookingId), closesAt);

    const finish = (to: "COMPLETED" | "NO_SHOW") =>
      bookings.recordOutcome(bookingId, to, { outcomeAt: decidedAt, outcomeSummary: summary });

    let outcome: "COMPLETED" | "NO_SHOW" | "COACH_ABSENT";
    if (booking.sessionType === "IN_PERSON" || (coachCame && clientCame)) {
      outcome = "COMPLETED";
      if (!(await finish("COMPLETED"))) return { outcome: "ALREADY_DECIDED" };
    } else if (!clientCame) {
      outcome = "NO_SHOW";
      if (!(await finish("NO_SHOW"))) return { outcome: "ALREADY_DECIDED" };
    } else {
      outcome = "COACH_ABSENT";
      await bookings.cancelForCoachAbsence(bookingId, "The coach did not join the session.");
      await db.booking.update({ where: { id: bookingId }, data: { outcomeAt: decidedAt, outcomeSummary: summary } });
    }
    const titles = {
      COMPLETED: "Session completed",
      NO_SHOW: "Your client did not attend",
      COACH_ABSENT: "Session missed: the client was refunded",
    } as const;
    await notifications.notify({
      tenantId: booking.tenantId,
      userId: coachUserId,
      kind: `session.${outcome.toLowerCase()}`,
      title: titles[outcome],
      body: summary,
      link: `/bookings/${bookingId}`,
    });
    if (outcome === "NO_SHOW") {
      // The client hears it too, in-app and by mail, with what the cancellation policy means for
      // them. (When only the client came, the bookings service has told them about the refund.)
      const policy = booking.packagePurchaseId
        ? " Under the cancellation policy, a missed session uses its package credit: the credit is not returned."
        : booking.priceMinor > 0
          ? " Under the cancellation policy, no refund is given for a missed session."
          : "";
      await notifications.notify({
        tenantId: booking.tenantId,
        userId: booking.clientId,
        kind: "session.no_show",
        title: "Your session was recorded as a no-show",
        body: `You did not join your session with ${booking.coachProfile.displayName} on ${inZone(booking.startsAt, client.timeZone)}, so it was recorded as a no-show.${policy} If you think this is wrong, write to your coach from the booking page.`,
        link: `/bookings/${bookingId}`,
        email: true,
      });
    }
    log.info("session outcome decided", { bookingId, outcome });
    return { outcome, summary };
  }
}

/** Minutes covered by the union of these stays, clipped to [from, to]; open stays run to `to`. */
export function attendedMinutes(rows: { joinedAt: Date; leftAt: Date | null }[], from: Date, to: Date): number {
  const spans = rows
    .map(
      (r) =>
        [Math.max(r.joinedAt.getTime(), from.getTime()), Math.min((r.leftAt ?? to).getTime(), to.getTime())] as const,
    )
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let total = 0;
  let end = -Infinity;
  for (const [a, b] of spans) {
    if (b <= end) continue;
    total += b - Math.max(a, end);
    end = b;
  }
  return Math.round(total / 60_000);
}

export type SessionService = ReturnType<typeof createSessionService>;
