// Luxon (IANA zones through Intl) does every local↔UTC conversion here: working hours are
// wall-clock times in the coach's zone, so 09:00 must map to a different UTC instant on either
// side of a DST change, with gaps and repeated hours handled by the zone database, not by us.
import { DateTime, IANAZone, Zone } from "luxon";
import { z } from "zod";

/**
 * Bookable slots from a coach's availability. Pure: no database, no clock (the caller passes
 * `now`), no framework. Booking code builds on `computeSlots`; the booking UI on
 * `formatSlotForViewer` and `groupSlotsByLocalDate`.
 *
 * Model
 * - Each local date D (in the coach's zone) has working intervals: the override for D if there is
 *   one (empty = day off), otherwise the weekly intervals for D's ISO weekday. An interval
 *   "HH:MM"–"HH:MM" (end may be "24:00", the start of D+1) is turned into one contiguous range of
 *   real time [S, E) using the zone's offset on D, so 09:00–17:00 stays 09:00–17:00 local all year.
 * - Slot starts are the instants in [S, E) whose local wall-clock time lies on the grid
 *   start, start + step, start + 2·step, … of that interval (alignment is per interval, in local
 *   time). A slot lasts `durationMinutes` of real time and may run on into a working interval that
 *   touches this one (e.g. 22:00–24:00 followed by 00:00–02:00 the next day, which is how an
 *   interval across midnight is written), but never past the end of working time.
 * - A slot must not overlap time off; [start − bufferBefore, end + bufferAfter) must not overlap
 *   any busy range widened by the same buffers [busy.start − bufferBefore, busy.end + bufferAfter).
 *   All ranges are half-open, so touching is not overlapping.
 * - The listed window is [max(from, now + minNotice), min(to, now + horizonDays)) for slot starts;
 *   the horizon is counted in calendar days in the coach's zone (same local time N days later).
 * - dailyCap: a local date (coach's zone) that already has `dailyCap` busy ranges starting on it
 *   offers no slots.
 *
 * DST decisions (deterministic)
 * - Spring forward (a local time that does not exist, e.g. 02:30 on 2026-03-29 in
 *   Europe/Amsterdam): a grid time in the gap is skipped — never shifted to 03:30. An interval
 *   bound in the gap means the moment the clocks jump (02:30 as a start = 03:00 CEST), so a coach
 *   working "02:30–05:00" that day works from 03:00; the grid stays anchored at 02:30.
 * - Fall back (a local time that happens twice, e.g. 02:30 on 2026-10-25 in Europe/Amsterdam):
 *   an interval bound resolves to its FIRST occurrence (the earlier instant, still on summer
 *   time). Note Luxon's own default is the later one; we pick explicitly. Within [S, E) every
 *   instant whose wall time is on the grid is offered, so a grid time inside the repeated hour is
 *   offered twice when both occurrences lie in the interval (02:00 CEST and 02:00 CET; the zone
 *   label tells them apart). E.g. 01:00–04:00 on that day is four real hours of working time.
 */

// ---------------------------------------------------------------------------------------------
// Types

/** ISO weekday: Monday = 1 … Sunday = 7. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** Local wall-clock interval, "HH:MM" (00:00–23:59) to "HH:MM" (00:01–24:00), start < end. */
export interface TimeInterval {
  start: string;
  end: string;
}

export interface WeeklyInterval extends TimeInterval {
  weekday: IsoWeekday;
}

/** Replaces the weekly hours of one local date; `intervals: []` is a day off. */
export interface DateOverride {
  date: string; // YYYY-MM-DD, a date in the coach's zone
  intervals: TimeInterval[];
}

/** An absolute range of time, start inclusive, end exclusive. */
export interface TimeRange {
  start: Date;
  end: Date;
}

