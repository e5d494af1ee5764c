import { randomBytes, randomUUID } from "node:crypto";
import { createEvent, createEvents, type EventAttributes } from "ics";
import { type Booking, type BookingStatus, Prisma, preparedQuery } from "../../db/client.ts";
import { AppError, forbidden, notFound } from "../../errors.ts";
import { type Actor, offeredSessionTypes } from "../../policies/coaching.ts";
import type { ServiceDeps } from "../deps.ts";
import { inZone } from "../format.ts";
import type { NotificationService } from "../notifications/service.ts";
import { type Availability, availabilitySchema, computeSlotsFromStored } from "../scheduling/slots.ts";
import { roomClosesAt } from "../sessions/window.ts";
import { resolveFeeBps, splitPayment } from "./money.ts";
import {
  busyWindowAround,
  holdBusyWindow,
  nextFreeAfterTaking,
  parseSchedule,
  type ScheduleRow,
  type ScheduleWindow,
  scheduleColumns,
} from "./schedule.ts";
import { describeCreditPolicy, describePolicy } from "./policy.ts";
import { assertBookingTransition } from "./status.ts";

export type AvailabilityInput = Omit<Availability, "timeOff">;

const DAY = 86_400_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HOLD_EXPIRED = "The hold expired before payment.";
/** How long a booking change waits before the directory's next free slot is recomputed (coalescing). */
const NEXT_FREE_DELAY_MS = 500;

/** What `hold` reads in its one query. */
interface HoldContextRow extends ScheduleRow {
  id: string;
  coachProfileId: string;
  durationMinutes: number;
  priceMinor: number;
  currency: string;
  delivery: "ONLINE" | "IN_PERSON";
  sessionType: "VIDEO" | "PHONE" | "CHAT" | "IN_PERSON";
  premiumOnly: boolean;
  coachStatus: string;
  coachUserId: string;
  platformFeeBpsOverride: number | null;
  payoutsEnabled: boolean;
  coachSessionTypes: string[];
  platformFeeBps: number;
  bookingHoldMinutes: number;
  nextFreeSlotAt: Date | null;
  shortestMinutes: number | null;
  premium: boolean;
}

/** A unique violation of the exclusion constraint (pg error 23P01) under the pg driver adapter. */
function isOverlap(error: unknown): boolean {
  const text = JSON.stringify(error, Object.getOwnPropertyNames(error ?? {})) + String(error);
  return text.includes("booking_no_overlap") || text.includes("23P01");
}

/**
 * Availability, free slots and the booking lifecycle up to confirmation. The database's
 * exclusion constraint is the last word on overlaps; the slot engine decides what is offered.
 */
export const REMINDERS = { "24h": 24 * 3_600_000, "1h": 3_600_000 } as const;
export type ReminderKind = keyof typeof REMINDERS;

