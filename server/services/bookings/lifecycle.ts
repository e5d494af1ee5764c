import { type BookingStatus, Prisma } from "@server/db/client.ts";
import { AppError, notFound } from "@server/errors.ts";
import { inZone } from "../format.ts";
import type { AvailabilityModule } from "./availability.ts";
import { type BookingContext, CHANGED_JUST_NOW, HOLD_EXPIRED } from "./context.ts";
import type { RemindersModule } from "./reminders.ts";
import { assertBookingTransition } from "./status.ts";

/**
 * The UPDATE that releases a coach's run-out holds (PENDING → CANCELLED), for `hold`'s single
 * statement (ADR 013), which runs it in a CTE after taking the coach's lock; `guard` ties it to
 * that lock. The same transition as `releaseExpiredHolds`, written once here.
 */
export function releaseExpiredHoldsSql(coachProfileId: string, at: Date, guard: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`UPDATE "Booking" SET status = 'CANCELLED', "cancelledAt" = ${at}, "cancellationReason" = ${HOLD_EXPIRED}, "updatedAt" = ${at}
             WHERE "coachProfileId" = ${coachProfileId}::uuid AND status = 'PENDING' AND "holdExpiresAt" <= ${at} AND ${guard}
            RETURNING 1`;
}

/**
 * The one owner of a booking's status changes (the machine is in status.ts): PENDING → CONFIRMED
 * (paid; a credit booking is inserted CONFIRMED by `hold`), CONFIRMED → COMPLETED | NO_SHOW (the
 * session's outcome), PENDING | CONFIRMED → CANCELLED (a cancellation, or a hold that ran out).
 * Every change is a compare-and-set on the current status; an illegal one is a CONFLICT. Other
 * services (payments, sessions, calcom) change a booking's status only through these functions.
 */
export function createLifecycle(
  ctx: BookingContext,
  { availability, reminders }: { availability: AvailabilityModule; reminders: RemindersModule },
) {
  const { db, now, log, notifications } = ctx;
  const { afterChange } = availability;

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
    if (count === 0) throw new AppError("CONFLICT", CHANGED_JUST_NOW);
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

  /** What a confirmed booking's notices and the domains that hear of it need, read once. */
  const confirmedSelect = {
    id: true,
    tenantId: true,
    coachProfileId: true,
    startsAt: true,
    clientId: true,
    topic: true,
    coachProfile: { select: { userId: true, displayName: true } },
    service: { select: { name: true } },
    _count: { select: { files: { where: { kind: "PREPARATION" } } } },
  } satisfies Prisma.BookingSelect;
  type ConfirmedBooking = Prisma.BookingGetPayload<{ select: typeof confirmedSelect }>;

  /**
   * Tells both people that a session is booked, once, when it becomes CONFIRMED (paid, or booked
   * with a credit): in-app and by mail, each in their own time zone; the coach also learns the
   * topic and how many files the client attached to prepare. Never fails the confirmation.
   */
  async function announceConfirmed(b: ConfirmedBooking) {
    const bookingId = b.id;
    try {
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
  }

  /**
   * What follows a confirmation, paid or with a credit: the reminders, both people are told, then
   * the domains that asked hear of it (a first booking starts the relationship). Never fails the
   * confirmation.
   */
  async function afterConfirmed(bookingId: string) {
    await reminders.scheduleReminders(bookingId);
    let b: ConfirmedBooking;
    try {
      b = await db.booking.findUniqueOrThrow({ where: { id: bookingId }, select: confirmedSelect });
    } catch (error) {
      log.error("could not read a confirmed booking", { bookingId, error: String(error) });
      return;
    }
    await announceConfirmed(b);
    if (!ctx.hooks.confirmed) return;
    try {
      await ctx.hooks.confirmed(b);
    } catch (error) {
      log.error("could not run the confirmed-booking hook", { bookingId, error: String(error) });
    }
  }

  return {
    transition,
    releaseExpiredHolds,
    afterConfirmed,

    /** Payment arrived (from the payment provider's confirmation path); repeating it changes nothing. */
    async confirmPaid(bookingId: string) {
      const booking = await db.booking.findUnique({ where: { id: bookingId }, select: { status: true } });
      if (!booking) throw notFound("That booking");
      if (booking.status === "CONFIRMED") return { confirmed: false, alreadyConfirmed: true };
      await transition(bookingId, "PENDING", "CONFIRMED", { confirmedAt: now(), holdExpiresAt: null });
      await afterConfirmed(bookingId);
      return { confirmed: true, alreadyConfirmed: false };
    },

    /**
     * Marks a PENDING or CONFIRMED booking cancelled and frees its time (the refund, if any, is
     * cancellation.ts's part, done before). With `returnCredit`, a booking made with a package
     * credit gives it back in the same transaction.
     */
    async markCancelled(
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
        if (count === 0) throw new AppError("CONFLICT", CHANGED_JUST_NOW);
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

    /**
     * The session's outcome after its window (sessions service, ADR 009): CONFIRMED → COMPLETED or
     * NO_SHOW with the attendance summary. False when the booking is no longer CONFIRMED (decided
     * already, or cancelled meanwhile).
     */
    async recordOutcome(
      bookingId: string,
      to: "COMPLETED" | "NO_SHOW",
      outcome: { outcomeAt: Date; outcomeSummary: string },
    ): Promise<boolean> {
      assertBookingTransition("CONFIRMED", to);
      const { count } = await db.booking.updateMany({
        where: { id: bookingId, status: "CONFIRMED" },
        data: { status: to, ...outcome },
      });
      return count > 0;
    },
  };
}

export type LifecycleModule = ReturnType<typeof createLifecycle>;
