import { Prisma } from "@server/db/client.ts";
import {
  type Availability,
  computeSlotsFromStored,
  type StoredAvailability,
  type TimeRange,
} from "../scheduling/slots.ts";

/**
 * What the slot engine needs to know about one coach, read in a single round trip: the weekly
 * hours and rules, time off still ahead, and the busy ranges (confirmed bookings and holds that
 * have not run out) overlapping a window. The booking path is hot (bench/booking.ts), so these
 * are subqueries of one statement instead of one query each.
 */

const DAY = 86_400_000;

export interface ScheduleWindow {
  /** Busy ranges overlapping [busyFrom, busyTo) are read; no end: to the coach's booking horizon and a day. */
  busyFrom: Date;
  busyTo?: Date;
  /** The clock: time off ending after it, holds expiring after it. */
  at: Date;
  /** A booking whose own time does not count as taken (moving it). */
  excludeBookingId?: string;
}

/** Busy ranges a day either side of the listed window, so that buffers and daily caps see their neighbours. */
export const busyWindowAround = (from: Date, to?: Date) => ({
  busyFrom: new Date(from.getTime() - DAY),
  busyTo: to && new Date(to.getTime() + DAY),
});

/**
 * Three columns for a coach given as an SQL expression: `availability` (the CoachAvailability
 * row as JSON, or null), `timeOff` and `busy` (JSON arrays of [startMs, endMs]). The busy
 * subquery is shaped like the exclusion constraint (`booking_no_overlap`), so it reads its index.
 */
export function scheduleColumns(coach: Prisma.Sql, w: ScheduleWindow): Prisma.Sql {
  const busyTo = w.busyTo
    ? Prisma.sql`${w.busyTo}::timestamptz`
    : Prisma.sql`${w.at}::timestamptz + (coalesce((SELECT h."horizonDays" FROM "CoachAvailability" h WHERE h."coachProfileId" = ${coach}), 0) + 2) * interval '1 day'`;
  return Prisma.sql`
    (SELECT to_json(a) FROM "CoachAvailability" a WHERE a."coachProfileId" = ${coach}) AS availability,
    (SELECT coalesce(json_agg(json_build_array(floor(extract(epoch FROM o."startsAt") * 1000), floor(extract(epoch FROM o."endsAt") * 1000))), '[]'::json)
       FROM "TimeOff" o WHERE o."coachProfileId" = ${coach} AND o."endsAt" > ${w.at}) AS "timeOff",
    (SELECT coalesce(json_agg(json_build_array(floor(extract(epoch FROM b."startsAt") * 1000), floor(extract(epoch FROM b."endsAt") * 1000))), '[]'::json)
       FROM "Booking" b
      WHERE b."coachProfileId" = ${coach}
        AND b.status IN ('PENDING', 'CONFIRMED')
        AND tstzrange(b."startsAt", b."endsAt", '[)') && tstzrange(${w.busyFrom}::timestamptz, ${busyTo}, '[)')
        AND (b.status = 'CONFIRMED' OR b."holdExpiresAt" IS NULL OR b."holdExpiresAt" > ${w.at})
        AND b.id IS DISTINCT FROM ${w.excludeBookingId ?? null}::uuid) AS busy`;
}

export interface ScheduleRow {
  availability: unknown;
  timeOff: unknown;
  busy: unknown;
}

const ranges = (value: unknown): TimeRange[] =>
  (value as [number, number][]).map(([s, e]) => ({ start: new Date(s), end: new Date(e) }));

/**
 * The slot engine's inputs from a row with `scheduleColumns`, as node-postgres parses it (json
 * columns arrive as values; see `preparedQuery`); availability null when the coach set no hours.
 */
export function parseSchedule(row: ScheduleRow): { availability: StoredAvailability | null; busy: TimeRange[] } {
  const busy = ranges(row.busy);
  const a = row.availability as Record<string, unknown> | null;
  if (!a) return { availability: null, busy };
  return {
    availability: {
      timeZone: a.timeZone as string,
      weekly: a.weekly as Availability["weekly"],
      overrides: a.overrides as Availability["overrides"],
      timeOff: ranges(row.timeOff),
      bufferBeforeMinutes: a.bufferBeforeMinutes as number,
      bufferAfterMinutes: a.bufferAfterMinutes as number,
      minNoticeMinutes: a.minNoticeMinutes as number,
      horizonDays: a.horizonDays as number,
      dailyCap: (a.dailyCap as number | null) ?? null,
      slotStepMinutes: a.slotStepMinutes as number,
    },
    busy,
  };
}

/**
 * Busy ranges a hold reads around its start: wide enough for `nextFreeAfterTaking` to decide
 * about a next free slot up to NEXT_FREE_REACH away (plus a day for buffers and daily caps).
 */
const NEXT_FREE_REACH = 2 * DAY;
export const holdBusyWindow = (startsAt: Date) => ({
  busyFrom: new Date(startsAt.getTime() - NEXT_FREE_REACH - DAY),
  busyTo: new Date(startsAt.getTime() + NEXT_FREE_REACH + DAY),
});

export type NextFreeAfterTaking = { kind: "unchanged" } | { kind: "moved"; next: Date } | { kind: "unknown" };

/**
 * Where the coach's next free slot (the directory's "free in the next days") is once `taken` is
 * booked, from what the hold already read, so that a hold rarely needs a refresh of its own.
 * Taking time only takes slots away, so the next free slot can only stay or move later:
 * - `previous` null (nothing free) or more than NEXT_FREE_REACH from the taken time (buffers are
 *   minutes, daily caps count one local day): unchanged;
 * - otherwise the first slot of the shortest service from `previous` on, with `taken` busy, within
 *   NEXT_FREE_REACH after the taken time; none there: unknown (recompute from scratch).
 * `busy` must cover `holdBusyWindow(taken.start)`.
 */
export function nextFreeAfterTaking(input: {
  availability: StoredAvailability;
  busy: TimeRange[];
  taken: TimeRange;
  shortestMinutes: number | null;
  previous: Date | null;
  now: Date;
}): NextFreeAfterTaking {
  const { previous, taken, shortestMinutes } = input;
  if (!previous || !shortestMinutes) return { kind: "unchanged" };
  const from = new Date(Math.max(previous.getTime(), input.now.getTime()));
  if (Math.abs(from.getTime() - taken.start.getTime()) > NEXT_FREE_REACH) return { kind: "unchanged" };
  const busy = [...input.busy, taken];
  const first = (to: number) =>
    computeSlotsFromStored({
      availability: input.availability,
      durationMinutes: shortestMinutes,
      busy,
      now: input.now,
      from,
      to: new Date(to),
    })[0];
  // Usually the slot right after the taken one: look a few hours ahead before the whole reach.
  const next = first(taken.end.getTime() + 6 * 3_600_000) ?? first(taken.start.getTime() + NEXT_FREE_REACH);
  if (!next) return { kind: "unknown" };
  return next.start.getTime() === previous.getTime() ? { kind: "unchanged" } : { kind: "moved", next: next.start };
}
