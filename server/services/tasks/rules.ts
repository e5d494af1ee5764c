import { addDays, dateToDay, dayIn, dayToDate } from "../days.ts";
import type { TaskStatus } from "@server/db/generated/enums.ts";

/**
 * The task status machine and the calendar arithmetic of challenges. Pure, so both are tested
 * on their own (rules.test.ts).
 *
 *   ASSIGNED → IN_PROGRESS (first log, or the client starts a reflection)
 *            → SUBMITTED (a reflection posted) → REVIEWED (by the coach) → DONE
 *   SUBMITTED | REVIEWED | DONE → IN_PROGRESS (reopened by the coach)
 */
export type TaskChange = "start" | "submit" | "review" | "done" | "reopen";

export const TRANSITIONS: Record<
  TaskChange,
  { from: readonly TaskStatus[]; to: TaskStatus; by: "client" | "coach" | "either" }
> = {
  start: { from: ["ASSIGNED"], to: "IN_PROGRESS", by: "client" },
  submit: { from: ["IN_PROGRESS"], to: "SUBMITTED", by: "client" },
  review: { from: ["SUBMITTED"], to: "REVIEWED", by: "coach" },
  done: { from: ["REVIEWED"], to: "DONE", by: "either" },
  reopen: { from: ["SUBMITTED", "REVIEWED", "DONE"], to: "IN_PROGRESS", by: "coach" },
};

export const canTransition = (change: TaskChange, from: TaskStatus) => TRANSITIONS[change].from.includes(from);

/** The client may log days and post reflections while the task is not yet reviewed. */
export const OPEN_FOR_CLIENT: readonly TaskStatus[] = ["ASSIGNED", "IN_PROGRESS", "SUBMITTED"];
export const OPEN_STATUSES: readonly TaskStatus[] = ["ASSIGNED", "IN_PROGRESS", "SUBMITTED", "REVIEWED"];

export const STATUS_LABELS: Record<TaskStatus, string> = {
  ASSIGNED: "Assigned",
  IN_PROGRESS: "In progress",
  SUBMITTED: "Reflection submitted",
  REVIEWED: "Reviewed",
  DONE: "Done",
};

/** A reflection or a feedback message: at most this many characters (the chat's message limit). */
export const REFLECTION_MAX_CHARS = 4_000;

// ---- calendar days (YYYY-MM-DD), independent of DST: arithmetic on UTC midnights ----

const DAY_MS = 86_400_000;
export const isDay = (s: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(s) &&
  !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) &&
  new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);
export { addDays, dateToDay, dayIn, dayToDate };
export const daysBetween = (from: string, to: string) =>
  Math.round((dayToDate(to).getTime() - dayToDate(from).getTime()) / DAY_MS);

/**
 * Streaks over the logged days of a challenge, as the client's calendar has them: `current`
 * counts back from today (or from yesterday while today is not logged yet, so a streak does
 * not break in the morning), `best` is the longest run.
 */
export function streaks(days: readonly string[], today: string) {
  const set = new Set(days);
  let best = 0;
  let run = 0;
  let previous: string | null = null;
  for (const day of [...set].sort()) {
    run = previous !== null && addDays(previous, 1) === day ? run + 1 : 1;
    best = Math.max(best, run);
    previous = day;
  }
  let current = 0;
  let cursor = set.has(today) ? today : addDays(today, -1);
  while (set.has(cursor)) {
    current++;
    cursor = addDays(cursor, -1);
  }
  return { current, best, logged: set.size };
}
