import { randomBytes } from "node:crypto";
import { AccessToken, TrackSource, WebhookReceiver } from "livekit-server-sdk";
import type { SessionType } from "@server/db/client.ts";
import { AppError, notFound } from "@server/errors.ts";
import type { Actor } from "@server/policies/coaching.ts";
import type { ServiceDeps } from "../deps.ts";
import { inZone } from "../format.ts";
import type { NotificationService } from "../notifications/service.ts";
import type { PaymentService } from "../payments/service.ts";
import { assertBookingTransition } from "../bookings/status.ts";
import { ROOM_GRACE_AFTER_MS, roomClosesAt, roomOpensAt } from "./window.ts";

export type Transport = "livekit" | "p2p";
export type RoomRole = "coach" | "client";
export type RoomRefusalReason = "NOT_FOUND" | "IN_PERSON" | "NOT_CONFIRMED" | "CANCELLED" | "TOO_EARLY" | "ENDED";

export interface RoomPerson {
  userId: string;
  name: string;
}

export interface RoomBooking {
  id: string;
  sessionType: SessionType;
  startsAt: Date;
  endsAt: Date;
  topic: string;
  serviceName: string | null;
  coach: RoomPerson;
  client: RoomPerson;
}

export type RoomAccess =
  | {
      ok: true;
      booking: RoomBooking;
      /** The viewer's part in this session. */
      role: RoomRole;
      /** The other participant's user id (the peer to call). */
      peerUserId: string;
      opensAt: Date;
      closesAt: Date;
      /** LiveKit when it is configured, otherwise peer-to-peer WebRTC over our signalling. */
      transport: Transport;
      iceServers: { urls: string | string[]; username?: string; credential?: string }[];
    }
  | {
      ok: false;
      reason: RoomRefusalReason;
      message: string;
      /** Set for TOO_EARLY (and for every refusal of a participant, so the page can show the times). */
      opensAt?: Date;
      closesAt?: Date;
    };

/** Token lifetime: long enough to connect, short enough that a leaked token is soon useless. */
export const LIVEKIT_TOKEN_TTL_SECONDS = 10 * 60;

