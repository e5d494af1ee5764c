import { randomBytes } from "node:crypto";
import {
  AccessToken,
  TrackSource,
  WebhookEvent as LivekitWebhookEvent,
  WebhookReceiver,
  type WebhookEvent,
} from "livekit-server-sdk";
import type { SessionType } from "@server/db/client.ts";
import { AppError, notFound } from "@server/errors.ts";
import { type ParticipantActor, roomRole } from "@server/policies/participants.ts";
import type { ServiceDeps } from "../deps.ts";
import { inZone } from "../format.ts";
import type { AttendanceTransport, OwnedRoom, RoomAccess, RoomOwners, RoomRef, RoomRole, Transport } from "./types.ts";

/** Token lifetime: long enough to connect, short enough that a leaked token is soon useless. */
export const LIVEKIT_TOKEN_TTL_SECONDS = 10 * 60;

/** What each session type may publish; every participant gets the same media rights. */
export const PUBLISH_SOURCES: Record<Exclude<SessionType, "IN_PERSON">, TrackSource[]> = {
  VIDEO: [TrackSource.CAMERA, TrackSource.MICROPHONE, TrackSource.SCREEN_SHARE, TrackSource.SCREEN_SHARE_AUDIO],
  PHONE: [TrackSource.MICROPHONE],
  CHAT: [],
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const bookingRoom = (bookingId: string): RoomRef => ({ kind: "booking", id: bookingId });

/**
 * Live rooms, whoever owns them: who may enter (the owner's window and state, membership by the
 * participants policy), the transport (LiveKit when configured, otherwise peer-to-peer over our
 * signalling), the room's unguessable LiveKit name and its end-to-end encryption key, attendance
 * from either transport, and LiveKit's webhook events mapped back to the room.
 *
 * Storage by owner kind: a booking's room keeps its name and sealed key in the booking row
 * (`Booking.room`, `Booking.e2eeKeySealed`) and its attendance rows carry the booking id; only
 * this service reads or writes those columns (ADR 014).
 */
export function createRoomService({ db, env, now, keyring }: ServiceDeps, owners: RoomOwners) {
  const livekitConfigured = () => Boolean(env.LIVEKIT_URL && env.LIVEKIT_API_KEY && env.LIVEKIT_API_SECRET);

  /** The owner's room when the actor is one of its participants; null otherwise (other tenants look missing). */
  async function participantRoom(actor: ParticipantActor, ref: RoomRef) {
    if (!UUID.test(ref.id)) return null;
    const room = await owners[ref.kind].load(actor.tenantId, ref.id);
    if (!room) return null;
    const role = roomRole(actor, room);
    return role ? { room, role } : null;
  }

  async function access(actor: ParticipantActor, ref: RoomRef): Promise<RoomAccess> {
    const found = await participantRoom(actor, ref);
    if (!found)
      return {
        ok: false,
        reason: "NOT_FOUND",
        message: "This session was not found, or you are not one of its participants.",
      };
    const { room, role } = found;
    const times = { opensAt: room.opensAt, closesAt: room.closesAt };
    if (room.closed) return { ok: false, ...room.closed, ...times };
    const at = now();
    if (at < room.opensAt) {
      const viewer = await db.user.findUnique({ where: { id: actor.userId }, select: { timeZone: true } });
      return {
        ok: false,
        reason: "TOO_EARLY",
        message: `The room opens 10 minutes before the session starts: ${inZone(room.opensAt, viewer?.timeZone ?? "UTC")}.`,
        ...times,
      };
    }
    if (at >= room.closesAt) return { ok: false, reason: "ENDED", message: "This session has ended.", ...times };
    return {
      ok: true,
      room: room.ref,
      booking: room.booking,
      participants: room.participants,
      role,
      peerUserId: room.participants.find((p) => p.userId !== actor.userId)?.userId ?? actor.userId,
      ...times,
      transport: livekitConfigured() ? "livekit" : "p2p",
      iceServers: env.ICE_SERVERS,
    };
  }

  /** The access, or the refusal as an error (for operations that hand out something). */
  async function requireAccess(actor: ParticipantActor, ref: RoomRef) {
    const result = await access(actor, ref);
    if (!result.ok) throw new AppError(result.reason === "NOT_FOUND" ? "NOT_FOUND" : "CONFLICT", result.message);
    return result;
  }

  // ------------------------------------------------------------ storage by owner kind

  /** The room's LiveKit name, set now (128-bit random) on rows that have none. */
  async function ensureName(ref: RoomRef): Promise<string> {
    const row = await db.booking.findUniqueOrThrow({ where: { id: ref.id }, select: { room: true } });
    if (row.room) return row.room;
    await db.booking.updateMany({
      where: { id: ref.id, room: null },
      data: { room: randomBytes(16).toString("base64url") },
    });
    return (await db.booking.findUniqueOrThrow({ where: { id: ref.id }, select: { room: true } })).room!;
  }

  /** The room a LiveKit room name belongs to, with its tenant. */
  async function findByName(name: string): Promise<{ ref: RoomRef; tenantId: string } | null> {
    const booking = await db.booking.findUnique({ where: { room: name }, select: { id: true, tenantId: true } });
    return booking ? { ref: bookingRoom(booking.id), tenantId: booking.tenantId } : null;
  }

  /** The context a room's key is sealed with: a booking's room keeps the booking id (keys sealed before stay valid). */
  const keyContext = (ref: RoomRef) => ref.id;

  /** The room's 32-byte E2EE key, made once and sealed at rest. */
  async function e2eeKey(ref: RoomRef): Promise<Buffer> {
    const read = async () =>
      (await db.booking.findUniqueOrThrow({ where: { id: ref.id }, select: { e2eeKeySealed: true } })).e2eeKeySealed;
    if (!(await read())) {
      const sealed = keyring.seal(randomBytes(32), keyContext(ref)).toString("base64");
      // Only the first writer wins; everyone then reads the same key.
      await db.booking.updateMany({ where: { id: ref.id, e2eeKeySealed: null }, data: { e2eeKeySealed: sealed } });
    }
    return keyring.open(Buffer.from((await read())!, "base64"), keyContext(ref));
  }

  /** Attendance rows of a room. */
  const attendanceOf = (ref: RoomRef) => ({ bookingId: ref.id });

  // ------------------------------------------------------------ attendance

  async function recordJoin(input: {
    tenantId: string;
    room: RoomRef;
    userId: string;
    transport: Transport;
    at?: Date;
  }): Promise<string> {
    const found = await participantRoom({ tenantId: input.tenantId, userId: input.userId }, input.room);
    if (!found) throw notFound("That session");
    const row = await db.attendance.create({
      data: {
        tenantId: input.tenantId,
        ...attendanceOf(input.room),
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

  /** Closes the latest open row of this user in this room on this transport. */
  async function recordLeaveFor(input: {
    room: RoomRef;
    userId: string;
    transport: Transport;
    at?: Date;
  }): Promise<{ closed: boolean }> {
    const open = await db.attendance.findFirst({
      where: { ...attendanceOf(input.room), userId: input.userId, transport: input.transport, leftAt: null },
      orderBy: { joinedAt: "desc" },
      select: { id: true },
    });
    if (!open) return { closed: false };
    return recordLeave(open.id, input.at);
  }

  /**
   * One LiveKit event, already verified, mapped to our room by its LiveKit room name: joins and
   * leaves become attendance, `room_finished` closes the open LiveKit stays. Returns the outcome
   * (JOINED, LEFT, NOT_OPEN, NOT_PARTICIPANT, ROOM_FINISHED:<n>, UNKNOWN_ROOM, IGNORED). The
   * webhook entry (verification, storing each event once) calls this.
   */
  async function handleLivekitEvent(event: WebhookEvent): Promise<{ outcome: string }> {
    const found = event.room?.name ? await findByName(event.room.name) : null;
    if (!found) return { outcome: "UNKNOWN_ROOM" };
    // When it happened (LiveKit may deliver late, or retry), never later than now.
    const sentAt = event.createdAt ? new Date(Number(event.createdAt) * 1000) : now();
    const at = sentAt > now() ? now() : sentAt;
    const identity = event.participant?.identity ?? "";
    if (event.event === "participant_joined" && UUID.test(identity)) {
      try {
        await recordJoin({ tenantId: found.tenantId, room: found.ref, userId: identity, transport: "livekit", at });
        return { outcome: "JOINED" };
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        return { outcome: "NOT_PARTICIPANT" };
      }
    }
    if (event.event === "participant_left" && UUID.test(identity))
      return {
        outcome: (await recordLeaveFor({ room: found.ref, userId: identity, transport: "livekit", at })).closed
          ? "LEFT"
          : "NOT_OPEN",
      };
    if (event.event === "room_finished") {
      const { count } = await db.attendance.updateMany({
        where: { ...attendanceOf(found.ref), transport: "livekit", leftAt: null },
        data: { leftAt: at },
      });
      return { outcome: `ROOM_FINISHED:${count}` };
    }
    return { outcome: "IGNORED" };
  }

  return {
    access,
    requireAccess,
    recordJoin,
    recordLeave,
    recordLeaveFor,
    livekitConfigured,
    findByName,
    handleLivekitEvent,

    /**
     * A LiveKit token for a participant inside the window: identity = user id, the room's
     * unguessable name, media sources by session type, no room admin for anyone; with the
     * room's E2EE key, which only its participants ever receive.
     */
    async livekitToken(actor: ParticipantActor, ref: RoomRef) {
      const granted = await requireAccess(actor, ref);
      if (!livekitConfigured())
        throw new AppError(
          "PRECONDITION_FAILED",
          "Live video through LiveKit is not configured here; sessions use a direct peer-to-peer call.",
        );
      if (granted.booking.sessionType === "IN_PERSON")
        throw new AppError("CONFLICT", "This session takes place in person.");
      const name = await ensureName(ref);
      const sources = PUBLISH_SOURCES[granted.booking.sessionType];
      const me = granted.participants.find((p) => p.userId === actor.userId)!;
      const token = new AccessToken(env.LIVEKIT_API_KEY!, env.LIVEKIT_API_SECRET!, {
        identity: actor.userId,
        name: me.name,
        ttl: LIVEKIT_TOKEN_TTL_SECONDS,
        metadata: JSON.stringify({ role: granted.role, bookingId: ref.id }),
      });
      token.addGrant({
        room: name,
        roomJoin: true,
        canSubscribe: true,
        canPublishData: true,
        canPublish: sources.length > 0,
        canPublishSources: sources,
        canUpdateOwnMetadata: false,
        roomAdmin: false,
        hidden: false,
      });
      const key = await e2eeKey(ref);
      return {
        url: env.LIVEKIT_URL!,
        token: await token.toJwt(),
        e2eeKey: key.toString("base64"),
        expiresInSeconds: LIVEKIT_TOKEN_TTL_SECONDS,
      };
    },

    /**
     * LiveKit's webhook as it arrives: verified with the API key and secret (JWT over the body's
     * SHA-256). The webhook inbox (ADR 016) records it once and hands it to `applyLivekitEvent`.
     */
    async verifyLivekitWebhook(rawBody: string, authorization: string | null) {
      if (!livekitConfigured()) throw new AppError("NOT_FOUND", "LiveKit is not configured here.");
      const receiver = new WebhookReceiver(env.LIVEKIT_API_KEY!, env.LIVEKIT_API_SECRET!);
      let event: WebhookEvent;
      try {
        event = await receiver.receive(rawBody, authorization ?? undefined);
      } catch (error) {
        throw new AppError(
          "UNAUTHORIZED",
          `The LiveKit webhook signature is not valid: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      if (!event.id) throw new AppError("BAD_REQUEST", "The LiveKit event has no id.");
      return { eventId: event.id, type: event.event, payload: JSON.parse(rawBody) as unknown };
    },

    /** A verified LiveKit event (its JSON body, as the inbox stored it): joins and leaves become attendance. */
    async applyLivekitEvent(payload: unknown) {
      const event = LivekitWebhookEvent.fromJson(payload as Parameters<typeof LivekitWebhookEvent.fromJson>[0], {
        ignoreUnknownFields: true,
      });
      const room = event.room?.name ? await findByName(event.room.name) : null;
      const { outcome } = await handleLivekitEvent(event);
      return {
        outcome,
        tenantId: room?.tenantId ?? null,
        bookingId: room?.ref.kind === "booking" ? room.ref.id : null,
      };
    },

    /** Stays in the room that overlap [from, to) (for the owner's outcome decision). */
    stays(ref: RoomRef, from: Date, to: Date) {
      return db.attendance.findMany({
        where: { ...attendanceOf(ref), joinedAt: { lt: to }, OR: [{ leftAt: null }, { leftAt: { gt: from } }] },
        select: { userId: true, joinedAt: true, leftAt: true },
      });
    },

    /**
     * Attendance reported by an outside meeting tool (Cal.com's meeting start and end) for the
     * room's participants: a start opens a stay for each one without an open stay on that
     * transport; an end closes them, or records the whole meeting from the scheduled start when
     * its start was never reported.
     */
    async recordMeeting(input: {
      tenantId: string;
      room: RoomRef;
      userIds: string[];
      transport: AttendanceTransport;
      phase: "start" | "end";
      at: Date;
      scheduledStart: Date;
    }) {
      const { tenantId, room, transport, at } = input;
      await db.$transaction(async (tx) => {
        for (const userId of input.userIds) {
          const open = await tx.attendance.findFirst({
            where: { ...attendanceOf(room), userId, transport, leftAt: null },
            orderBy: { joinedAt: "desc" },
          });
          if (input.phase === "start") {
            if (!open)
              await tx.attendance.create({
                data: { tenantId, ...attendanceOf(room), userId, transport, joinedAt: at },
              });
          } else if (open) {
            await tx.attendance.update({
              where: { id: open.id },
              data: { leftAt: at > open.joinedAt ? at : open.joinedAt },
            });
          } else {
            const joinedAt = input.scheduledStart < at ? input.scheduledStart : at;
            await tx.attendance.create({
              data: { tenantId, ...attendanceOf(room), userId, transport, joinedAt, leftAt: at },
            });
          }
        }
      });
    },

    /** Ends the stays still open that began before `at`, at `at` (the room has closed). */
    async closeOpenStays(ref: RoomRef, at: Date) {
      const { count } = await db.attendance.updateMany({
        where: { ...attendanceOf(ref), leftAt: null, joinedAt: { lt: at } },
        data: { leftAt: at },
      });
      return count;
    },

    /** Every stay in the room, oldest first, for its participants. */
    async attendance(actor: ParticipantActor, ref: RoomRef) {
      if (!(await participantRoom(actor, ref))) return null;
      return db.attendance.findMany({
        where: attendanceOf(ref),
        orderBy: { joinedAt: "asc" },
        select: { userId: true, transport: true, joinedAt: true, leftAt: true },
      });
    },
  };
}

export type RoomService = ReturnType<typeof createRoomService>;
export type { AttendanceTransport, OwnedRoom, RoomAccess, RoomRef, RoomRole, Transport };
