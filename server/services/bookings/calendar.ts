import { randomBytes } from "node:crypto";
import { createEvent, createEvents, type EventAttributes } from "ics";
import { notFound } from "@server/errors.ts";
import type { Actor } from "@server/policies/coaching.ts";
import { type BookingContext, DAY, ownCoachProfile } from "./context.ts";
import { bookingParticipantWhere } from "@server/policies/participants.ts";

/** Calendars: a coach's private iCalendar feed of confirmed sessions, and one booking's .ics file. */
export function createCalendar(ctx: BookingContext) {
  const { db, now } = ctx;

  return {
    /** The coach's private feed link, made on first use; `renew` replaces it (old links stop working). */
    async calendarFeedToken(actor: Actor, renew = false) {
      const profile = await ownCoachProfile(ctx, actor);
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
        where: { id: bookingId, ...bookingParticipantWhere(actor) },
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
  };
}
