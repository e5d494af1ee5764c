import type { ServiceDeps } from "../deps.ts";
import type { NotificationService } from "../notifications/service.ts";
import { createAvailability } from "./availability.ts";
import { createCalendar } from "./calendar.ts";
import { createCancellation } from "./cancellation.ts";
import type { BookingHooks, BookingLedger } from "./context.ts";
import { createHolds } from "./holds.ts";
import { createLifecycle } from "./lifecycle.ts";
import { createQueries } from "./queries.ts";
import { createReminders } from "./reminders.ts";
import { createRescheduling } from "./rescheduling.ts";

/**
 * Bookings: one client, one coach, one time, from the hold to its outcome. The service is
 * composed of one module per sub-domain (see docs/architecture.md, "Bookings"):
 * - availability.ts: hours, time off, free slots, the directory's next free slot;
 * - holds.ts: holding a time (one statement, ADR 013) and the sweep of run-out holds;
 * - lifecycle.ts: every status change (the machine is in status.ts) and the "booked" notices;
 * - cancellation.ts: cancelling with refunds (through the payments ledger) or credits returned;
 * - rescheduling.ts: moving a confirmed booking (also from Cal.com);
 * - reminders.ts, queries.ts, calendar.ts: reminder jobs, reads, iCalendar files and feeds.
 * The database's exclusion constraint is the last word on overlaps; the slot engine decides
 * what is offered.
 */
export function createBookingService(
  deps: ServiceDeps,
  {
    notifications,
    ledger,
    hooks = {},
  }: { notifications: NotificationService; ledger: BookingLedger; hooks?: BookingHooks },
) {
  const ctx = { ...deps, notifications, ledger, hooks };
  const availability = createAvailability(ctx);
  const reminders = createReminders(ctx);
  const lifecycle = createLifecycle(ctx, { availability, reminders });
  const holds = createHolds(ctx, { availability, lifecycle });
  const cancellation = createCancellation(ctx, { lifecycle });
  const rescheduling = createRescheduling(ctx, { availability, reminders });
  const queries = createQueries(ctx);
  const calendar = createCalendar(ctx);

  return {
    // Availability and free slots
    freeSlots: availability.freeSlots,
    settled: availability.settled,
    refreshAllNextFree: availability.refreshAllNextFree,
    myAvailability: availability.myAvailability,
    setAvailability: availability.setAvailability,
    addTimeOff: availability.addTimeOff,
    removeTimeOff: availability.removeTimeOff,
    slotsForService: availability.slotsForService,

    // Holds
    hold: holds.hold,
    expireDueHolds: holds.expireDueHolds,
    expireHold: holds.expireHold,

    // Lifecycle: the status changes other services ask for
    confirmPaid: lifecycle.confirmPaid,
    recordOutcome: lifecycle.recordOutcome,

    // Cancellation and refunds
    cancellationPreview: cancellation.cancellationPreview,
    cancel: cancellation.cancel,
    cancelForCoachAbsence: cancellation.cancelForCoachAbsence,

    // Rescheduling
    rescheduleOptions: rescheduling.rescheduleOptions,
    reschedule: rescheduling.reschedule,
    moveFromCalendar: rescheduling.moveFromCalendar,

    // Reminders, reads and calendars
    sendReminder: reminders.sendReminder,
    forCoach: queries.forCoach,
    mine: queries.mine,
    detail: queries.detail,
    calendarFeedToken: calendar.calendarFeedToken,
    calendarFeed: calendar.calendarFeed,
    icsFor: calendar.icsFor,
  };
}

export type BookingService = ReturnType<typeof createBookingService>;
