import { AppError, notFound } from "@server/errors.ts";
import type { Actor } from "@server/policies/coaching.ts";
import type { AvailabilityModule } from "./availability.ts";
import { type BookingContext, CHANGED_JUST_NOW, isOverlap } from "./context.ts";
import { bookingParticipantWhere, otherBookingParty } from "@server/policies/participants.ts";
import type { RemindersModule } from "./reminders.ts";

/**
 * Rescheduling: the client or the coach moves a CONFIRMED booking to another offered time (same
 * length, no new payment) up to the tenant's full-refund window before its start; a move made in
 * the coach's Cal.com calendar takes the same path without asking the slot engine again.
 */
export function createRescheduling(
  ctx: BookingContext,
  { availability, reminders }: { availability: AvailabilityModule; reminders: RemindersModule },
) {
  const { db, now, notifications } = ctx;
  const { freeSlots, afterChange } = availability;

  /** A confirmed booking of the actor (client or coach) that may still be moved. */
  async function movable(actor: Actor, bookingId: string) {
    const row = await db.booking.findFirst({
      where: { id: bookingId, ...bookingParticipantWhere(actor) },
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
      if (count === 0) throw new AppError("CONFLICT", CHANGED_JUST_NOW);
    } catch (error) {
      if (isOverlap(error))
        throw new AppError("CONFLICT", "This time was just taken. Please choose another time.", {
          startsAt: ["This time was just taken."],
        });
      throw error;
    }
    await reminders.scheduleReminders(booking.id);
    await afterChange(actor.tenantId, booking.coachProfileId);
    const other = otherBookingParty(booking, actor.userId);
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

  return {
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
  };
}
