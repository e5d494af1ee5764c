import { DateTime } from "luxon";

/*
 * Calendar days ("YYYY-MM-DD") as people live them: the day of a moment in a person's own zone,
 * and day arithmetic on UTC midnights, so a DST change can never shift a day. Shared by the
 * journal, tasks and eligibility rules.
 */

/** "2026-12-06": the calendar day of this moment in an IANA zone (UTC when the zone is not valid). */
export function dayIn(moment: Date, timeZone: string): string {
  const d = DateTime.fromJSDate(moment, { zone: timeZone });
  return (d.isValid ? d : DateTime.fromJSDate(moment, { zone: "UTC" })).toISODate()!;
}

/** A DATE column's value (midnight UTC) for "YYYY-MM-DD", and back. */
export const dayToDate = (day: string) => new Date(`${day}T00:00:00.000Z`);
export const dateToDay = (column: Date) => column.toISOString().slice(0, 10);

/** The day `n` days after (or before, when negative) `day`. */
export const addDays = (day: string, n: number) => dateToDay(new Date(dayToDate(day).getTime() + n * 86_400_000));
