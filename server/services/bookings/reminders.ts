import { roomClosesAt } from "../sessions/window.ts";
import type { BookingContext } from "./context.ts";

export const REMINDERS = { "24h": 24 * 3_600_000, "1h": 3_600_000 } as const;
export type ReminderKind = keyof typeof REMINDERS;

/**
 * Reminders of a confirmed booking: the 24-hour and 1-hour jobs (and the session-outcome job)
 * queued on confirmation and after a move, and the reminder itself, run by the job queue.
 */
export function createReminders(ctx: BookingContext) {
  const { db, now, jobs, log } = ctx;

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

  return {
    scheduleReminders,

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
      const { notifications } = ctx;
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
  };
}

export type RemindersModule = ReturnType<typeof createReminders>;