export interface Availability {
  /** IANA zone name, e.g. "Europe/Amsterdam". */
  timeZone: string;
  weekly: WeeklyInterval[];
  overrides: DateOverride[];
  /** Absolute (UTC) ranges, e.g. holidays. */
  timeOff: TimeRange[];
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
  minNoticeMinutes: number;
  horizonDays: number;
  /** Max sessions starting on one local date, existing busy ranges included; null/absent = no cap. */
  dailyCap?: number | null;
  /** Grid step for slot starts; defaults to DEFAULT_SLOT_STEP_MINUTES. */
  slotStepMinutes?: number;
}

/** Availability as the database keeps it: every setting present. */
export type StoredAvailability = Availability & { slotStepMinutes: number; dailyCap: number | null };

export interface ComputeSlotsInput {
  availability: Availability;
  durationMinutes: number;
  /** The coach's PENDING/CONFIRMED bookings and holds; buffers apply around them too. */
  busy: TimeRange[];
  now: Date;
  /** Window to list (slot starts), clipped to [now + minNotice, now + horizon). */
  from?: Date;
  to?: Date;
}

export type Slot = TimeRange;

export interface ViewerSlotLabel {
  /** e.g. "Mon 30 Mar" (en-GB). */
  date: string;
  /** e.g. "09:00–10:00", wall times in the viewer's zone. */
  time: string;
  /** Short zone name at the slot's start in the viewer's locale, e.g. "CEST", or "GMT+5:30" where the locale has no abbreviation. */
  zoneLabel: string;
}

export interface LocalDateGroup {
  /** YYYY-MM-DD in the viewer's zone. */
  date: string;
  slots: Slot[];
}

export const DEFAULT_SLOT_STEP_MINUTES = 15;
export const DEFAULT_LOCALE = "en-GB";

// ---------------------------------------------------------------------------------------------
// Validation

