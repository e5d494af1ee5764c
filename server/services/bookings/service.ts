import { randomBytes } from "node:crypto";
import { createEvent, createEvents, type EventAttributes } from "ics";
import type { BookingStatus, Prisma } from "../../db/client.ts";
import { AppError, forbidden, notFound } from "../../errors.ts";
import { type Actor, offeredSessionTypes } from "../../policies/coaching.ts";
import type { ServiceDeps } from "../deps.ts";
import type { NotificationService } from "../notifications/service.ts";
import { type Availability, availabilitySchema, computeSlots, type TimeRange } from "../scheduling/slots.ts";
import { roomClosesAt } from "../sessions/window.ts";
import { resolveFeeBps, splitPayment } from "./money.ts";
import { describeCreditPolicy, describePolicy } from "./policy.ts";
import { assertBookingTransition } from "./status.ts";

export type AvailabilityInput = Omit<Availability, "timeOff">;

const DAY = 86_400_000;

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

export function createBookingService({ db, env, now, realtime, jobs, log }: ServiceDeps, notifications?: NotificationService) {
  async function coachInTenant(tenantId: string, coachProfileId: string) {
    const coach = await db.coachProfile.findFirst({ where: { id: coachProfileId, tenantId, status: "APPROVED" }, select: { id: true, userId: true, platformFeeBpsOverride: true, displayName: true } });
    if (!coach) throw notFound("That coach");
    return coach;
  }

  async function ownCoachProfile(actor: Actor) {
    const profile = await db.coachProfile.findUnique({ where: { tenantId_userId: { tenantId: actor.tenantId, userId: actor.userId } }, select: { id: true, status: true, timeZone: true } });
    if (!profile || (profile.status !== "APPROVED" && profile.status !== "SUSPENDED")) throw forbidden("Only approved coaches set availability.");
    return profile;
  }

  async function loadAvailability(coachProfileId: string): Promise<Availability | null> {
    const row = await db.coachAvailability.findUnique({ where: { coachProfileId } });
    if (!row) return null;
    const timeOff = await db.timeOff.findMany({ where: { coachProfileId, endsAt: { gt: now() } }, select: { startsAt: true, endsAt: true } });
    return {
      timeZone: row.timeZone,
      weekly: row.weekly as unknown as Availability["weekly"],
      overrides: row.overrides as unknown as Availability["overrides"],
      timeOff: timeOff.map((t) => ({ start: t.startsAt, end: t.endsAt })),
      bufferBeforeMinutes: row.bufferBeforeMinutes,
      bufferAfterMinutes: row.bufferAfterMinutes,
      minNoticeMinutes: row.minNoticeMinutes,
      horizonDays: row.horizonDays,
      dailyCap: row.dailyCap,
      slotStepMinutes: row.slotStepMinutes,
    };
  }

  /** Time the coach is taken: confirmed bookings and holds that have not expired. */
  async function busyRanges(tx: Pick<typeof db, "booking">, coachProfileId: string, from: Date, to: Date, excludeBookingId?: string): Promise<TimeRange[]> {
    const at = now();
    const rows = await tx.booking.findMany({
      where: {
        coachProfileId,
        startsAt: { lt: to },
        ...(excludeBookingId ? { id: { not: excludeBookingId } } : {}),
        endsAt: { gt: from },
        OR: [{ status: "CONFIRMED" }, { status: "PENDING", OR: [{ holdExpiresAt: null }, { holdExpiresAt: { gt: at } }] }],
      },
      select: { startsAt: true, endsAt: true },
    });
    return rows.map((r) => ({ start: r.startsAt, end: r.endsAt }));
  }

  async function freeSlots(coachProfileId: string, durationMinutes: number, window: { from?: Date; to?: Date } = {}, excludeBookingId?: string) {
    const availability = await loadAvailability(coachProfileId);
    if (!availability) return [];
    const at = now();
    const from = window.from ?? at;
    const to = window.to ?? new Date(at.getTime() + availability.horizonDays * DAY);
    // Busy ranges a day either side, so that buffers and daily caps see their neighbours.
    const busy = await busyRanges(db, coachProfileId, new Date(from.getTime() - DAY), new Date(to.getTime() + DAY), excludeBookingId);
    return computeSlots({ availability, durationMinutes, busy, now: at, from, to });
  }

  /**
   * Starts a booking write for this coach: takes the coach's transaction-scoped advisory lock, so
   * that concurrent holds of one coach queue instead of deadlocking on each other's uncommitted
   * rows in the exclusion constraint (bench/booking.ts showed that), then releases holds that
   * ran out, so that their time is free again. Call first in every transaction that books time.
   */
  async function releaseExpiredHolds(tx: Prisma.TransactionClient, coachProfileId: string) {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${coachProfileId}, 0))`;
    const expired = await tx.booking.updateMany({
      where: { coachProfileId, status: "PENDING", holdExpiresAt: { lte: now() } },
      data: { status: "CANCELLED", cancelledAt: now(), cancellationReason: "The hold expired before payment." },
    });
    return expired.count;
  }

  /** Recomputes when the coach is next free (shortest active service), for the directory filter. */
  async function refreshNextFree(coachProfileId: string): Promise<Date | null> {
    const shortest = await db.service.aggregate({ where: { coachProfileId, status: "ACTIVE" }, _min: { durationMinutes: true } });
    const duration = shortest._min.durationMinutes;
    // The first free slot is usually near: look a week ahead, then a month, then the whole horizon.
    let next: Date | null = null;
    if (duration) {
      const at = now();
      for (const days of [7, 31, 366]) {
        const [first] = await freeSlots(coachProfileId, duration, { from: at, to: new Date(at.getTime() + days * DAY) });
        if (first) {
          next = first.start;
          break;
        }
      }
    }
    await db.coachProfile.update({ where: { id: coachProfileId }, data: { nextFreeSlotAt: next } });
    return next;
  }

  /** Tells open pages and refreshes the directory's next free slot; never fails the change itself. */
  async function afterChange(tenantId: string, coachProfileId: string) {
    realtime.emitToTenant(tenantId, "availability:changed", { coachId: coachProfileId });
    await refreshNextFree(coachProfileId).catch((e: unknown) => log.warn("next free slot not refreshed", { coachProfileId, error: String(e) }));
  }

  /** Queues the 24-hour and 1-hour reminders of a confirmed booking (those still ahead). */
  async function scheduleReminders(bookingId: string) {
    if (!jobs) return;
    const booking = await db.booking.findUniqueOrThrow({ where: { id: bookingId }, select: { startsAt: true, endsAt: true } });
    for (const [kind, before] of Object.entries(REMINDERS) as [ReminderKind, number][]) {
      const at = new Date(booking.startsAt.getTime() - before);
      if (at <= now()) continue;
      await jobs.send("bookings.reminder", { bookingId, kind, startsAt: booking.startsAt.toISOString() }, { startAfter: at }).catch((e: unknown) => log.error("could not schedule a reminder", { bookingId, kind, error: String(e) }));
    }
    // The session's outcome (completed, no-show) is decided once its room closes; a recurring sweep catches any job lost.
    await jobs.send("sessions.outcome", { bookingId }, { startAfter: roomClosesAt(booking.endsAt) }).catch((e: unknown) => log.error("could not schedule the session outcome", { bookingId, error: String(e) }));
  }

  /** A confirmed booking of the actor (client or coach) that may still be moved. */
  async function movable(actor: Actor, bookingId: string) {
    const row = await db.booking.findFirst({
      where: { id: bookingId, tenantId: actor.tenantId, OR: [{ clientId: actor.userId }, { coachProfile: { userId: actor.userId } }] },
      select: { id: true, status: true, startsAt: true, endsAt: true, clientId: true, coachProfileId: true, coachProfile: { select: { userId: true } } },
    });
    if (!row) throw notFound("That booking");
    if (row.status !== "CONFIRMED") throw new AppError("CONFLICT", "Only confirmed bookings can be moved.");
    const tenant = await db.tenant.findUniqueOrThrow({ where: { id: actor.tenantId }, select: { cancellationFullRefundHours: true } });
    if (row.startsAt.getTime() - now().getTime() < tenant.cancellationFullRefundHours * 3_600_000) {
      throw new AppError("CONFLICT", `Sessions can be moved up to ${tenant.cancellationFullRefundHours} hours before they start.`);
    }
    return { ...row, coachUserId: row.coachProfile.userId, durationMinutes: Math.round((row.endsAt.getTime() - row.startsAt.getTime()) / 60_000) };
  }

  /** Moves a movable booking to `startsAt` (same length); the exclusion constraint has the last word. */
  async function applyMove(actor: Actor, booking: Awaited<ReturnType<typeof movable>>, startsAt: Date) {
    const endsAt = new Date(startsAt.getTime() + booking.durationMinutes * 60_000);
    try {
      const { count } = await db.booking.updateMany({ where: { id: booking.id, status: "CONFIRMED", startsAt: booking.startsAt }, data: { startsAt, endsAt } });
      if (count === 0) throw new AppError("CONFLICT", "This booking changed just now. Reload and try again.");
    } catch (error) {
      if (isOverlap(error)) throw new AppError("CONFLICT", "This time was just taken. Please choose another time.", { startsAt: ["This time was just taken."] });
      throw error;
    }
    await scheduleReminders(booking.id);
    await afterChange(actor.tenantId, booking.coachProfileId);
    const other = booking.clientId === actor.userId ? booking.coachUserId : booking.clientId;
    await notifications?.notify({ tenantId: actor.tenantId, userId: other, kind: "booking.moved", title: "A session was moved to a new time", link: `/bookings/${booking.id}`, email: true });
    return db.booking.findUniqueOrThrow({ where: { id: booking.id }, select: { id: true, startsAt: true, endsAt: true, status: true } });
  }

  async function transition(bookingId: string, from: BookingStatus, to: BookingStatus, data: Prisma.BookingUpdateManyMutationInput = {}) {
    assertBookingTransition(from, to);
    const { count } = await db.booking.updateMany({ where: { id: bookingId, status: from }, data: { ...data, status: to } });
    if (count === 0) throw new AppError("CONFLICT", "This booking changed just now. Reload and try again.");
  }

  return {
    freeSlots,
    refreshNextFree,

    /** Every coach with availability, e.g. hourly, because time passing moves the next free slot. */
    async refreshAllNextFree() {
      const coaches = await db.coachAvailability.findMany({ select: { coachProfileId: true } });
      for (const c of coaches) await refreshNextFree(c.coachProfileId);
      return { refreshed: coaches.length };
    },

    async myAvailability(actor: Actor) {
      const profile = await ownCoachProfile(actor);
      const row = await db.coachAvailability.findUnique({ where: { coachProfileId: profile.id } });
      const timeOff = await db.timeOff.findMany({ where: { coachProfileId: profile.id, endsAt: { gt: now() } }, orderBy: { startsAt: "asc" } });
      return { availability: row ?? { timeZone: profile.timeZone, weekly: [], overrides: [], bufferBeforeMinutes: 0, bufferAfterMinutes: 0, minNoticeMinutes: 720, horizonDays: 60, dailyCap: null, slotStepMinutes: 15 }, timeOff };
    },

    async setAvailability(actor: Actor, input: AvailabilityInput) {
      const profile = await ownCoachProfile(actor);
      const parsed = availabilitySchema.safeParse({ ...input, timeOff: [] });
      if (!parsed.success) {
        const fieldErrors: Record<string, string[]> = {};
        for (const issue of parsed.error.issues) (fieldErrors[issue.path.join(".") || "_form"] ??= []).push(issue.message);
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
      const row = await db.coachAvailability.upsert({ where: { coachProfileId: profile.id }, update: data, create: { ...data, coachProfileId: profile.id, tenantId: actor.tenantId } });
      await afterChange(actor.tenantId, profile.id);
      return row;
    },

    async addTimeOff(actor: Actor, input: { startsAt: Date; endsAt: Date; reason: string }) {
      const profile = await ownCoachProfile(actor);
      if (input.endsAt <= input.startsAt) throw new AppError("BAD_REQUEST", "Time off must end after it starts.", { endsAt: ["Must be after the start."] });
      const row = await db.timeOff.create({ data: { ...input, tenantId: actor.tenantId, coachProfileId: profile.id } });
      await afterChange(actor.tenantId, profile.id);
      return row;
    },

    async removeTimeOff(actor: Actor, timeOffId: string) {
      const profile = await ownCoachProfile(actor);
      const { count } = await db.timeOff.deleteMany({ where: { id: timeOffId, coachProfileId: profile.id } });
      if (count === 0) throw notFound("That time off");
      await afterChange(actor.tenantId, profile.id);
    },

    /** Free start times of a coach's service, for clients of the same tenant. */
    async slotsForService(tenantId: string, serviceId: string, window: { from?: Date; to?: Date }) {
      const service = await db.service.findFirst({ where: { id: serviceId, tenantId, status: "ACTIVE", coachProfile: { status: "APPROVED" } }, select: { coachProfileId: true, durationMinutes: true } });
      if (!service) throw notFound("That service");
      return freeSlots(service.coachProfileId, service.durationMinutes, window);
    },

    /**
     * Books a free slot: a PENDING booking that holds the time until it is paid or the hold runs
     * out. Offered slots only; the exclusion constraint settles a race between two clients.
     */
    async hold(actor: Actor, input: { serviceId: string; startsAt: Date; sessionType?: "VIDEO" | "PHONE" | "CHAT" | "IN_PERSON"; topic: string; clientNotes: string; packagePurchaseId?: string }) {
      const service = await db.service.findFirst({
        where: { id: input.serviceId, tenantId: actor.tenantId, status: "ACTIVE" },
        include: { coachProfile: { select: { id: true, status: true, userId: true, platformFeeBpsOverride: true, payoutsEnabled: true, sessionTypes: true } } },
      });
      if (!service || service.coachProfile.status !== "APPROVED") throw notFound("That service");
      if (service.coachProfile.userId === actor.userId) throw forbidden("You cannot book yourself.");
      // With real payments, a coach sells only once their payouts account can receive money
      // (a package credit was paid for when the package was bought).
      if (env.STRIPE_SECRET_KEY && !service.coachProfile.payoutsEnabled && !input.packagePurchaseId) {
        throw new AppError("CONFLICT", "This coach cannot take bookings yet: their payouts are not set up. Please try again later.");
      }
      if (service.premiumOnly) {
        const membership = await db.membership.findFirst({ where: { tenantId: actor.tenantId, userId: actor.userId }, select: { premium: true } });
        if (!membership?.premium) throw forbidden("This service is for premium members.");
      }
      const sessionType = input.sessionType ?? service.sessionType;
      if (!offeredSessionTypes(service, service.coachProfile.sessionTypes).includes(sessionType)) {
        throw new AppError("BAD_REQUEST", "That session type is not offered for this service.", { sessionType: ["Not offered for this service."] });
      }
      const tenant = await db.tenant.findUniqueOrThrow({ where: { id: actor.tenantId }, select: { platformFeeBps: true, bookingHoldMinutes: true } });
      const startsAt = input.startsAt;
      const endsAt = new Date(startsAt.getTime() + service.durationMinutes * 60_000);
      const offered = await freeSlots(service.coachProfileId, service.durationMinutes, { from: startsAt, to: new Date(startsAt.getTime() + 60_000) });
      if (!offered.some((s) => s.start.getTime() === startsAt.getTime())) {
        throw new AppError("CONFLICT", "This time is no longer available. Please choose another time.", { startsAt: ["This time is no longer available."] });
      }
      const credit = input.packagePurchaseId;
      // A credit booking carries no money: the package's price, fee and payout are on its purchase.
      const money = credit ? { priceMinor: 0, platformFeeMinor: 0, coachPayoutMinor: 0 } : splitPayment(service.priceMinor, resolveFeeBps(service.coachProfile.platformFeeBpsOverride, tenant.platformFeeBps));
      const holdExpiresAt = credit ? null : new Date(now().getTime() + tenant.bookingHoldMinutes * 60_000);
      let booking;
      try {
        booking = await db.$transaction(async (tx) => {
          await releaseExpiredHolds(tx, service.coachProfileId);
          if (credit) {
            // Takes one credit only if one is left: of two bookings racing for the last credit,
            // the second waits for the first's row lock, re-reads the row and matches nothing.
            const { count } = await tx.packagePurchase.updateMany({
              where: { id: credit, tenantId: actor.tenantId, clientId: actor.userId, serviceId: service.id, status: "PAID", creditsRemaining: { gt: 0 } },
              data: { creditsRemaining: { decrement: 1 } },
            });
            if (count === 0) throw new AppError("CONFLICT", "This package has no credits left for this service.", { packagePurchaseId: ["No credits left."] });
          }
          return tx.booking.create({
            data: {
              tenantId: actor.tenantId,
              coachProfileId: service.coachProfileId,
              clientId: actor.userId,
              serviceId: service.id,
              status: "PENDING",
              startsAt,
              endsAt,
              ...money,
              currency: service.currency,
              sessionType,
              topic: input.topic,
              clientNotes: input.clientNotes,
              room: randomBytes(16).toString("base64url"),
              holdExpiresAt,
              ...(credit ? { status: "CONFIRMED" as const, confirmedAt: now(), packagePurchaseId: credit } : {}),
            },
          });
        });
      } catch (error) {
        if (isOverlap(error)) throw new AppError("CONFLICT", "This time was just taken. Please choose another time.", { startsAt: ["This time was just taken."] });
        throw error;
      }
      if (credit) {
        // Confirmed at once: the same reminders as a paid confirmation.
        await scheduleReminders(booking.id);
      } else if (jobs && holdExpiresAt) {
        await jobs.send("bookings.expire-hold", { bookingId: booking.id }, { startAfter: holdExpiresAt }).catch((e: unknown) => log.error("could not schedule the hold expiry", { bookingId: booking.id, error: String(e) }));
      }
      await afterChange(actor.tenantId, service.coachProfileId);
      return booking;
    },

    /** Ends a hold that was not paid in time (run by the job queue; safe to repeat). */
    async expireHold(bookingId: string) {
      const booking = await db.booking.findUnique({ where: { id: bookingId }, select: { status: true, holdExpiresAt: true, tenantId: true, coachProfileId: true } });
      if (!booking || booking.status !== "PENDING" || !booking.holdExpiresAt || booking.holdExpiresAt > now()) return { expired: false };
      await transition(bookingId, "PENDING", "CANCELLED", { cancelledAt: now(), cancellationReason: "The hold expired before payment." });
      await afterChange(booking.tenantId, booking.coachProfileId);
      return { expired: true };
    },

    /**
     * Cancels a PENDING or CONFIRMED booking (refunds are the payments service's part). With
     * `returnCredit`, a booking made with a package credit gives it back in the same transaction.
     */
    async cancel(bookingId: string, from: "PENDING" | "CONFIRMED", by: { userId: string; reason: string; returnCredit?: boolean }) {
      assertBookingTransition(from, "CANCELLED");
      await db.$transaction(async (tx) => {
        const { count } = await tx.booking.updateMany({ where: { id: bookingId, status: from }, data: { status: "CANCELLED", cancelledAt: now(), cancelledById: by.userId, cancellationReason: by.reason || null, holdExpiresAt: null } });
        if (count === 0) throw new AppError("CONFLICT", "This booking changed just now. Reload and try again.");
        if (!by.returnCredit) return;
        const { packagePurchaseId } = await tx.booking.findUniqueOrThrow({ where: { id: bookingId }, select: { packagePurchaseId: true } });
        if (packagePurchaseId) await tx.packagePurchase.update({ where: { id: packagePurchaseId }, data: { creditsRemaining: { increment: 1 } } });
      });
      const booking = await db.booking.findUniqueOrThrow({ where: { id: bookingId }, select: { tenantId: true, coachProfileId: true } });
      await afterChange(booking.tenantId, booking.coachProfileId);
    },

    /** Payment arrived (from the payment provider's confirmation path); repeating it changes nothing. */
    async confirmPaid(bookingId: string) {
      const booking = await db.booking.findUnique({ where: { id: bookingId }, select: { status: true } });
      if (!booking) throw notFound("That booking");
      if (booking.status === "CONFIRMED") return { confirmed: false, alreadyConfirmed: true };
      await transition(bookingId, "PENDING", "CONFIRMED", { confirmedAt: now(), holdExpiresAt: null });
      await scheduleReminders(bookingId);
      return { confirmed: true, alreadyConfirmed: false };
    },

    /** The coach's own bookings (not released holds), soonest first, with the client's name. */
    async forCoach(actor: Actor) {
      const profile = await ownCoachProfile(actor);
      const rows = await db.booking.findMany({
        where: { coachProfileId: profile.id, NOT: { status: "CANCELLED", confirmedAt: null } },
        orderBy: { startsAt: "asc" },
        select: { id: true, status: true, startsAt: true, endsAt: true, sessionType: true, topic: true, priceMinor: true, coachPayoutMinor: true, currency: true, clientId: true, packagePurchaseId: true, outcomeSummary: true, service: { select: { name: true } } },
      });
      const clients = await db.user.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.clientId))] } }, select: { id: true, name: true } });
      const nameOf = new Map(clients.map((c) => [c.id, c.name]));
      return rows.map(({ clientId, ...r }) => ({ ...r, clientName: nameOf.get(clientId) ?? "Client" }));
    },

    /** The viewer's bookings as client, soonest first. */
    mine(actor: Actor) {
      return db.booking.findMany({
        where: { tenantId: actor.tenantId, clientId: actor.userId },
        orderBy: { startsAt: "asc" },
        select: { id: true, status: true, startsAt: true, endsAt: true, priceMinor: true, currency: true, sessionType: true, holdExpiresAt: true, packagePurchaseId: true, coachProfile: { select: { id: true, displayName: true } }, service: { select: { name: true } } },
      });
    },

    /** Reminds client and coach of a session that is still on (in-app and by mail); run by the job queue. */
    async sendReminder(bookingId: string, kind: ReminderKind, plannedStart?: Date) {
      const booking = await db.booking.findUnique({
        where: { id: bookingId },
        select: { status: true, startsAt: true, tenantId: true, clientId: true, coachProfile: { select: { userId: true, displayName: true } }, service: { select: { name: true } } },
      });
      if (!booking || booking.status !== "CONFIRMED" || booking.startsAt <= now()) return { sent: 0 };
      // A reminder planned for a start the booking no longer has (it was moved) is dropped.
      if (plannedStart && plannedStart.getTime() !== booking.startsAt.getTime()) return { sent: 0 };
      if (!notifications) throw new Error("Reminders need the notification service.");
      const when = kind === "24h" ? "tomorrow" : "in one hour";
      const title = `Reminder: ${booking.service?.name ?? "your session"} ${when}`;
      const people = await db.user.findMany({ where: { id: { in: [booking.clientId, booking.coachProfile.userId] } }, select: { id: true, timeZone: true } });
      for (const person of people) {
        // Each person reads the time in their own zone.
        const starts = new Intl.DateTimeFormat("en-GB", { dateStyle: "full", timeStyle: "short", timeZone: person.timeZone }).format(booking.startsAt);
        await notifications.notify({ tenantId: booking.tenantId, userId: person.id, kind: `booking.reminder.${kind}`, title, body: `Starts ${starts} (${person.timeZone}).`, link: `/bookings/${bookingId}`, email: true });
      }
      return { sent: 2 };
    },

    /** The coach's private feed link, made on first use; `renew` replaces it (old links stop working). */
    async calendarFeedToken(actor: Actor, renew = false) {
      const profile = await ownCoachProfile(actor);
      const row = await db.coachProfile.findUniqueOrThrow({ where: { id: profile.id }, select: { calendarToken: true } });
      if (row.calendarToken && !renew) return row.calendarToken;
      const token = randomBytes(24).toString("base64url");
      await db.coachProfile.update({ where: { id: profile.id }, data: { calendarToken: token } });
      return token;
    },

    /** The feed for a token: the coach's confirmed sessions from 30 days ago on. Null for an unknown token. */
    async calendarFeed(token: string, origin: string) {
      if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) return null;
      const coach = await db.coachProfile.findUnique({ where: { calendarToken: token }, select: { id: true, displayName: true } });
      if (!coach) return null;
      const rows = await db.booking.findMany({
        where: { coachProfileId: coach.id, status: "CONFIRMED", startsAt: { gte: new Date(now().getTime() - 30 * DAY) } },
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
      if (events.length === 0) return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:tandem\r\nCALSCALE:GREGORIAN\r\nEND:VCALENDAR\r\n";
      const { error, value } = createEvents(events);
      if (error || !value) throw error ?? new Error("The calendar feed could not be made.");
      return value;
    },

    /** An iCalendar file of one booking for its client or coach (UTC times; calendars show them locally). */
    async icsFor(actor: Actor, bookingId: string, origin: string) {
      const booking = await db.booking.findFirst({
        where: { id: bookingId, tenantId: actor.tenantId, OR: [{ clientId: actor.userId }, { coachProfile: { userId: actor.userId } }] },
        select: { id: true, status: true, startsAt: true, endsAt: true, topic: true, coachProfile: { select: { displayName: true } }, service: { select: { name: true } } },
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
        status: booking.status === "CANCELLED" ? "CANCELLED" : booking.status === "CONFIRMED" ? "CONFIRMED" : "TENTATIVE",
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
      const offered = await freeSlots(booking.coachProfileId, booking.durationMinutes, { from: startsAt, to: new Date(startsAt.getTime() + 60_000) }, booking.id);
      if (!offered.some((s) => s.start.getTime() === startsAt.getTime())) {
        throw new AppError("CONFLICT", "This time is no longer available. Please choose another time.", { startsAt: ["This time is no longer available."] });
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
        where: { id: bookingId, tenantId: actor.tenantId, OR: [{ clientId: actor.userId }, { coachProfile: { userId: actor.userId } }] },
        include: { coachProfile: { select: { id: true, displayName: true, userId: true } }, service: { select: { name: true, durationMinutes: true } } },
      });
      if (!booking) throw notFound("That booking");
      const tenant = await db.tenant.findUniqueOrThrow({ where: { id: actor.tenantId }, select: { cancellationFullRefundHours: true, lateCancellationRefundPercent: true } });
      // The room name and the sealed session key never leave the server through this view.
      const { room, e2eeKeySealed: _sealedKey, ...rest } = booking;
      return {
        ...rest,
        viewerIsClient: booking.clientId === actor.userId,
        holdActive: booking.status === "PENDING" && booking.holdExpiresAt !== null && booking.holdExpiresAt > now(),
        policy: (booking.packagePurchaseId ? describeCreditPolicy : describePolicy)({ fullRefundHours: tenant.cancellationFullRefundHours, lateRefundPercent: tenant.lateCancellationRefundPercent }),
        hasRoom: room !== null,
      };
    },

    releaseExpiredHolds: (coachProfileId: string) => db.$transaction((tx) => releaseExpiredHolds(tx, coachProfileId)),
  };
}

export type BookingService = ReturnType<typeof createBookingService>;
