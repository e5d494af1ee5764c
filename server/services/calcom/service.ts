import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { Prisma } from "@server/db/client.ts";
import { AppError, forbidden } from "@server/errors.ts";
import {
  type CalcomApi,
  type CalcomEventTypeInput,
  CalcomError,
  createCalcomApi,
  eventTypeSlug,
} from "@server/integrations/calcom/index.ts";
import type { Actor } from "@server/policies/coaching.ts";
import { bookingParticipants } from "@server/policies/participants.ts";
import type { BookingService } from "../bookings/service.ts";
import { bookingRoom, type RoomService } from "../rooms/service.ts";
import type { ServiceDeps } from "../deps.ts";
import type { NotificationService } from "../notifications/service.ts";

/** What handling a Cal.com webhook did (stored on WebhookEvent.outcome). */
export type CalcomOutcome =
  | "LINKED"
  | "ALREADY_LINKED"
  | "CANCELLED"
  | "ALREADY_CANCELLED"
  | "CANCEL_REFUSED"
  | "RESCHEDULED"
  | "ALREADY_AT_TIME"
  | "RESCHEDULE_CONFLICT"
  | "MEETING_STARTED"
  | "MEETING_ENDED"
  | "IGNORED";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The fields of a Cal.com webhook body that Tandem reads (everything else is kept as received). */
interface CalcomPayload {
  uid?: unknown;
  rescheduleUid?: unknown;
  startTime?: unknown;
  endTime?: unknown;
  metadata?: unknown;
  cancelledBy?: unknown;
  rescheduledBy?: unknown;
  cancellationReason?: unknown;
}

const str = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim() : null);
const date = (v: unknown) => {
  const s = str(v);
  const d = s ? new Date(s) : null;
  return d && !Number.isNaN(d.getTime()) ? d : null;
};