const HHMM = /^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/;
const YMD = /^\d{4}-\d{2}-\d{2}$/;
/** Zone names only: no bare offsets such as "+01:00", which Intl would also accept. */
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;
const DAY_NAMES = ["", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const MAX_NOTICE_MINUTES = 30 * 24 * 60;

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Zones already found valid: Luxon's check builds an Intl formatter on every call. */
const validZones = new Set<string>();
export const isIanaTimeZone = (tz: string) => {
  if (validZones.has(tz)) return true;
  const valid = ZONE_NAME.test(tz) && IANAZone.isValidZone(tz);
  if (valid && validZones.size < 1_000) validZones.add(tz);
  return valid;
};

const wholeNumber = (field: string, min: number, max: number) =>
  z
    .number({ error: `${field} must be a number.` })
    .int({ error: `${field} must be a whole number.` })
    .min(min, { error: `${field} must be between ${min} and ${max}.` })
    .max(max, { error: `${field} must be between ${min} and ${max}.` });

const clockTime = (field: string) =>
  z
    .string({ error: `${field} must be a time "HH:MM".` })
    .regex(HHMM, { error: `${field} must be a time "HH:MM" between 00:00 and 24:00.` });

const instant = (field: string) =>
  z
    .date({ error: `${field} must be a valid date.` })
    .refine((d) => !Number.isNaN(d.getTime()), { error: `${field} must be a valid date.` });

const timeInterval = {
  start: clockTime("start"),
  end: clockTime("end"),
};

function checkInterval(iv: { start: string; end: string }, ctx: z.RefinementCtx) {
  if (HHMM.test(iv.start) && HHMM.test(iv.end) && toMinutes(iv.start) >= toMinutes(iv.end)) {
    ctx.addIssue({ code: "custom", path: ["end"], message: `end (${iv.end}) must be after start (${iv.start}).` });
  }
}

const intervalSchema = z.object(timeInterval).superRefine(checkInterval);

const weeklyIntervalSchema = z
  .object({
    weekday: wholeNumber("weekday", 1, 7).transform((n) => n as IsoWeekday),
    ...timeInterval,
  })
  .superRefine(checkInterval);

/** Adds an issue at `path + [index]` for each interval that overlaps an earlier one of the same group. */
function checkNoOverlap(
  intervals: { start: string; end: string }[],
  indexes: number[],
  ctx: z.RefinementCtx,
  path: (string | number)[],
  where: string,
) {
  const valid = indexes.filter((i) => {
    const iv = intervals[i]!;
    return HHMM.test(iv.start) && HHMM.test(iv.end) && toMinutes(iv.start) < toMinutes(iv.end);
  });
  valid.sort((a, b) => toMinutes(intervals[a]!.start) - toMinutes(intervals[b]!.start));
  for (let k = 1; k < valid.length; k++) {
    const prev = intervals[valid[k - 1]!]!;
    const cur = intervals[valid[k]!]!;
    if (toMinutes(cur.start) < toMinutes(prev.end)) {
      ctx.addIssue({
        code: "custom",
        path: [...path, valid[k]!],
        message: `${path.join(".")} intervals overlap on ${where}: ${prev.start}–${prev.end} and ${cur.start}–${cur.end}.`,
      });
    }
  }
}

const overrideSchema = z
  .object({
    date: z
      .string({ error: `date must be a date "YYYY-MM-DD".` })
      .regex(YMD, { error: `date must be a date "YYYY-MM-DD".` })
      .refine((s) => DateTime.fromISO(s, { zone: "UTC" }).isValid, { error: `date must be a real calendar date.` }),
    intervals: z.array(intervalSchema, { error: "intervals must be a list." }),
  })
  .superRefine((o, ctx) =>
    checkNoOverlap(
      o.intervals,
      o.intervals.map((_, i) => i),
      ctx,
      ["intervals"],
      o.date,
    ),
  );

const timeRangeSchema = (what: string) =>
  z.object({ start: instant("start"), end: instant("end") }).superRefine((r, ctx) => {
    if (r.end.getTime() <= r.start.getTime())
      ctx.addIssue({ code: "custom", path: ["end"], message: `end must be after start in ${what}.` });
  });

export const availabilitySchema = z
  .object({
    timeZone: z.string({ error: "timeZone must be an IANA time zone name." }).refine(isIanaTimeZone, {
      error: (iss) =>
        `timeZone must be an IANA time zone name such as "Europe/Amsterdam" (got ${JSON.stringify(iss.input)}).`,
    }),
    weekly: z.array(weeklyIntervalSchema, { error: "weekly must be a list." }),
    overrides: z.array(overrideSchema, { error: "overrides must be a list." }),
    timeOff: z.array(timeRangeSchema("timeOff"), { error: "timeOff must be a list." }),
    bufferBeforeMinutes: wholeNumber("bufferBeforeMinutes", 0, 240),
    bufferAfterMinutes: wholeNumber("bufferAfterMinutes", 0, 240),
    minNoticeMinutes: wholeNumber("minNoticeMinutes", 0, MAX_NOTICE_MINUTES),
    horizonDays: wholeNumber("horizonDays", 1, 365),
    dailyCap: wholeNumber("dailyCap", 1, 50).nullish(),
    slotStepMinutes: wholeNumber("slotStepMinutes", 5, 120).default(DEFAULT_SLOT_STEP_MINUTES),
  })
  .superRefine((a, ctx) => {
    for (let day = 1; day <= 7; day++) {
      const indexes = a.weekly.flatMap((w, i) => (w.weekday === day ? [i] : []));
      checkNoOverlap(a.weekly, indexes, ctx, ["weekly"], DAY_NAMES[day]!);
    }
    const seen = new Map<string, number>();
    a.overrides.forEach((o, i) => {
      const first = seen.get(o.date);
      if (first !== undefined)
        ctx.addIssue({
          code: "custom",
          path: ["overrides", i, "date"],
          message: `overrides has ${o.date} twice (also at ${first}).`,
        });
      else seen.set(o.date, i);
    });
  });

export type ParsedAvailability = z.output<typeof availabilitySchema>;

export const computeSlotsInputSchema = z
  .object({
    availability: availabilitySchema,
    durationMinutes: wholeNumber("durationMinutes", 1, 24 * 60),
    busy: z.array(timeRangeSchema("busy"), { error: "busy must be a list." }),
    now: instant("now"),
    from: instant("from").optional(),
    to: instant("to").optional(),
  })
  .superRefine((q, ctx) => {
    if (q.from && q.to && q.to.getTime() < q.from.getTime())
      ctx.addIssue({ code: "custom", path: ["to"], message: "to must not be before from." });
  });

// Compile-time checks that the hand-written types and the schemas agree: what callers pass is
// accepted by the schema, and what the schema returns is a valid Availability.
type Assignable<A, B> = [A] extends [B] ? true : false;
const _schemaAcceptsAvailability: Assignable<Availability, z.input<typeof availabilitySchema>> = true;
const _schemaYieldsAvailability: Assignable<ParsedAvailability, Availability> = true;
const _schemaAcceptsInput: Assignable<ComputeSlotsInput, z.input<typeof computeSlotsInputSchema>> = true;
void [_schemaAcceptsAvailability, _schemaYieldsAvailability, _schemaAcceptsInput];

// ---------------------------------------------------------------------------------------------
// Local dates and wall-clock ↔ instant (all through Luxon)

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * An IANA zone whose offsets are remembered per UTC hour. Luxon asks the Intl API for every
 * offset, which dominated slot computation (bench/booking.ts). An hour whose first and last
 * millisecond have the same offset has it throughout (zones change offset at most once an
 * hour); an hour with a change inside is never cached and asks the real zone each time.
 */
class CachedZone extends Zone {
  readonly #inner: IANAZone;
  readonly #byHour = new Map<number, number>();
  constructor(name: string) {
    super();
    this.#inner = IANAZone.create(name);
  }
  override get type() {
    return "iana";
  }
  override get name() {
    return this.#inner.name;
  }
  override get isUniversal() {
    return false;
  }
  override offsetName(ts: number, options: Parameters<Zone["offsetName"]>[1]) {
    return this.#inner.offsetName(ts, options);
  }
  override formatOffset(ts: number, format: Parameters<Zone["formatOffset"]>[1]) {
    return this.#inner.formatOffset(ts, format);
  }
  override offset(ts: number): number {
    const hour = Math.floor(ts / HOUR);
    let known = this.#byHour.get(hour);
    if (known === undefined) {
      const first = this.#inner.offset(hour * HOUR);
      known = first === this.#inner.offset(hour * HOUR + HOUR - 1) ? first : Number.NaN;
      if (this.#byHour.size > 100_000) this.#byHour.clear();
      this.#byHour.set(hour, known);
    }
    return Number.isNaN(known) ? this.#inner.offset(ts) : known;
  }
  override equals(other: Zone) {
    return other.type === "iana" && other.name === this.name;
  }
  override get isValid() {
    return this.#inner.isValid;
  }
}

const zoneCache = new Map<string, CachedZone>();
/** One cached zone per name for the life of the process. */
function zoneNamed(name: string): Zone {
  let zone = zoneCache.get(name);
  if (!zone) {
    zone = new CachedZone(name);
    zoneCache.set(name, zone);
  }
  return zone;
}

/** A calendar date, handled as a UTC-zoned DateTime so that day arithmetic never meets DST. */
type PlainDate = DateTime;

const plainDate = (iso: string): PlainDate => DateTime.fromISO(iso, { zone: "UTC" });
/** The date the clock in `zone` shows at `ms` (local time is UTC plus the offset at that instant). */
const localDateOf = (ms: number, zone: Zone) => new Date(ms + zone.offset(ms) * MINUTE).toISOString().slice(0, 10);

interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

function wallOn(date: PlainDate, minuteOfDay: number): Wall {
  const d = minuteOfDay >= 1440 ? date.plus({ days: 1 }) : date;
  const m = minuteOfDay % 1440;
  return { year: d.year, month: d.month, day: d.day, hour: Math.floor(m / 60), minute: m % 60 };
}

/** Wall-clock reading as a sortable number (not an instant). */
const wallKey = (w: Wall) => Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
const wallKeyAt = (ms: number, zone: Zone) => {
  const dt = DateTime.fromMillis(ms, { zone });
  return Date.UTC(dt.year, dt.month - 1, dt.day, dt.hour, dt.minute, dt.second, dt.millisecond);
};

/**
 * All instants at which the clock in `zone` reads `w`: none (spring-forward gap), one, or two
 * (fall-back overlap), ascending.
 */
function instantsAt(w: Wall, zone: Zone): number[] {
  const dt = DateTime.fromObject(w, { zone });
  // Luxon moves a nonexistent time forward past the gap; that shows as a different reading.
  if (dt.year !== w.year || dt.month !== w.month || dt.day !== w.day || dt.hour !== w.hour || dt.minute !== w.minute)
    return [];
  return [...new Set(dt.getPossibleOffsets().map((p) => p.toMillis()))].sort((a, b) => a - b);
}

/**
 * An interval bound as an instant: the first occurrence of the wall time; for a time in a
 * spring-forward gap, the moment the clocks jump (the first instant reading at least `w`).
 */
function boundInstant(w: Wall, zone: Zone): number {
  const at = instantsAt(w, zone);
  if (at.length) return at[0]!;
  // In the gap. Luxon's shifted result reads later than w; search back (seconds) for the jump,
  // asking Luxon for the reading at each probe.
  const target = wallKey(w);
  let hi = DateTime.fromObject(w, { zone }).toMillis();
  let lo = hi - 6 * 60 * MINUTE;
  while (wallKeyAt(lo, zone) >= target) lo -= 6 * 60 * MINUTE;
  while (hi - lo > 1000) {
    const mid = lo + Math.max(1, Math.floor((hi - lo) / 2000)) * 1000;
    if (wallKeyAt(mid, zone) >= target) hi = mid;
    else lo = mid;
  }
  return hi;
}

// ---------------------------------------------------------------------------------------------
// Slot computation

interface WorkRange {
  date: PlainDate;
  /** `date` as YYYY-MM-DD. */
  iso: string;
  startMin: number; // wall minutes of the interval's start on `date` (grid anchor)
  endMin: number;
  start: number; // [start, end) in ms
  end: number;
  startExists: boolean;
}

/**
 * One date's working intervals as instants, remembered per zone, date and intervals: turning wall
 * times into instants is the slot engine's Luxon work, and the booking path asks for the same
 * few days of a coach again and again. Entries never change (a zone's rules are fixed for the
 * life of the process); the cache is dropped whole when it grows large.
 */
const dayRangesCache = new Map<string, readonly WorkRange[]>();
function dayRanges(date: PlainDate, iso: string, intervals: readonly TimeInterval[], zone: Zone): readonly WorkRange[] {
  const key = `${zone.name}|${iso}|${intervals.map((iv) => `${iv.start}-${iv.end}`).join(",")}`;
  let ranges = dayRangesCache.get(key);
  if (!ranges) {
    const out: WorkRange[] = [];
    for (const iv of intervals) {
      const startMin = toMinutes(iv.start);
      const endMin = toMinutes(iv.end);
      const startWall = wallOn(date, startMin);
      const start = boundInstant(startWall, zone);
      const end = boundInstant(wallOn(date, endMin), zone);
      if (end > start)
        out.push(
          Object.freeze({
            date,
            iso,
            startMin,
            endMin,
            start,
            end,
            startExists: instantsAt(startWall, zone).length > 0,
          }),
        );
    }
    ranges = Object.freeze(out);
    if (dayRangesCache.size >= 50_000) dayRangesCache.clear();
    dayRangesCache.set(key, ranges);
  }
  return ranges;
}

function workRanges(a: ParsedAvailability, firstDate: PlainDate, lastDate: PlainDate): WorkRange[] {
  const zone = zoneNamed(a.timeZone);
  const overrides = new Map(a.overrides.map((o) => [o.date, o.intervals]));
  const out: WorkRange[] = [];
  for (let date = firstDate; date.toMillis() <= lastDate.toMillis(); date = date.plus({ days: 1 })) {
    const iso = date.toISODate()!;
    out.push(...dayRanges(date, iso, overrides.get(iso) ?? a.weekly.filter((w) => w.weekday === date.weekday), zone));
  }
  return out.sort((x, y) => x.start - y.start);
}

/** Instants in [r.start, r.end) whose wall time is on r's grid, ascending. */
function gridStarts(r: WorkRange, stepMin: number, zone: Zone): number[] {
  const offStart = zone.offset(r.start);
  const offEnd = zone.offset(r.end);
  const out: number[] = [];
  if (offStart === offEnd && r.startExists) {
    // No change of offset inside: local and real time advance together.
    for (let t = r.start; t < r.end; t += stepMin * MINUTE) out.push(t);
    return out;
  }
  // A DST change inside (or a start in a gap): walk the local grid and ask Luxon for each time.
  // If the clocks went back by `back` minutes, wall times up to `back` before the start recur.
  const back = Math.max(0, offStart - offEnd);
  let m = r.startMin - Math.ceil(back / stepMin) * stepMin;
  while (m < 0) m += stepMin;
  for (; m < r.endMin; m += stepMin) {
    for (const t of instantsAt(wallOn(r.date, m), zone)) if (t >= r.start && t < r.end) out.push(t);
  }
  return [...new Set(out)].sort((a, b) => a - b);
}

/** Sorted, merged (touching or overlapping) copy of [start, end) ranges. */
function mergeRanges(ranges: [number, number][]): [number, number][] {
  const sorted = ranges.filter(([s, e]) => e > s).sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

/** Overlap test against sorted disjoint ranges for queries in non-decreasing `start` order. */
function sweeper(ranges: [number, number][]) {
  let i = 0;
  return (start: number, end: number) => {
    while (i < ranges.length && ranges[i]![1] <= start) i++;
    const r = ranges[i];
    return r !== undefined && r[0] < end;
  };
}

/**
 * Free slots for a coach, ascending by start. Throws a ZodError (issues carry the field path,
 * messages name the field) when the input is invalid.
 */
export function computeSlots(input: ComputeSlotsInput): Slot[] {
  return slotsOf(computeSlotsInputSchema.parse(input));
}

/**
 * `computeSlots` without the schema check, for availability read back from the database (saved
 * only after `availabilitySchema` accepted it) and busy ranges the database keeps valid (its
 * checks: a range ends after it starts). The booking path calls the engine several times per
 * hold, and the check was a third of its cost there.
 */
export function computeSlotsFromStored(input: ComputeSlotsInput & { availability: StoredAvailability }): Slot[] {
  return slotsOf(input as z.output<typeof computeSlotsInputSchema>);
}

function slotsOf(q: z.output<typeof computeSlotsInputSchema>): Slot[] {
  const a = q.availability;
  const zone = zoneNamed(a.timeZone);
  const step = a.slotStepMinutes;
  const duration = q.durationMinutes * MINUTE;
  const before = a.bufferBeforeMinutes * MINUTE;
  const after = a.bufferAfterMinutes * MINUTE;
  const now = q.now.getTime();

  const lower = Math.max(q.from?.getTime() ?? -Infinity, now + a.minNoticeMinutes * MINUTE);
  const horizon = DateTime.fromMillis(now, { zone }).plus({ days: a.horizonDays }).toMillis();
  const upper = Math.min(q.to?.getTime() ?? Infinity, horizon);
  if (!(lower < upper)) return [];

  // A spare day after: a slot starting before `upper` may run on into the next day's hours. One
  // before too, which only matters for zones whose clocks go back across midnight.
  const firstDate = plainDate(localDateOf(lower, zone)).minus({ days: 1 });
  const lastDate = plainDate(localDateOf(upper, zone)).plus({ days: 1 });
  const ranges = workRanges(a, firstDate, lastDate);
  const blocks = mergeRanges(ranges.map((r) => [r.start, r.end]));

  const busyCount = new Map<string, number>();
  for (const b of q.busy) {
    const day = localDateOf(b.start.getTime(), zone);
    busyCount.set(day, (busyCount.get(day) ?? 0) + 1);
  }
  const cap = a.dailyCap ?? Infinity;

  const candidates: { start: number; blockEnd: number }[] = [];
  let bi = 0;
  for (const r of ranges) {
    if (r.end <= lower || r.start >= upper) continue;
    if ((busyCount.get(r.iso) ?? 0) >= cap) continue;
    while (blocks[bi]![1] <= r.start) bi++;
    const blockEnd = blocks[bi]![1];
    for (const t of gridStarts(r, step, zone)) {
      if (t >= lower && t < upper && t + duration <= blockEnd) candidates.push({ start: t, blockEnd });
    }
  }
  candidates.sort((x, y) => x.start - y.start);

  const inTimeOff = sweeper(mergeRanges(a.timeOff.map((o) => [o.start.getTime(), o.end.getTime()])));
  // Busy ranges widened by their own buffers; the slot's widened range must not touch them.
  const inBusy = sweeper(mergeRanges(q.busy.map((b) => [b.start.getTime() - before, b.end.getTime() + after])));

  const slots: Slot[] = [];
  let last = -Infinity;
  for (const { start } of candidates) {
    if (start === last) continue;
    last = start;
    const end = start + duration;
    if (inTimeOff(start, end)) continue;
    if (inBusy(start - before, end + after)) continue;
    slots.push({ start: new Date(start), end: new Date(end) });
  }
  return slots;
}

// ---------------------------------------------------------------------------------------------
// Presentation helpers for the booking UI

function assertZone(viewerTimeZone: string) {
  if (!isIanaTimeZone(viewerTimeZone))
    throw new RangeError(`viewerTimeZone must be an IANA time zone name (got ${JSON.stringify(viewerTimeZone)}).`);
}

/**
 * A slot as the viewer reads it, in their zone and locale (default en-GB):
 * { date: "Mon 30 Mar", time: "09:00–10:00", zoneLabel: "CEST" }. `date` is the start's date;
 * the label is the zone's short name at the start, in the locale (Intl decides, so an en-GB
 * viewer in New York sees "GMT-4", an en-US one "EDT").
 */
export function formatSlotForViewer(
  slot: Slot,
  viewerTimeZone: string,
  locale: string = DEFAULT_LOCALE,
): ViewerSlotLabel {
  assertZone(viewerTimeZone);
  const start = DateTime.fromJSDate(slot.start, { zone: viewerTimeZone }).setLocale(locale);
  const end = DateTime.fromJSDate(slot.end, { zone: viewerTimeZone }).setLocale(locale);
  const clock = { hour: "2-digit", minute: "2-digit" } as const;
  return {
    date: start.toLocaleString({ weekday: "short", day: "numeric", month: "short" }),
    time: `${start.toLocaleString(clock)}–${end.toLocaleString(clock)}`,
    zoneLabel: start.offsetNameShort ?? start.toFormat("ZZ"),
  };
}

/** Slots grouped by the viewer's local date of their start, dates ascending, slots by start. */
export function groupSlotsByLocalDate(slots: readonly Slot[], viewerTimeZone: string): LocalDateGroup[] {
  assertZone(viewerTimeZone);
  const groups = new Map<string, Slot[]>();
  for (const slot of [...slots].sort((x, y) => x.start.getTime() - y.start.getTime())) {
    const date = localDateOf(slot.start.getTime(), zoneNamed(viewerTimeZone));
    const list = groups.get(date);
    if (list) list.push(slot);
    else groups.set(date, [slot]);
  }
  return [...groups].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([date, list]) => ({ date, slots: list }));
}