/** What each session type may publish; coach and client get the same media rights. */
export const PUBLISH_SOURCES: Record<Exclude<SessionType, "IN_PERSON">, TrackSource[]> = {
  VIDEO: [TrackSource.CAMERA, TrackSource.MICROPHONE, TrackSource.SCREEN_SHARE, TrackSource.SCREEN_SHARE_AUDIO],
  PHONE: [TrackSource.MICROPHONE],
  CHAT: [],
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Live sessions: who may enter a booking's room and when, LiveKit tokens and the per-session
 * end-to-end encryption key, attendance from either transport, and the outcome after the window.
 */
export function createSessionService(
  { db, env, log, now, keyring, jobs }: ServiceDeps,
  { notifications, payments }: { notifications: NotificationService; payments?: PaymentService },
) {
  const livekitConfigured = () => Boolean(env.LIVEKIT_URL && env.LIVEKIT_API_KEY && env.LIVEKIT_API_SECRET);

  /** A booking of the actor's tenant in which the actor is coach or client; null otherwise (other tenants look missing). */
  async function participantBooking(actor: Pick<Actor, "tenantId" | "userId">, bookingId: string) {
    if (!UUID.test(bookingId)) return null;
    const row = await db.booking.findFirst({
      where: {
        id: bookingId,
        tenantId: actor.tenantId,
        OR: [{ clientId: actor.userId }, { coachProfile: { userId: actor.userId } }],
      },
      select: {
        id: true,
        tenantId: true,
        status: true,
        sessionType: true,
        startsAt: true,
        endsAt: true,
        topic: true,
        room: true,
        clientId: true,
        e2eeKeySealed: true,
        coachProfile: { select: { userId: true, displayName: true } },
        service: { select: { name: true } },
      },
    });
    return row;
  }

  async function roomAccess(actor: Pick<Actor, "tenantId" | "userId">, bookingId: string): Promise<RoomAccess> {
    const row = await participantBooking(actor, bookingId);
    if (!row)
      return {
        ok: false,
        reason: "NOT_FOUND",
        message: "This session was not found, or you are not one of its participants.",
      };
    const opensAt = roomOpensAt(row.startsAt);
    const closesAt = roomClosesAt(row.endsAt);
    const times = { opensAt, closesAt };
    if (row.status === "CANCELLED")
      return {
        ok: false,
        reason: "CANCELLED",
        message: "This session was cancelled, so its room is closed.",
        ...times,
      };
    if (row.status === "COMPLETED" || row.status === "NO_SHOW")
      return { ok: false, reason: "ENDED", message: "This session has ended.", ...times };
    if (row.status !== "CONFIRMED")
      return {
        ok: false,
        reason: "NOT_CONFIRMED",
        message: "This booking is not confirmed yet: its room opens once it is paid.",
        ...times,
      };
    if (row.sessionType === "IN_PERSON")
      return {
        ok: false,
        reason: "IN_PERSON",
        message: "This session takes place in person, so it has no online room.",
        ...times,
      };
    const at = now();
    if (at < opensAt) {
      const viewer = await db.user.findUnique({ where: { id: actor.userId }, select: { timeZone: true } });
      return {
        ok: false,
        reason: "TOO_EARLY",
        message: `The room opens 10 minutes before the session starts: ${inZone(opensAt, viewer?.timeZone ?? "UTC")}.`,
        ...times,
      };
    }
    if (at >= closesAt) return { ok: false, reason: "ENDED", message: "This session has ended.", ...times };
    const client = await db.user.findUniqueOrThrow({ where: { id: row.clientId }, select: { name: true } });
    const role: RoomRole = row.clientId === actor.userId ? "client" : "coach";
    return {
      ok: true,
      booking: {
        id: row.id,
        sessionType: row.sessionType,
        startsAt: row.startsAt,
        endsAt: row.endsAt,
        topic: row.topic,
        serviceName: row.service?.name ?? null,
        coach: { userId: row.coachProfile.userId, name: row.coachProfile.displayName },
        client: { userId: row.clientId, name: client.name },
      },
      role,
      peerUserId: role === "client" ? row.coachProfile.userId : row.clientId,
      opensAt,
      closesAt,
      transport: livekitConfigured() ? "livekit" : "p2p",
      iceServers: env.ICE_SERVERS,
    };
  }

  /** The access, or the refusal as an error (for procedures that hand out something). */
  async function requireAccess(actor: Actor, bookingId: string) {
    const access = await roomAccess(actor, bookingId);
    if (!access.ok) throw new AppError(access.reason === "NOT_FOUND" ? "NOT_FOUND" : "CONFLICT", access.message);
    return access;
  }

  /** The booking's room name, set now (128-bit random) on older rows that have none. */
  async function ensureRoom(bookingId: string): Promise<string> {
    const row = await db.booking.findUniqueOrThrow({ where: { id: bookingId }, select: { room: true } });
    if (row.room) return row.room;
    await db.booking.updateMany({
      where: { id: bookingId, room: null },
      data: { room: randomBytes(16).toString("base64url") },
    });
    return (await db.booking.findUniqueOrThrow({ where: { id: bookingId }, select: { room: true } })).room!;
  }

  /** The session's 32-byte E2EE key, made once and sealed at rest with the booking id as context. */
  async function e2eeKey(bookingId: string): Promise<Buffer> {
    const row = await db.booking.findUniqueOrThrow({ where: { id: bookingId }, select: { e2eeKeySealed: true } });
    if (!row.e2eeKeySealed) {
      const sealed = keyring.seal(randomBytes(32), bookingId).toString("base64");
      // Only the first writer wins; everyone then reads the same key.
      await db.booking.updateMany({ where: { id: bookingId, e2eeKeySealed: null }, data: { e2eeKeySealed: sealed } });
    }
    const again = await db.booking.findUniqueOrThrow({ where: { id: bookingId }, select: { e2eeKeySealed: true } });
    return keyring.open(Buffer.from(again.e2eeKeySealed!, "base64"), bookingId);
  }

  async function recordJoin(input: {
    tenantId: string;
    bookingId: string;
    userId: string;
    transport: Transport;
    at?: Date;
  }): Promise<string> {
    const booking = await participantBooking({ tenantId: input.tenantId, userId: input.userId }, input.bookingId);
    if (!booking) throw notFound("That session");
    const row = await db.attendance.create({
      data: {
        tenantId: input.tenantId,
        bookingId: input.bookingId,
        userId: input.userId,
        transport: input.transport,
        joinedAt: input.at ?? now(),
      },
      select: { id: true },
    });
    return row.id;
  }

  /** Closes one attendance row; closing it again changes nothing. */
  async function recordLeave(attendanceId: string, at?: Date): Promise<{ closed: boolean }> {
    if (!UUID.test(attendanceId)) return { closed: false };
    const { count } = await db.attendance.updateMany({
      where: { id: attendanceId, leftAt: null },
      data: { leftAt: at ?? now() },
    });
    return { closed: count > 0 };
  }

  /** Closes the latest open row of this user in this booking on this transport. */
  async function recordLeaveFor(input: {
    bookingId: string;
    userId: string;
    transport: Transport;
    at?: Date;
  }): Promise<{ closed: boolean }> {
    const open = await db.attendance.findFirst({
      where: { bookingId: input.bookingId, userId: input.userId, transport: input.transport, leftAt: null },
      orderBy: { joinedAt: "desc" },
      select: { id: true },
    });
    if (!open) return { closed: false };
    return recordLeave(open.id, input.at);
  }

  /** Queues the outcome decision for when the room closes (the recurring sweep is the safety net). */
  async function scheduleOutcome(bookingId: string) {
    if (!jobs) return null;
    const booking = await db.booking.findUnique({ where: { id: bookingId }, select: { endsAt: true } });
    if (!booking) return null;
    return jobs.send("sessions.outcome", { bookingId }, { startAfter: roomClosesAt(booking.endsAt) });
  }

  return {
    roomAccess,
    recordJoin,
    recordLeave,
    recordLeaveFor,
    scheduleOutcome,
    livekitConfigured,

    /**
     * A LiveKit token for a participant inside the window: identity = user id, the booking's
     * unguessable room, media sources by session type, no room admin for anyone; with the
     * session's E2EE key, which only the two participants ever receive.
     */
    async livekitToken(actor: Actor, bookingId: string) {
      const access = await requireAccess(actor, bookingId);
      if (!livekitConfigured())
        throw new AppError(
          "PRECONDITION_FAILED",
          "Live video through LiveKit is not configured here; sessions use a direct peer-to-peer call.",
        );
      if (access.booking.sessionType === "IN_PERSON")
        throw new AppError("CONFLICT", "This session takes place in person.");
      const room = await ensureRoom(bookingId);
      const sources = PUBLISH_SOURCES[access.booking.sessionType];
      const me = access.role === "coach" ? access.booking.coach : access.booking.client;
      const token = new AccessToken(env.LIVEKIT_API_KEY!, env.LIVEKIT_API_SECRET!, {
        identity: actor.userId,
        name: me.name,
        ttl: LIVEKIT_TOKEN_TTL_SECONDS,
        metadata: JSON.stringify({ role: access.role, bookingId }),
      });
      token.addGrant({
        room,
        roomJoin: true,
        canSubscribe: true,
        canPublishData: true,
        canPublish: sources.length > 0,
        canPublishSources: sources,
        canUpdateOwnMetadata: false,
        roomAdmin: false,
        hidden: false,
      });
      const key = await e2eeKey(bookingId);
      return {
        url: env.LIVEKIT_URL!,
        token: await token.toJwt(),
        e2eeKey: key.toString("base64"),
        expiresInSeconds: LIVEKIT_TOKEN_TTL_SECONDS,
      };
    },

    /**
     * LiveKit's webhook: verified with the API key and secret (JWT over the body's SHA-256), each
     * event stored once; joins and leaves become attendance. A repeated event changes nothing.
     */
    async receiveLivekitWebhook(rawBody: string, authorization: string | null) {
      if (!livekitConfigured()) throw new AppError("PRECONDITION_FAILED", "LiveKit is not configured here.");
      const receiver = new WebhookReceiver(env.LIVEKIT_API_KEY!, env.LIVEKIT_API_SECRET!);
      let event;
      try {
        event = await receiver.receive(rawBody, authorization ?? undefined);
      } catch (error) {
        throw new AppError(
          "UNAUTHORIZED",
          `The LiveKit webhook signature is not valid: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      if (!event.id) throw new AppError("BAD_REQUEST", "The LiveKit event has no id.");
      const roomName = event.room?.name ?? null;
      const booking = roomName
        ? await db.booking.findUnique({ where: { room: roomName }, select: { id: true, tenantId: true } })
        : null;
      const created = await db.webhookEvent.createMany({
        data: [
          {
            provider: "livekit",
            eventId: event.id,
            type: event.event,
            tenantId: booking?.tenantId ?? null,
            bookingId: booking?.id ?? null,
            payload: JSON.parse(rawBody),
          },
        ],
        skipDuplicates: true,
      });
      if (created.count === 0) {
        // Handled before: nothing to do. Stored but never finished (a failure midway): finish it now.
        const previous = await db.webhookEvent.findUniqueOrThrow({
          where: { provider_eventId: { provider: "livekit", eventId: event.id } },
          select: { processedAt: true, outcome: true },
        });
        if (previous.processedAt) return { duplicate: true, outcome: previous.outcome ?? "DUPLICATE" };
      }
      // When it happened (LiveKit may deliver late, or retry), never later than now.
      const sentAt = event.createdAt ? new Date(Number(event.createdAt) * 1000) : now();
      const at = sentAt > now() ? now() : sentAt;
      let outcome = "IGNORED";
      const identity = event.participant?.identity ?? "";
      if (!booking) {
        outcome = "UNKNOWN_ROOM";
      } else if (event.event === "participant_joined" && UUID.test(identity)) {
        try {
          await recordJoin({
            tenantId: booking.tenantId,
            bookingId: booking.id,
            userId: identity,
            transport: "livekit",
            at,
          });
          outcome = "JOINED";
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          outcome = "NOT_PARTICIPANT";
        }
      } else if (event.event === "participant_left" && UUID.test(identity)) {
        outcome = (await recordLeaveFor({ bookingId: booking.id, userId: identity, transport: "livekit", at })).closed
          ? "LEFT"
          : "NOT_OPEN";
      } else if (event.event === "room_finished") {
        const { count } = await db.attendance.updateMany({
          where: { bookingId: booking.id, transport: "livekit", leftAt: null },
          data: { leftAt: at },
        });
        outcome = `ROOM_FINISHED:${count}`;
      }
      await db.webhookEvent.update({
        where: { provider_eventId: { provider: "livekit", eventId: event.id } },
        data: { processedAt: now(), outcome },
      });
      return { duplicate: false, outcome };
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
      const row = await participantBooking(actor, bookingId);
      if (!row) throw notFound("That booking");
      const rows = await db.attendance.findMany({
        where: { bookingId },
        orderBy: { joinedAt: "asc" },
        select: { userId: true, transport: true, joinedAt: true, leftAt: true },
      });
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
    const rows = await db.attendance.findMany({
      where: { bookingId, joinedAt: { lt: closesAt }, OR: [{ leftAt: null }, { leftAt: { gt: opensAt } }] },
      select: { userId: true, joinedAt: true, leftAt: true },
    });
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
    await db.attendance.updateMany({
      where: { bookingId, leftAt: null, joinedAt: { lt: closesAt } },
      data: { leftAt: closesAt },
    });

    async function finish(to: "COMPLETED" | "NO_SHOW") {
      assertBookingTransition("CONFIRMED", to);
      const { count } = await db.booking.updateMany({
        where: { id: bookingId, status: "CONFIRMED" },
        data: { status: to, outcomeAt: decidedAt, outcomeSummary: summary },
      });
      return count > 0;
    }

    let outcome: "COMPLETED" | "NO_SHOW" | "COACH_ABSENT";
    if (booking.sessionType === "IN_PERSON" || (coachCame && clientCame)) {
      outcome = "COMPLETED";
      if (!(await finish("COMPLETED"))) return { outcome: "ALREADY_DECIDED" };
    } else if (!clientCame) {
      outcome = "NO_SHOW";
      if (!(await finish("NO_SHOW"))) return { outcome: "ALREADY_DECIDED" };
    } else {
      outcome = "COACH_ABSENT";
      if (!payments) throw new Error("Deciding a session the coach missed needs the payments service.");
      await payments.cancelForCoachAbsence(bookingId, "The coach did not join the session.");
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
      // them. (When only the client came, the payments service has told them about the refund.)
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