export function createBookingService(
  { db, env, now, realtime, jobs, log }: ServiceDeps,
  notifications?: NotificationService,
  hooks?: {
    /** After a booking became CONFIRMED and both people were told (the relationships service starts one). */
    confirmed?: (booking: { tenantId: string; coachProfileId: string; clientId: string }) => Promise<unknown>;
  },
) {
  async function coachInTenant(tenantId: string, coachProfileId: string) {
    const coach = await db.coachProfile.findFirst({
      where: { id: coachProfileId, tenantId, status: "APPROVED" },
      select: { id: true, userId: true, platformFeeBpsOverride: true, displayName: true },
    });
    if (!coach) throw notFound("That coach");
    return coach;
  }

  async function ownCoachProfile(actor: Actor) {
    const profile = await db.coachProfile.findUnique({
      where: { tenantId_userId: { tenantId: actor.tenantId, userId: actor.userId } },
      select: { id: true, status: true, timeZone: true },
    });
    if (!profile || (profile.status !== "APPROVED" && profile.status !== "SUSPENDED"))
      throw forbidden("Only approved coaches set availability.");
    return profile;
  }

  /** The slot engine's inputs for one coach in one round trip (schedule.ts). */
  async function loadSchedule(coachProfileId: string, window: ScheduleWindow) {
    const [row] = await preparedQuery<ScheduleRow>(
      db,
      "coach_schedule",
      Prisma.sql`SELECT ${scheduleColumns(Prisma.sql`${coachProfileId}::uuid`, window)}`,
    );
    return parseSchedule(row!);
  }

  async function freeSlots(
    coachProfileId: string,
    durationMinutes: number,
    window: { from?: Date; to?: Date } = {},
    excludeBookingId?: string,
  ) {
    const at = now();
    const from = window.from ?? at;
    // Without an end, the window (and the busy ranges read) run to the coach's booking horizon.
    const { availability, busy } = await loadSchedule(coachProfileId, {
      ...busyWindowAround(from, window.to),
      excludeBookingId,
      at,
    });
    if (!availability) return [];
    return computeSlotsFromStored({ availability, durationMinutes, busy, now: at, from, to: window.to });
  }

  /**
   * Starts a booking write for this coach: takes the coach's transaction-scoped advisory lock, so
   * that concurrent holds of one coach queue instead of deadlocking on each other's uncommitted
   * rows in the exclusion constraint (bench/booking.ts showed that), then releases holds that
   * ran out, so that their time is free again. `hold` does the same inside its single statement.
   */
  async function releaseExpiredHolds(tx: Prisma.TransactionClient, coachProfileId: string) {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${coachProfileId}, 0))`;
    const expired = await tx.booking.updateMany({
      where: { coachProfileId, status: "PENDING", holdExpiresAt: { lte: now() } },
      data: { status: "CANCELLED", cancelledAt: now(), cancellationReason: HOLD_EXPIRED },
    });
    return expired.count;
  }

  /** Recomputes when the coach is next free (shortest active service), for the directory filter. */
  async function refreshNextFree(coachProfileId: string): Promise<Date | null> {
    const shortest = await db.service.aggregate({
      where: { coachProfileId, status: "ACTIVE" },
      _min: { durationMinutes: true },
    });
    const duration = shortest._min.durationMinutes;
    // The first free slot is usually near: look a week ahead, then a month, then the whole horizon.
    let next: Date | null = null;
    if (duration) {
      const at = now();
      for (const days of [7, 31, 366]) {
        const [first] = await freeSlots(coachProfileId, duration, {
          from: at,
          to: new Date(at.getTime() + days * DAY),
        });
        if (first) {
          next = first.start;
          break;
        }
      }
    }
    // Coaches without hours have no row, and no next free slot: the directory treats them so.
    await db.coachAvailability.updateMany({ where: { coachProfileId }, data: { nextFreeSlotAt: next } });
    return next;
  }

  /**
   * Refreshes of the directory's next free slot that booking changes asked for, coalesced per
   * coach: a change waits NEXT_FREE_DELAY_MS, and every further change of that coach until the
   * refresh starts is covered by it. Clients booking do not wait for the directory.
   */
  const refreshQueued = new Set<string>();
  const refreshRunning = new Map<string, Promise<void>>();
  function refreshNextFreeSoon(coachProfileId: string) {
    if (refreshQueued.has(coachProfileId)) return;
    refreshQueued.add(coachProfileId);
    const previous = refreshRunning.get(coachProfileId) ?? Promise.resolve();
    const run: Promise<void> = previous
      .then(() => new Promise((resolve) => setTimeout(resolve, NEXT_FREE_DELAY_MS)))
      .then(() => {
        refreshQueued.delete(coachProfileId);
        return refreshNextFree(coachProfileId);
      })
      .then(
        () => undefined,
        (e: unknown) => log.warn("next free slot not refreshed", { coachProfileId, error: String(e) }),
      )
      .finally(() => {
        if (refreshRunning.get(coachProfileId) === run) refreshRunning.delete(coachProfileId);
      });
    refreshRunning.set(coachProfileId, run);
  }

  /** Tells open pages; the coach's own changes refresh the directory at once, bookings soon after. */
  async function afterChange(tenantId: string, coachProfileId: string, directory: "now" | "soon" = "soon") {
    realtime.emitToTenant(tenantId, "availability:changed", { coachId: coachProfileId });
    if (directory === "soon") return refreshNextFreeSoon(coachProfileId);
    await refreshNextFree(coachProfileId).catch((e: unknown) =>
      log.warn("next free slot not refreshed", { coachProfileId, error: String(e) }),
    );
  }

  /** Queues the 24-hour and 1-hour reminders of a confirmed booking (those still ahead). */
  async function scheduleReminders(bookingId: string) {
    if (!jobs) return;
    const booking = await db.booking.findUniqueOrThrow({
      where: { id: bookingId },
      select: { startsAt: true, endsAt: true },
    });
    for (const [kind, before] of Object.entries(REMINDERS) as [ReminderKind, number][]) {
      const at = new Date(booking.startsAt.getTime() - before);
      if (at <= now()) continue;
      await jobs
        .send("bookings.reminder", { bookingId, kind, startsAt: booking.startsAt.toISOString() }, { startAfter: at })
        .catch((e: unknown) => log.error("could not schedule a reminder", { bookingId, kind, error: String(e) }));
    }
    // The session's outcome (completed, no-show) is decided once its room closes; a recurring sweep catches any job lost.
    await jobs
      .send("sessions.outcome", { bookingId }, { startAfter: roomClosesAt(booking.endsAt) })
      .catch((e: unknown) => log.error("could not schedule the session outcome", { bookingId, error: String(e) }));
  }

  /**
   * Tells both people that a session is booked, once, when it becomes CONFIRMED (paid, or booked
   * with a credit): in-app and by mail, each in their own time zone; the coach also learns the
   * topic and how many files the client attached to prepare. Never fails the confirmation.
   */
  async function announceConfirmed(bookingId: string) {
    if (!notifications) return afterConfirmed(bookingId);
    try {
      const b = await db.booking.findUniqueOrThrow({
        where: { id: bookingId },
        select: {
          tenantId: true,
          startsAt: true,
          clientId: true,
          topic: true,
          coachProfile: { select: { userId: true, displayName: true } },
          service: { select: { name: true } },
          _count: { select: { files: { where: { kind: "PREPARATION" } } } },
        },
      });
      const people = new Map(
        (
          await db.user.findMany({
            where: { id: { in: [b.clientId, b.coachProfile.userId] } },
            select: { id: true, name: true, timeZone: true },
          })
        ).map((u) => [u.id, u]),
      );
      const coach = people.get(b.coachProfile.userId);
      const client = people.get(b.clientId);
      const what = b.service?.name ?? "Coaching session";
      const link = `/bookings/${bookingId}`;
      if (coach) {
        const files = b._count.files;
        const details = [
          b.topic ? `Topic: ${b.topic}.` : "",
          files ? `${files === 1 ? "1 file" : `${files} files`} to prepare.` : "",
        ]
          .filter(Boolean)
          .join(" ");
        await notifications.notify({
          tenantId: b.tenantId,
          userId: coach.id,
          kind: "booking.confirmed",
          title: `New session booked by ${client?.name ?? "a client"}`,
          body: `${what} on ${inZone(b.startsAt, coach.timeZone)}.${details ? ` ${details}` : ""}`,
          link,
          email: true,
        });
      }
      if (client) {
        await notifications.notify({
          tenantId: b.tenantId,
          userId: client.id,
          kind: "booking.confirmed",
          title: `Your session with ${b.coachProfile.displayName} is booked`,
          body: `${what} on ${inZone(b.startsAt, client.timeZone)}. The booking page has the calendar file and, from 10 minutes before the start, the session room.`,
          link,
          email: true,
        });
      }
    } catch (error) {
      log.error("could not announce a confirmed booking", { bookingId, error: String(error) });
    }
    await afterConfirmed(bookingId);
  }

  async function afterConfirmed(bookingId: string) {
    if (!hooks?.confirmed) return;
    try {
      const b = await db.booking.findUniqueOrThrow({
        where: { id: bookingId },
        select: { tenantId: true, coachProfileId: true, clientId: true },
      });
      await hooks.confirmed(b);
    } catch (error) {
      log.error("could not run the confirmed-booking hook", { bookingId, error: String(error) });
    }
  }

  /** A confirmed booking of the actor (client or coach) that may still be moved. */
  async function movable(actor: Actor, bookingId: string) {
    const row = await db.booking.findFirst({
      where: {
        id: bookingId,
        tenantId: actor.tenantId,
        OR: [{ clientId: actor.userId }, { coachProfile: { userId: actor.userId } }],
      },
      select: {
        id: true,
        status: true,
        startsAt: true,
        endsAt: true,
        clientId: true,
        coachProfileId: true,
        coachProfile: { select: { userId: true } },
      },
    });
    if (!row) throw notFound("That booking");
    if (row.status !== "CONFIRMED") throw new AppError("CONFLICT", "Only confirmed bookings can be moved.");
    const tenant = await db.tenant.findUniqueOrThrow({
      where: { id: actor.tenantId },
      select: { cancellationFullRefundHours: true },
    });
    if (row.startsAt.getTime() - now().getTime() < tenant.cancellationFullRefundHours * 3_600_000) {
      throw new AppError(
        "CONFLICT",
        `Sessions can be moved up to ${tenant.cancellationFullRefundHours} hours before they start.`,
      );
    }
    return {
      ...row,
      coachUserId: row.coachProfile.userId,
      durationMinutes: Math.round((row.endsAt.getTime() - row.startsAt.getTime()) / 60_000),
    };
  }

  /** Moves a movable booking to `startsAt` (same length); the exclusion constraint has the last word. */
  async function applyMove(actor: Actor, booking: Awaited<ReturnType<typeof movable>>, startsAt: Date) {
    const endsAt = new Date(startsAt.getTime() + booking.durationMinutes * 60_000);
    try {
      const { count } = await db.booking.updateMany({
        where: { id: booking.id, status: "CONFIRMED", startsAt: booking.startsAt },
        data: { startsAt, endsAt },
      });
      if (count === 0) throw new AppError("CONFLICT", "This booking changed just now. Reload and try again.");
    } catch (error) {
      if (isOverlap(error))
        throw new AppError("CONFLICT", "This time was just taken. Please choose another time.", {
          startsAt: ["This time was just taken."],
        });
      throw error;
    }
    await scheduleReminders(booking.id);
    await afterChange(actor.tenantId, booking.coachProfileId);
    const other = booking.clientId === actor.userId ? booking.coachUserId : booking.clientId;
    await notifications?.notify({
      tenantId: actor.tenantId,
      userId: other,
      kind: "booking.moved",
      title: "A session was moved to a new time",
      link: `/bookings/${booking.id}`,
      email: true,
    });
    return db.booking.findUniqueOrThrow({
      where: { id: booking.id },
      select: { id: true, startsAt: true, endsAt: true, status: true },
    });
  }

  async function transition(
    bookingId: string,
    from: BookingStatus,
    to: BookingStatus,
    data: Prisma.BookingUpdateManyMutationInput = {},
  ) {
    assertBookingTransition(from, to);
    const { count } = await db.booking.updateMany({
      where: { id: bookingId, status: from },
      data: { ...data, status: to },
    });
    if (count === 0) throw new AppError("CONFLICT", "This booking changed just now. Reload and try again.");
  }

  return {
    freeSlots,

    /** Resolves once the directory refreshes asked for so far have run (shutdown, tests). */
    async settled() {
      while (refreshRunning.size > 0) await Promise.all(refreshRunning.values());
    },

    /** Every coach with availability, e.g. hourly, because time passing moves the next free slot. */
    async refreshAllNextFree() {
      const coaches = await db.coachAvailability.findMany({ select: { coachProfileId: true } });
      for (const c of coaches) await refreshNextFree(c.coachProfileId);
      return { refreshed: coaches.length };
    },

    async myAvailability(actor: Actor) {
      const profile = await ownCoachProfile(actor);
      const row = await db.coachAvailability.findUnique({ where: { coachProfileId: profile.id } });
      const timeOff = await db.timeOff.findMany({
        where: { coachProfileId: profile.id, endsAt: { gt: now() } },
        orderBy: { startsAt: "asc" },
      });
      return {
        availability: row ?? {
          timeZone: profile.timeZone,
          weekly: [],
          overrides: [],
          bufferBeforeMinutes: 0,
          bufferAfterMinutes: 0,
          minNoticeMinutes: 720,
          horizonDays: 60,
          dailyCap: null,
          slotStepMinutes: 15,
        },
        timeOff,
      };
    },

    async setAvailability(actor: Actor, input: AvailabilityInput) {
      const profile = await ownCoachProfile(actor);
      const parsed = availabilitySchema.safeParse({ ...input, timeOff: [] });
      if (!parsed.success) {
        const fieldErrors: Record<string, string[]> = {};
        for (const issue of parsed.error.issues)
          (fieldErrors[issue.path.join(".") || "_form"] ??= []).push(issue.message);
        throw new AppError("BAD_REQUEST", "Some availability settings need attention.", fieldErrors);
      }
      const a = parsed.data;
      const data = {
        timeZone: a.timeZone,
        weekly: a.weekly as unknown as Prisma.InputJsonValue,
        overrides: a.overrides as unknown as Prisma.InputJsonValue,
        bufferBeforeMinutes: a.bufferBeforeMinutes,
        bufferAfterMinutes: a.bufferAfterMinutes,
        minNoticeMinutes: a.minNoticeMinutes,
        horizonDays: a.horizonDays,
        dailyCap: a.dailyCap ?? null,
        slotStepMinutes: a.slotStepMinutes ?? 15,
      };
      const row = await db.coachAvailability.upsert({
        where: { coachProfileId: profile.id },
        update: data,
        create: { ...data, coachProfileId: profile.id, tenantId: actor.tenantId },
      });
      await afterChange(actor.tenantId, profile.id, "now");
      return row;
    },

    async addTimeOff(actor: Actor, input: { startsAt: Date; endsAt: Date; reason: string }) {
      const profile = await ownCoachProfile(actor);
      if (input.endsAt <= input.startsAt)
        throw new AppError("BAD_REQUEST", "Time off must end after it starts.", {
          endsAt: ["Must be after the start."],
        });
      const row = await db.timeOff.create({ data: { ...input, tenantId: actor.tenantId, coachProfileId: profile.id } });
      await afterChange(actor.tenantId, profile.id, "now");
      return row;
    },

    async removeTimeOff(actor: Actor, timeOffId: string) {
      const profile = await ownCoachProfile(actor);
      const { count } = await db.timeOff.deleteMany({ where: { id: timeOffId, coachProfileId: profile.id } });
      if (count === 0) throw notFound("That time off");
      await afterChange(actor.tenantId, profile.id, "now");
    },

    /** Free start times of a coach's service, for clients of the same tenant. */
    async slotsForService(tenantId: string, serviceId: string, window: { from?: Date; to?: Date }) {
      const service = await db.service.findFirst({
        where: { id: serviceId, tenantId, status: "ACTIVE", coachProfile: { status: "APPROVED" } },
        select: { coachProfileId: true, durationMinutes: true },
      });
      if (!service) throw notFound("That service");
      return freeSlots(service.coachProfileId, service.durationMinutes, window);
    },

    /**
     * Books a free slot: a PENDING booking that holds the time until it is paid or the hold runs
     * out. Offered slots only; the exclusion constraint settles a race between two clients.
     */
    async hold(
      actor: Actor,
      input: {
        serviceId: string;
        startsAt: Date;
        sessionType?: "VIDEO" | "PHONE" | "CHAT" | "IN_PERSON";
        topic: string;
        clientNotes: string;
        packagePurchaseId?: string;
      },
    ) {
      if (!UUID.test(input.serviceId)) throw notFound("That service");
      const at = now();
      const startsAt = input.startsAt;
      // Service, coach, tenant settings, membership and the coach's schedule around the start: one round trip.
      const [row] = await preparedQuery<HoldContextRow>(
        db,
        "hold_context",
        Prisma.sql`
        SELECT s.id, s."coachProfileId", s."durationMinutes", s."priceMinor", s.currency, s.delivery::text, s."sessionType"::text, s."premiumOnly",
               c.status::text AS "coachStatus", c."userId" AS "coachUserId", c."platformFeeBpsOverride", c."payoutsEnabled", c."sessionTypes"::text[] AS "coachSessionTypes",
               t."platformFeeBps", t."bookingHoldMinutes", (SELECT n."nextFreeSlotAt" FROM "CoachAvailability" n WHERE n."coachProfileId" = s."coachProfileId") AS "nextFreeSlotAt",
               (SELECT min(x."durationMinutes") FROM "Service" x WHERE x."coachProfileId" = s."coachProfileId" AND x.status = 'ACTIVE') AS "shortestMinutes",
               coalesce((SELECT bool_or(m.premium) FROM "Membership" m WHERE m."tenantId" = s."tenantId" AND m."userId" = ${actor.userId}::uuid), false) AS premium,
               ${scheduleColumns(Prisma.sql`s."coachProfileId"`, { ...holdBusyWindow(startsAt), at })}
          FROM "Service" s JOIN "CoachProfile" c ON c.id = s."coachProfileId" JOIN "Tenant" t ON t.id = s."tenantId"
         WHERE s.id = ${input.serviceId}::uuid AND s."tenantId" = ${actor.tenantId}::uuid AND s.status = 'ACTIVE'`,
      );
      if (!row || row.coachStatus !== "APPROVED") throw notFound("That service");
      if (row.coachUserId === actor.userId) throw forbidden("You cannot book yourself.");
      // With real payments, a coach sells only once their payouts account can receive money
      // (a package credit was paid for when the package was bought).
      if (env.STRIPE_SECRET_KEY && !row.payoutsEnabled && !input.packagePurchaseId) {
        throw new AppError(
          "CONFLICT",
          "This coach cannot take bookings yet: their payouts are not set up. Please try again later.",
        );
      }
      if (row.premiumOnly && !row.premium) throw forbidden("This service is for premium members.");
      const sessionType = input.sessionType ?? row.sessionType;
      if (!offeredSessionTypes(row, row.coachSessionTypes).includes(sessionType)) {
        throw new AppError("BAD_REQUEST", "That session type is not offered for this service.", {
          sessionType: ["Not offered for this service."],
        });
      }
      const endsAt = new Date(startsAt.getTime() + row.durationMinutes * 60_000);
      const { availability, busy } = parseSchedule(row);
      const offered = availability
        ? computeSlotsFromStored({
            availability,
            durationMinutes: row.durationMinutes,
            busy,
            now: at,
            from: startsAt,
            to: new Date(startsAt.getTime() + 60_000),
          })
        : [];
      if (!offered.some((s) => s.start.getTime() === startsAt.getTime())) {
        throw new AppError("CONFLICT", "This time is no longer available. Please choose another time.", {
          startsAt: ["This time is no longer available."],
        });
      }
      const credit = input.packagePurchaseId ?? null;
      if (credit !== null && !UUID.test(credit))
        throw new AppError("CONFLICT", "This package has no credits left for this service.", {
          packagePurchaseId: ["No credits left."],
        });
      // A credit booking carries no money: the package's price, fee and payout are on its purchase.
      const money = credit
        ? { priceMinor: 0, platformFeeMinor: 0, coachPayoutMinor: 0 }
        : splitPayment(row.priceMinor, resolveFeeBps(row.platformFeeBpsOverride, row.platformFeeBps));
      const holdExpiresAt = credit ? null : new Date(at.getTime() + row.bookingHoldMinutes * 60_000);
      const status: BookingStatus = credit ? "CONFIRMED" : "PENDING";
      // The directory's next free slot once this time is taken, written by the same statement
      // when it can be told from what was read (and nobody changed it meanwhile).
      const nextFree = nextFreeAfterTaking({
        availability: availability!,
        busy,
        taken: { start: startsAt, end: endsAt },
        shortestMinutes: row.shortestMinutes,
        previous: row.nextFreeSlotAt,
        now: at,
      });
      // One statement, one implicit transaction: the coach's advisory lock (see releaseExpiredHolds),
      // expired holds released, the credit taken if one is used, the booking inserted. Of two
      // bookings racing for the last credit, the second waits for the first's row lock, re-reads
      // the row and takes nothing, so it inserts nothing. The exclusion constraint settles overlaps.
      let booking: (Booking & { nextFreeSet?: boolean }) | undefined;
      try {
        [booking] = await preparedQuery<Booking & { nextFreeSet: boolean }>(
          db,
          "hold_insert",
          Prisma.sql`
          WITH lock AS MATERIALIZED (SELECT pg_advisory_xact_lock(hashtextextended(${row.coachProfileId}, 0)) AS held),
          expired AS (
            UPDATE "Booking" SET status = 'CANCELLED', "cancelledAt" = ${at}, "cancellationReason" = ${HOLD_EXPIRED}, "updatedAt" = ${at}
             WHERE "coachProfileId" = ${row.coachProfileId}::uuid AND status = 'PENDING' AND "holdExpiresAt" <= ${at} AND EXISTS (SELECT 1 FROM lock)
            RETURNING 1),
          credit AS (
            UPDATE "PackagePurchase" SET "creditsRemaining" = "creditsRemaining" - 1, "updatedAt" = ${at}
             WHERE id = ${credit}::uuid AND "tenantId" = ${actor.tenantId}::uuid AND "clientId" = ${actor.userId}::uuid AND "serviceId" = ${row.id}::uuid
               AND status = 'PAID' AND "creditsRemaining" > 0 AND EXISTS (SELECT 1 FROM lock)
            RETURNING 1),
          ins AS (
          INSERT INTO "Booking" (id, "tenantId", "coachProfileId", "clientId", "serviceId", status, "startsAt", "endsAt", "priceMinor", "platformFeeMinor", "coachPayoutMinor",
                                 currency, "sessionType", topic, "clientNotes", room, "holdExpiresAt", "confirmedAt", "packagePurchaseId", "updatedAt")
          SELECT ${randomUUID()}::uuid, ${actor.tenantId}::uuid, ${row.coachProfileId}::uuid, ${actor.userId}::uuid, ${row.id}::uuid, ${status}::"BookingStatus", ${startsAt}, ${endsAt},
                 ${money.priceMinor}, ${money.platformFeeMinor}, ${money.coachPayoutMinor}, ${row.currency}, ${sessionType}::"SessionType", ${input.topic}, ${input.clientNotes},
                 ${randomBytes(16).toString("base64url")}, ${holdExpiresAt}, ${credit ? at : null}, ${credit}::uuid, ${at}
           WHERE (SELECT count(*) FROM expired) >= 0 AND (${credit}::uuid IS NULL OR EXISTS (SELECT 1 FROM credit))
          RETURNING *),
          next_free AS (
            UPDATE "CoachAvailability" SET "nextFreeSlotAt" = ${nextFree.kind === "moved" ? nextFree.next : null}
             WHERE "coachProfileId" = ${row.coachProfileId}::uuid AND ${nextFree.kind === "moved"} AND "nextFreeSlotAt" IS NOT DISTINCT FROM ${row.nextFreeSlotAt}::timestamptz AND EXISTS (SELECT 1 FROM ins)
            RETURNING 1)
          SELECT ins.*, EXISTS (SELECT 1 FROM next_free) AS "nextFreeSet" FROM ins`,
        );
      } catch (error) {
        if (isOverlap(error))
          throw new AppError("CONFLICT", "This time was just taken. Please choose another time.", {
            startsAt: ["This time was just taken."],
          });
        throw error;
      }
      if (!booking)
        throw new AppError("CONFLICT", "This package has no credits left for this service.", {
          packagePurchaseId: ["No credits left."],
        });
      const { nextFreeSet, ...created } = booking;
      // Confirmed at once: the same reminders as a paid confirmation. A hold needs no job of its
      // own: from holdExpiresAt on, the slot engine and the next hold treat it as free, and
      // expireDueHolds (every minute) marks it cancelled and tells open pages.
      if (credit) {
        await scheduleReminders(created.id);
        await announceConfirmed(created.id);
      }
      realtime.emitToTenant(actor.tenantId, "availability:changed", { coachId: row.coachProfileId });
      // Recomputed from scratch when the statement could not settle it, or when a refresh that
      // may have read the schedule before this booking is still on its way.
      if (
        (nextFree.kind === "moved" && !nextFreeSet) ||
        nextFree.kind === "unknown" ||
        refreshRunning.has(row.coachProfileId)
      )
        refreshNextFreeSoon(row.coachProfileId);
      return created;
    },

    /**
     * Cancels every hold whose time ran out, coach by coach under the coach's lock, and tells open
     * pages that the time is free (run every minute by the job queue; safe to repeat).
     */
    async expireDueHolds() {
      const at = now();
      const due = await db.booking.findMany({
        where: { status: "PENDING", holdExpiresAt: { lte: at } },
        distinct: ["coachProfileId"],
        select: { tenantId: true, coachProfileId: true },
      });
      let expired = 0;
      for (const { tenantId, coachProfileId } of due) {
        const count = await db.$transaction((tx) => releaseExpiredHolds(tx, coachProfileId));
        expired += count;
        if (count > 0) await afterChange(tenantId, coachProfileId);
      }
      return { expired };
    },

    /** Ends one hold that was not paid in time (safe to repeat; expireDueHolds does this for all). */
    async expireHold(bookingId: string) {
      const booking = await db.booking.findUnique({
        where: { id: bookingId },
        select: { status: true, holdExpiresAt: true, tenantId: true, coachProfileId: true },
      });
      if (!booking || booking.status !== "PENDING" || !booking.holdExpiresAt || booking.holdExpiresAt > now())
        return { expired: false };
      await transition(bookingId, "PENDING", "CANCELLED", { cancelledAt: now(), cancellationReason: HOLD_EXPIRED });
      await afterChange(booking.tenantId, booking.coachProfileId);
      return { expired: true };
    },

    /**
     * Cancels a PENDING or CONFIRMED booking (refunds are the payments service's part). With
     * `returnCredit`, a booking made with a package credit gives it back in the same transaction.
     */
    async cancel(
      bookingId: string,
      from: "PENDING" | "CONFIRMED",
      by: { userId: string; reason: string; returnCredit?: boolean },
    ) {
      assertBookingTransition(from, "CANCELLED");
      await db.$transaction(async (tx) => {
        const { count } = await tx.booking.updateMany({
          where: { id: bookingId, status: from },
          data: {
            status: "CANCELLED",
            cancelledAt: now(),
            cancelledById: by.userId,
            cancellationReason: by.reason || null,
            holdExpiresAt: null,
          },
        });
        if (count === 0) throw new AppError("CONFLICT", "This booking changed just now. Reload and try again.");
        if (!by.returnCredit) return;
        const { packagePurchaseId } = await tx.booking.findUniqueOrThrow({
          where: { id: bookingId },
          select: { packagePurchaseId: true },
        });
        if (packagePurchaseId)
          await tx.packagePurchase.update({
            where: { id: packagePurchaseId },
            data: { creditsRemaining: { increment: 1 } },
          });
      });
      const booking = await db.booking.findUniqueOrThrow({
        where: { id: bookingId },
        select: { tenantId: true, coachProfileId: true },
      });
      await afterChange(booking.tenantId, booking.coachProfileId);
    },

    /** Payment arrived (from the payment provider's confirmation path); repeating it changes nothing. */
    async confirmPaid(bookingId: string) {
      const booking = await db.booking.findUnique({ where: { id: bookingId }, select: { status: true } });
      if (!booking) throw notFound("That booking");
      if (booking.status === "CONFIRMED") return { confirmed: false, alreadyConfirmed: true };
      await transition(bookingId, "PENDING", "CONFIRMED", { confirmedAt: now(), holdExpiresAt: null });
      await scheduleReminders(bookingId);
      await announceConfirmed(bookingId);
      return { confirmed: true, alreadyConfirmed: false };
    },

    /** The coach's own bookings (not released holds), soonest first, with the client's name. */
    async forCoach(actor: Actor) {
      const profile = await ownCoachProfile(actor);
      const rows = await db.booking.findMany({
        where: { coachProfileId: profile.id, NOT: { status: "CANCELLED", confirmedAt: null } },
        orderBy: { startsAt: "asc" },
        select: {
          id: true,
          status: true,
          startsAt: true,
          endsAt: true,
          sessionType: true,
          topic: true,
          priceMinor: true,
          coachPayoutMinor: true,
          currency: true,
          clientId: true,
          packagePurchaseId: true,
          outcomeSummary: true,
          service: { select: { name: true } },
        },
      });
      const clients = await db.user.findMany({
        where: { id: { in: [...new Set(rows.map((r) => r.clientId))] } },
        select: { id: true, name: true },
      });
      const nameOf = new Map(clients.map((c) => [c.id, c.name]));
      return rows.map(({ clientId, ...r }) => ({ ...r, clientName: nameOf.get(clientId) ?? "Client" }));
    },

    /** The viewer's bookings as client, soonest first. */
    mine(actor: Actor) {
      return db.booking.findMany({
        where: { tenantId: actor.tenantId, clientId: actor.userId },
        orderBy: { startsAt: "asc" },
        select: {
          id: true,
          status: true,
          startsAt: true,
          endsAt: true,
          priceMinor: true,
          currency: true,
          sessionType: true,
          holdExpiresAt: true,
          packagePurchaseId: true,
          coachProfile: { select: { id: true, displayName: true } },
          service: { select: { name: true } },
        },
      });
    },

    /** Reminds client and coach of a session that is still on (in-app and by mail); run by the job queue. */
    async sendReminder(bookingId: string, kind: ReminderKind, plannedStart?: Date) {
      const booking = await db.booking.findUnique({
        where: { id: bookingId },
        select: {
          status: true,
          startsAt: true,
          tenantId: true,
          clientId: true,
          coachProfile: { select: { userId: true, displayName: true } },
          service: { select: { name: true } },
        },
      });
      if (!booking || booking.status !== "CONFIRMED" || booking.startsAt <= now()) return { sent: 0 };
      // A reminder planned for a start the booking no longer has (it was moved) is dropped.
      if (plannedStart && plannedStart.getTime() !== booking.startsAt.getTime()) return { sent: 0 };
      if (!notifications) throw new Error("Reminders need the notification service.");
      const when = kind === "24h" ? "tomorrow" : "in one hour";
      const title = `Reminder: ${booking.service?.name ?? "your session"} ${when}`;
      const people = await db.user.findMany({
        where: { id: { in: [booking.clientId, booking.coachProfile.userId] } },
        select: { id: true, timeZone: true },
      });
      for (const person of people) {
        // Each person reads the time in their own zone.
        const starts = new Intl.DateTimeFormat("en-GB", {
          dateStyle: "full",
          timeStyle: "short",
          timeZone: person.timeZone,
        }).format(booking.startsAt);
        await notifications.notify({
          tenantId: booking.tenantId,
          userId: person.id,
          kind: `booking.reminder.${kind}`,
          title,
          body: `Starts ${starts} (${person.timeZone}).`,
          link: `/bookings/${bookingId}`,
          email: true,
        });
      }
      return { sent: 2 };
    },

    /** The coach's private feed link, made on first use; `renew` replaces it (old links stop working). */
    async calendarFeedToken(actor: Actor, renew = false) {
      const profile = await ownCoachProfile(actor);
      const row = await db.coachProfile.findUniqueOrThrow({
        where: { id: profile.id },
        select: { calendarToken: true },
      });
      if (row.calendarToken && !renew) return row.calendarToken;
      const token = randomBytes(24).toString("base64url");
      await db.coachProfile.update({ where: { id: profile.id }, data: { calendarToken: token } });
      return token;
    },

    /** The feed for a token: the coach's confirmed sessions from 30 days ago on. Null for an unknown token. */
    async calendarFeed(token: string, origin: string) {
      if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) return null;
      const coach = await db.coachProfile.findUnique({
        where: { calendarToken: token },
        select: { id: true, displayName: true },
      });
      if (!coach) return null;
      const rows = await db.booking.findMany({
        where: {
          coachProfileId: coach.id,
          status: "CONFIRMED",
          startsAt: { gte: new Date(now().getTime() - 30 * DAY) },
        },
        orderBy: { startsAt: "asc" },
        select: { id: true, startsAt: true, endsAt: true, topic: true, service: { select: { name: true } } },
      });
      const events: EventAttributes[] = rows.map((b) => ({
        uid: `${b.id}@tandem`,
        start: b.startsAt.getTime(),
        startInputType: "utc",
        startOutputType: "utc",
        end: b.endsAt.getTime(),
        endInputType: "utc",
        endOutputType: "utc",
        title: b.service?.name ?? "Coaching session",
        description: b.topic ? `Topic: ${b.topic}` : "Tandem coaching session",
        url: `${origin}/bookings/${b.id}`,
        status: "CONFIRMED",
        productId: "tandem",
      }));
      if (events.length === 0)
        return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:tandem\r\nCALSCALE:GREGORIAN\r\nEND:VCALENDAR\r\n";
      const { error, value } = createEvents(events);
      if (error || !value) throw error ?? new Error("The calendar feed could not be made.");
      return value;
    },

    /** An iCalendar file of one booking for its client or coach (UTC times; calendars show them locally). */
    async icsFor(actor: Actor, bookingId: string, origin: string) {
      const booking = await db.booking.findFirst({
        where: {
          id: bookingId,
          tenantId: actor.tenantId,
          OR: [{ clientId: actor.userId }, { coachProfile: { userId: actor.userId } }],
        },
        select: {
          id: true,
          status: true,
          startsAt: true,
          endsAt: true,
          topic: true,
          coachProfile: { select: { displayName: true } },
          service: { select: { name: true } },
        },
      });
      if (!booking) throw notFound("That booking");
      const { error, value } = createEvent({
        uid: `${booking.id}@tandem`,
        start: booking.startsAt.getTime(),
        startInputType: "utc",
        startOutputType: "utc",
        end: booking.endsAt.getTime(),
        endInputType: "utc",
        endOutputType: "utc",
        title: `${booking.service?.name ?? "Coaching session"} with ${booking.coachProfile.displayName}`,
        description: booking.topic ? `Topic: ${booking.topic}` : "Tandem coaching session",
        url: `${origin}/bookings/${booking.id}`,
        status:
          booking.status === "CANCELLED" ? "CANCELLED" : booking.status === "CONFIRMED" ? "CONFIRMED" : "TENTATIVE",
        productId: "tandem",
      });
      if (error || !value) throw error ?? new Error("The calendar file could not be made.");
      return value;
    },

    /** Times a confirmed booking could move to (its own time does not count as taken). */
    async rescheduleOptions(actor: Actor, bookingId: string, window: { from?: Date; to?: Date } = {}) {
      const booking = await movable(actor, bookingId);
      return freeSlots(booking.coachProfileId, booking.durationMinutes, window, booking.id);
    },

    /**
     * Moves a confirmed booking to another offered time without paying again, up to the tenant's
     * full-refund window before its start. The exclusion constraint still has the last word.
     */
    async reschedule(actor: Actor, bookingId: string, startsAt: Date) {
      const booking = await movable(actor, bookingId);
      const offered = await freeSlots(
        booking.coachProfileId,
        booking.durationMinutes,
        { from: startsAt, to: new Date(startsAt.getTime() + 60_000) },
        booking.id,
      );
      if (!offered.some((s) => s.start.getTime() === startsAt.getTime())) {
        throw new AppError("CONFLICT", "This time is no longer available. Please choose another time.", {
          startsAt: ["This time is no longer available."],
        });
      }
      return applyMove(actor, booking, startsAt);
    },

    /**
     * A move made in the coach's external calendar (Cal.com), which already decided that the new
     * time is free there: the slot engine is not asked again, but the move window, the booking's
     * state and the exclusion constraint still apply (each refusal is a CONFLICT).
     */
    async moveFromCalendar(actor: Actor, bookingId: string, startsAt: Date) {
      return applyMove(actor, await movable(actor, bookingId), startsAt);
    },

    /** One booking, for its client or its coach; anyone else gets "not found". */
    async detail(actor: Actor, bookingId: string) {
      const booking = await db.booking.findFirst({
        where: {
          id: bookingId,
          tenantId: actor.tenantId,
          OR: [{ clientId: actor.userId }, { coachProfile: { userId: actor.userId } }],
        },
        include: {
          coachProfile: { select: { id: true, displayName: true, userId: true } },
          service: { select: { name: true, durationMinutes: true } },
        },
      });
      if (!booking) throw notFound("That booking");
      const tenant = await db.tenant.findUniqueOrThrow({
        where: { id: actor.tenantId },
        select: { cancellationFullRefundHours: true, lateCancellationRefundPercent: true },
      });
      // The room name and the sealed session key never leave the server through this view.
      const { room, e2eeKeySealed: _sealedKey, ...rest } = booking;
      return {
        ...rest,
        viewerIsClient: booking.clientId === actor.userId,
        holdActive: booking.status === "PENDING" && booking.holdExpiresAt !== null && booking.holdExpiresAt > now(),
        policy: (booking.packagePurchaseId ? describeCreditPolicy : describePolicy)({
          fullRefundHours: tenant.cancellationFullRefundHours,
          lateRefundPercent: tenant.lateCancellationRefundPercent,
        }),
        hasRoom: room !== null,
      };
    },
  };
}

export type BookingService = ReturnType<typeof createBookingService>;