/** Compares two hex signatures in constant time (different lengths are simply unequal). */
function sameSignature(expected: string, given: string) {
  const a = Buffer.from(expected, "utf8");
  const b = Buffer.from(given.trim().toLowerCase(), "utf8");
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The optional per-coach Cal.com connection (ADR 010). A coach saves a Cal.com API key: it is
 * checked with GET /v2/me, then kept sealed with the keyring (bound to the coach profile) and
 * never shown again, only its last four characters. While connected, each new service gets a
 * matching Cal.com event type (see `syncEventType`, used by the offerings service). Cal.com's
 * webhook reaches it through the webhook inbox (ADR 016): `verifyWebhook` checks the signature,
 * the inbox records the event once, and `applyWebhook` applies it to the matching booking through
 * the bookings and rooms services.
 */
export function createCalcomService(
  { db, env, keyring, log, now }: ServiceDeps,
  {
    bookings,
    notifications,
    rooms,
  }: { bookings: BookingService; notifications: NotificationService; rooms: RoomService },
  api: CalcomApi = createCalcomApi(env.CALCOM_API_URL),
) {
  const keyContext = (coachProfileId: string) => `calcom-api-key:${coachProfileId}`;

  async function ownProfile(actor: Actor) {
    const profile = await db.coachProfile.findUnique({
      where: { tenantId_userId: { tenantId: actor.tenantId, userId: actor.userId } },
      select: { id: true, status: true, calcomApiKeySealed: true, calcomConnectedAt: true },
    });
    if (!profile || (profile.status !== "APPROVED" && profile.status !== "SUSPENDED"))
      throw forbidden("Only approved coaches connect Cal.com.");
    return profile;
  }

  /** The coach's API key, or null when not connected. */
  async function apiKeyOf(coachProfileId: string): Promise<string | null> {
    const row = await db.coachProfile.findUnique({
      where: { id: coachProfileId },
      select: { calcomApiKeySealed: true },
    });
    return row?.calcomApiKeySealed ? keyring.openText(row.calcomApiKeySealed, keyContext(coachProfileId)) : null;
  }

  /** The signing secret of one coach's webhook: derived from CALCOM_WEBHOOK_SECRET, so nothing is stored. */
  function coachWebhookSecret(coachProfileId: string): string | null {
    const root = env.CALCOM_WEBHOOK_SECRET;
    return root ? createHmac("sha256", root).update(`calcom-webhook:${coachProfileId}`).digest("base64url") : null;
  }

  /** A Cal.com failure as the coach should read it; nothing was saved. */
  function asAppError(error: unknown, what: string): never {
    if (error instanceof CalcomError) {
      if (error.kind === "unauthorized")
        throw new AppError(
          "CONFLICT",
          `${what}: Cal.com no longer accepts your API key. Reconnect Cal.com under Integrations. Nothing was saved. (${error.message})`,
        );
      throw new AppError("CONFLICT", `${what}: ${error.message} Nothing was saved; please try again.`);
    }
    throw error;
  }

  /** A tenant user, as the bookings and payments services see them. */
  async function actorFor(tenantId: string, userId: string): Promise<Actor> {
    const membership = await db.membership.findUnique({
      where: { tenantId_userId: { tenantId, userId } },
      select: { role: true },
    });
    return { tenantId, userId, role: membership?.role ?? "CLIENT" };
  }

  type Match = {
    id: string;
    tenantId: string;
    status: string;
    startsAt: Date;
    calcomUid: string | null;
    clientId: string;
    coachProfileId: string;
    coachUserId: string;
    clientEmail: string;
  };

  /** The booking a payload is about: by Cal.com uid (old or new), else by our id in its metadata. */
  async function findBooking(payload: CalcomPayload, coachProfileId: string | null): Promise<Match | null> {
    const uids = [str(payload.uid), str(payload.rescheduleUid)].filter((u): u is string => u !== null);
    const metadata =
      payload.metadata && typeof payload.metadata === "object" ? (payload.metadata as Record<string, unknown>) : {};
    const ours = str(metadata.tandemBookingId);
    const or: Prisma.BookingWhereInput[] = [];
    if (uids.length) or.push({ calcomUid: { in: uids } });
    if (ours && UUID.test(ours)) or.push({ id: ours });
    if (!or.length) return null;
    const rows = await db.booking.findMany({
      where: { OR: or, ...(coachProfileId ? { coachProfileId } : {}) },
      select: {
        id: true,
        tenantId: true,
        status: true,
        startsAt: true,
        calcomUid: true,
        clientId: true,
        coachProfileId: true,
        coachProfile: { select: { userId: true } },
      },
    });
    // A uid match wins over the metadata id.
    const row =
      rows.find((r) => r.calcomUid !== null && uids.includes(r.calcomUid)) ??
      rows.find((r) => r.id === ours && (r.calcomUid === null || uids.includes(r.calcomUid)));
    if (!row) return null;
    const client = await db.user.findUniqueOrThrow({ where: { id: row.clientId }, select: { email: true } });
    const { coachProfile, ...rest } = row;
    return { ...rest, coachUserId: coachProfile.userId, clientEmail: client.email };
  }

  /** Who acted in Cal.com: the client when the email Cal.com names is theirs, otherwise the coach. */
  const byClient = (booking: Match, email: string | null) =>
    email !== null && email.toLowerCase() === booking.clientEmail.toLowerCase();

  async function tellCoach(booking: Match, title: string, body: string) {
    await notifications
      .notify({
        tenantId: booking.tenantId,
        userId: booking.coachUserId,
        kind: "calcom.sync",
        title,
        body,
        link: `/bookings/${booking.id}`,
      })
      .catch((e: unknown) =>
        log.warn("could not tell the coach about a Cal.com change", { bookingId: booking.id, error: String(e) }),
      );
  }

  /** Attendance from Cal.com's meeting start and end: both participants, for the meeting's span. */
  async function recordMeeting(
    booking: Match,
    trigger: "MEETING_STARTED" | "MEETING_ENDED",
    at: Date,
  ): Promise<CalcomOutcome> {
    await rooms.recordMeeting({
      tenantId: booking.tenantId,
      room: bookingRoom(booking.id),
      userIds: bookingParticipants(booking).map((p) => p.userId),
      transport: "calcom",
      phase: trigger === "MEETING_STARTED" ? "start" : "end",
      at,
      scheduledStart: booking.startsAt,
    });
    return trigger;
  }

  type Handled = { outcome: CalcomOutcome; error?: string; tenantId?: string; bookingId?: string };

  async function apply(
    trigger: string,
    payload: CalcomPayload,
    at: Date,
    coachProfileId: string | null,
  ): Promise<Handled> {
    if (
      !["BOOKING_CREATED", "BOOKING_CANCELLED", "BOOKING_RESCHEDULED", "MEETING_STARTED", "MEETING_ENDED"].includes(
        trigger,
      )
    ) {
      return { outcome: "IGNORED", error: `Tandem does not act on ${trigger || "this trigger"}.` };
    }
    const booking = await findBooking(payload, coachProfileId);
    if (!booking)
      return { outcome: "IGNORED", error: `No booking matches Cal.com uid ${str(payload.uid) ?? "(none)"}.` };
    const where = { tenantId: booking.tenantId, bookingId: booking.id };
    const uid = str(payload.uid);

    // Links the Cal.com booking to ours on first sight (metadata match), and follows a reschedule's new uid.
    const linked = booking.calcomUid === uid;
    if (uid && !linked) {
      await db.booking.update({ where: { id: booking.id }, data: { calcomUid: uid } });
    }

    switch (trigger) {
      case "BOOKING_CREATED":
        return { ...where, outcome: linked ? "ALREADY_LINKED" : "LINKED" };

      case "BOOKING_CANCELLED": {
        if (booking.status === "CANCELLED") return { ...where, outcome: "ALREADY_CANCELLED" };
        // The client's own cancellation follows the tenant's refund policy; anyone else's (the
        // coach in Cal.com, or Cal.com naming nobody) refunds in full, as a coach's cancellation does.
        const actor = await actorFor(
          booking.tenantId,
          byClient(booking, str(payload.cancelledBy)) ? booking.clientId : booking.coachUserId,
        );
        const reason = str(payload.cancellationReason) ?? "Cancelled in Cal.com";
        try {
          await bookings.cancel(actor, booking.id, reason.slice(0, 500));
          return { ...where, outcome: "CANCELLED" };
        } catch (error) {
          if (!(error instanceof AppError) || error.code === "BAD_REQUEST") throw error;
          await tellCoach(
            booking,
            "A Cal.com cancellation was not applied",
            `Cal.com cancelled this session, but Tandem could not: ${error.message}`,
          );
          return { ...where, outcome: "CANCEL_REFUSED", error: error.message };
        }
      }

      case "BOOKING_RESCHEDULED": {
        const startsAt = date(payload.startTime);
        if (!startsAt) return { ...where, outcome: "IGNORED", error: "The reschedule has no valid startTime." };
        if (startsAt.getTime() === booking.startsAt.getTime()) return { ...where, outcome: "ALREADY_AT_TIME" };
        const actor = await actorFor(
          booking.tenantId,
          byClient(booking, str(payload.rescheduledBy)) ? booking.clientId : booking.coachUserId,
        );
        try {
          await bookings.moveFromCalendar(actor, booking.id, startsAt);
          return { ...where, outcome: "RESCHEDULED" };
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          await tellCoach(
            booking,
            "A Cal.com reschedule was not applied",
            `Cal.com moved this session to ${startsAt.toISOString()}, but Tandem kept the old time: ${error.message}`,
          );
          return { ...where, outcome: "RESCHEDULE_CONFLICT", error: error.message };
        }
      }

      default:
        return { ...where, outcome: await recordMeeting(booking, trigger as "MEETING_STARTED" | "MEETING_ENDED", at) };
    }
  }

  return {
    /** The coach's connection: never the key itself, only its last four characters. */
    async status(actor: Actor) {
      const profile = await ownProfile(actor);
      let keyHint: string | null = null;
      if (profile.calcomApiKeySealed) {
        try {
          keyHint = keyring.openText(profile.calcomApiKeySealed, keyContext(profile.id)).slice(-4);
        } catch (error) {
          log.error("a sealed Cal.com key does not open", { coachProfileId: profile.id, error: String(error) });
          keyHint = "????";
        }
      }
      const services = await db.service.findMany({
        where: { coachProfileId: profile.id },
        orderBy: { createdAt: "asc" },
        select: { id: true, name: true, status: true, calcomEventTypeId: true },
      });
      return {
        connected: profile.calcomApiKeySealed !== null,
        connectedAt: profile.calcomConnectedAt,
        keyHint,
        webhookPath: `/webhooks/calcom?coach=${profile.id}`,
        /** Null while the site has no CALCOM_WEBHOOK_SECRET (webhooks are then refused). */
        webhookSecret: coachWebhookSecret(profile.id),
        services,
      };
    },

    /** Checks the key with Cal.com, then keeps it sealed. A refused key saves nothing. */
    async connect(actor: Actor, apiKey: string) {
      const profile = await ownProfile(actor);
      const key = apiKey.trim();
      let account;
      try {
        account = await api.me(key);
      } catch (error) {
        if (error instanceof CalcomError && error.kind === "unauthorized") {
          throw new AppError("BAD_REQUEST", "Cal.com did not accept this API key.", {
            apiKey: [`Cal.com did not accept this key: ${error.message}`],
          });
        }
        asAppError(error, "Cal.com could not check the key");
      }
      await db.coachProfile.update({
        where: { id: profile.id },
        data: { calcomApiKeySealed: keyring.sealText(key, keyContext(profile.id)), calcomConnectedAt: now() },
      });
      log.info("coach connected Cal.com", { coachProfileId: profile.id, calcomUserId: account.id });
      return { connected: true as const, keyHint: key.slice(-4), username: account.username };
    },

    /** Forgets the key. Event types already made stay in Cal.com (the coach manages them there). */
    async disconnect(actor: Actor) {
      const profile = await ownProfile(actor);
      await db.coachProfile.update({
        where: { id: profile.id },
        data: { calcomApiKeySealed: null, calcomConnectedAt: null },
      });
      return { connected: false as const };
    },

    /**
     * Keeps a service's Cal.com event type in step, BEFORE the caller writes the service: returns
     * the event type id to store (or the current one, or null when the coach is not connected).
     * A Cal.com failure is an AppError naming Cal.com's answer; the caller then writes nothing.
     * `rollback` deletes an event type made here when the caller's own write fails afterwards.
     */
    async syncEventType(
      coachProfileId: string,
      service: {
        id: string;
        name: string;
        description: string;
        durationMinutes: number;
        archived: boolean;
        calcomEventTypeId: number | null;
      },
    ): Promise<{ eventTypeId: number | null; rollback: () => Promise<void> }> {
      const noop = { eventTypeId: service.calcomEventTypeId, rollback: async () => undefined };
      const key = await apiKeyOf(coachProfileId);
      if (!key) return noop;
      const fields: Omit<CalcomEventTypeInput, "slug"> = {
        title: service.name,
        lengthInMinutes: service.durationMinutes,
        description: service.description,
        hidden: service.archived,
      };
      try {
        if (service.calcomEventTypeId !== null) {
          try {
            await api.updateEventType(key, service.calcomEventTypeId, fields);
            return noop;
          } catch (error) {
            // Deleted in Cal.com (or another Cal.com account now): make a new one below.
            if (!(error instanceof CalcomError && error.kind === "not_found")) throw error;
          }
        }
        const created = await api.createEventType(key, {
          ...fields,
          slug: eventTypeSlug(service.name, service.id.slice(0, 8)),
        });
        return {
          eventTypeId: created.id,
          rollback: () =>
            api.deleteEventType(key, created.id).catch((e: unknown) =>
              log.warn("could not delete an orphan Cal.com event type", {
                eventTypeId: created.id,
                error: String(e),
              }),
            ),
        };
      } catch (error) {
        asAppError(error, "The Cal.com event type could not be saved");
      }
    },

    /**
     * Cal.com's webhook. With `coach` (the URL the coach pasted into Cal.com) the signature is
     * checked with that coach's derived secret and only their bookings are touched; without it,
     * with CALCOM_WEBHOOK_SECRET itself (an operator-wide webhook). Cal.com sends no event id:
     * the id is the coach (or "site") and the body's SHA-256, so a repeated delivery is the same
     * event. The webhook inbox (ADR 016) records it once and hands it to `applyWebhook`.
     */
    verifyWebhook(rawBody: string, signature: string | null, coach: string | null) {
      if (!env.CALCOM_WEBHOOK_SECRET)
        throw new AppError(
          "NOT_FOUND",
          "Cal.com webhooks are not enabled on this site (CALCOM_WEBHOOK_SECRET is not set).",
        );
      if (coach !== null && !UUID.test(coach))
        throw new AppError("BAD_REQUEST", "The coach parameter of the webhook URL is not valid.");
      if (!signature) throw new AppError("UNAUTHORIZED", "The X-Cal-Signature-256 header is missing.");
      const secret = coach === null ? env.CALCOM_WEBHOOK_SECRET : coachWebhookSecret(coach)!;
      const expected = createHmac("sha256", secret).update(rawBody, "utf8").digest("hex");
      if (!sameSignature(expected, signature))
        throw new AppError("UNAUTHORIZED", "The X-Cal-Signature-256 signature does not match this body and secret.");

      let body: { triggerEvent?: unknown; createdAt?: unknown; payload?: unknown };
      try {
        body = JSON.parse(rawBody) as typeof body;
      } catch {
        throw new AppError("BAD_REQUEST", "The body is not JSON.");
      }
      if (!body || typeof body !== "object")
        throw new AppError("BAD_REQUEST", "The body is not a Cal.com webhook event.");
      const eventId = `${coach ?? "site"}:${createHash("sha256").update(rawBody, "utf8").digest("hex")}`;
      return { eventId, type: str(body.triggerEvent) || "unknown", payload: body as unknown };
    },

    /** A verified Cal.com event (its id from `verifyWebhook` and its JSON body), applied to the matching booking. */
    async applyWebhook(eventId: string, stored: unknown): Promise<Handled> {
      const body = (stored && typeof stored === "object" ? stored : {}) as {
        triggerEvent?: unknown;
        createdAt?: unknown;
        payload?: unknown;
      };
      const coach = eventId.startsWith("site:") ? null : eventId.slice(0, eventId.indexOf(":"));
      const trigger = str(body.triggerEvent) ?? "";
      const payload = (body.payload && typeof body.payload === "object" ? body.payload : {}) as CalcomPayload;
      const at = date(body.createdAt) ?? now();
      return apply(trigger, payload, at, coach);
    },
  };
}

export type CalcomService = ReturnType<typeof createCalcomService>;
