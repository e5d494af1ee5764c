import { randomBytes, randomUUID } from "node:crypto";
import { type Booking, type BookingStatus, Prisma, preparedQuery } from "@server/db/client.ts";
import { AppError, forbidden, notFound } from "@server/errors.ts";
import { type Actor, offeredSessionTypes } from "@server/policies/coaching.ts";
import { computeSlotsFromStored } from "../scheduling/slots.ts";
import type { AvailabilityModule } from "./availability.ts";
import { type BookingContext, HOLD_EXPIRED, isOverlap, UUID } from "./context.ts";
import { type LifecycleModule, releaseExpiredHoldsSql } from "./lifecycle.ts";
import { resolveFeeBps, splitPayment } from "./money.ts";
import { holdBusyWindow, nextFreeAfterTaking, parseSchedule, type ScheduleRow, scheduleColumns } from "./schedule.ts";

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

/**
 * Holds: a client takes a free time as a PENDING booking that holds it until paid or until the
 * hold runs out (or CONFIRMED at once with a package credit), and the sweep that marks run-out
 * holds cancelled. The hot path of booking (ADR 013): one read, one statement.
 */
export function createHolds(
  ctx: BookingContext,
  { availability, lifecycle }: { availability: AvailabilityModule; lifecycle: LifecycleModule },
) {
  const { db, env, now, realtime } = ctx;
  const { afterChange, refreshNextFreeSoon, refreshPending } = availability;

  return {
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
          expired AS (${releaseExpiredHoldsSql(row.coachProfileId, at, Prisma.sql`EXISTS (SELECT 1 FROM lock)`)}),
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
        await lifecycle.afterConfirmed(created.id);
      }
      realtime.emitToTenant(actor.tenantId, "availability:changed", { coachId: row.coachProfileId });
      // Recomputed from scratch when the statement could not settle it, or when a refresh that
      // may have read the schedule before this booking is still on its way.
      if (
        (nextFree.kind === "moved" && !nextFreeSet) ||
        nextFree.kind === "unknown" ||
        refreshPending(row.coachProfileId)
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
        const count = await db.$transaction((tx) => lifecycle.releaseExpiredHolds(tx, coachProfileId));
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
      await lifecycle.transition(bookingId, "PENDING", "CANCELLED", {
        cancelledAt: now(),
        cancellationReason: HOLD_EXPIRED,
      });
      await afterChange(booking.tenantId, booking.coachProfileId);
      return { expired: true };
    },
  };
}
