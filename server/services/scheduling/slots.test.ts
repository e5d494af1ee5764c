import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import {
  type Availability,
  availabilitySchema,
  computeSlots,
  type ComputeSlotsInput,
  formatSlotForViewer,
  groupSlotsByLocalDate,
  type Slot,
  type TimeInterval,
  type TimeRange,
} from "./slots.ts";

// Expected values are worked out by hand (and local readings checked with Intl, independently
// of Luxon), never copied from the implementation's output.

const ALL_DAYS = [1, 2, 3, 4, 5, 6, 7] as const;
const WEEKDAYS = [1, 2, 3, 4, 5] as const;
const H = 3_600_000;
const M = 60_000;

const at = (iso: string) => new Date(iso);
const range = (start: string, end: string): TimeRange => ({ start: at(start), end: at(end) });

function availability(p: Partial<Availability> = {}): Availability {
  return {
    timeZone: "UTC",
    weekly: [],
    overrides: [],
    timeOff: [],
    bufferBeforeMinutes: 0,
    bufferAfterMinutes: 0,
    minNoticeMinutes: 0,
    horizonDays: 60,
    slotStepMinutes: 30,
    ...p,
  };
}

const hours = (days: readonly number[], ...intervals: [string, string][]) =>
  days.flatMap((weekday) => intervals.map(([start, end]) => ({ weekday: weekday as 1, start, end })));

// Monday 2026-01-05; "now" defaults to the Sunday before, noon UTC.
function slots(p: Partial<Availability>, q: Partial<Omit<ComputeSlotsInput, "availability">> = {}): Slot[] {
  return computeSlots({
    availability: availability(p),
    durationMinutes: 60,
    busy: [],
    now: at("2026-01-04T12:00:00Z"),
    ...q,
  });
}

/** "2026-01-05T09:00Z" per slot start. */
const starts = (s: Slot[]) => s.map((x) => x.start.toISOString().replace(":00.000Z", "Z"));

/** Local reading "2026-03-29 03:00" of an instant in a zone, via Intl (not Luxon). */
const formatters = new Map<string, Intl.DateTimeFormat>();
function wall(d: Date, timeZone: string): string {
  let f = formatters.get(timeZone);
  if (!f)
    formatters.set(
      timeZone,
      (f = new Intl.DateTimeFormat("en-GB", {
        timeZone,
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
      })),
    );
  const parts = f.formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get("year")}-${get("month")}-${get("day")} ${get("hour")}:${get("minute")}`;
}
const localStarts = (s: Slot[], zone: string) => s.map((x) => wall(x.start, zone));

describe("computeSlots: weekly hours", () => {
  it("lists the slots that fit inside a weekday's hours, and only on that weekday", () => {
    const s = slots({ weekly: hours([1], ["09:00", "12:00"]) }, { to: at("2026-01-12T00:00:00Z") });
    expect(starts(s)).toEqual([
      "2026-01-05T09:00Z",
      "2026-01-05T09:30Z",
      "2026-01-05T10:00Z",
      "2026-01-05T10:30Z",
      "2026-01-05T11:00Z",
    ]);
    for (const x of s) expect(x.end.getTime() - x.start.getTime()).toBe(60 * M);
  });

  it("allows several intervals per day and uses each one's own hours", () => {
    const s = slots({ weekly: hours([1], ["09:00", "10:00"], ["14:00", "15:30"]) }, { to: at("2026-01-06T00:00:00Z") });
    expect(starts(s)).toEqual(["2026-01-05T09:00Z", "2026-01-05T14:00Z", "2026-01-05T14:30Z"]);
  });

  it("lets a slot run across two touching intervals", () => {
    const s = slots({ weekly: hours([1], ["09:00", "10:00"], ["10:00", "11:00"]) }, { to: at("2026-01-06T00:00:00Z") });
    expect(starts(s)).toEqual(["2026-01-05T09:00Z", "2026-01-05T09:30Z", "2026-01-05T10:00Z"]);
  });

  it("offers nothing for a coach without hours", () => {
    expect(slots({ weekly: [] })).toEqual([]);
  });

  it("returns ascending, non-duplicated slots over several weeks", () => {
    const s = slots({ weekly: hours(WEEKDAYS, ["09:00", "17:00"]) }, { to: at("2026-01-26T00:00:00Z") });
    expect(s).toHaveLength(3 * 5 * 15);
    for (let i = 1; i < s.length; i++) expect(s[i]!.start.getTime()).toBeGreaterThan(s[i - 1]!.start.getTime());
  });
});

describe("computeSlots: step alignment", () => {
  it("aligns starts to the step from the start of each interval, not the hour", () => {
    const s = slots(
      { weekly: hours([1], ["09:10", "11:00"], ["13:05", "14:00"]) },
      { durationMinutes: 30, to: at("2026-01-06T00:00:00Z") },
    );
    // 10:40 + 30 min runs past 11:00; 13:35 + 30 min past 14:00.
    expect(starts(s)).toEqual(["2026-01-05T09:10Z", "2026-01-05T09:40Z", "2026-01-05T10:10Z", "2026-01-05T13:05Z"]);
  });

  it("uses a step different from the duration", () => {
    const s = slots(
      { weekly: hours([1], ["09:00", "10:30"]), slotStepMinutes: 20 },
      { durationMinutes: 45, to: at("2026-01-06T00:00:00Z") },
    );
    expect(starts(s)).toEqual(["2026-01-05T09:00Z", "2026-01-05T09:20Z", "2026-01-05T09:40Z"]);
  });

  it("defaults the step to 15 minutes", () => {
    const a = availability({ weekly: hours([1], ["09:00", "10:00"]) });
    delete a.slotStepMinutes;
    const s = computeSlots({
      availability: a,
      durationMinutes: 30,
      busy: [],
      now: at("2026-01-04T12:00:00Z"),
      to: at("2026-01-06T00:00:00Z"),
    });
    expect(starts(s)).toEqual(["2026-01-05T09:00Z", "2026-01-05T09:15Z", "2026-01-05T09:30Z"]);
  });
});

describe("computeSlots: overrides and days off", () => {
  const weekly = hours(WEEKDAYS, ["09:00", "11:00"]);
  const s = slots(
    {
      weekly,
      slotStepMinutes: 60,
      overrides: [
        { date: "2026-01-06", intervals: [{ start: "13:00", end: "14:00" }] },
        { date: "2026-01-07", intervals: [] },
        { date: "2026-01-10", intervals: [{ start: "10:00", end: "11:00" }] },
      ],
    },
    { to: at("2026-01-12T00:00:00Z") },
  );

  it("replaces that date's weekly hours, closes days with no intervals, opens days without weekly hours", () => {
    expect(starts(s)).toEqual([
      "2026-01-05T09:00Z",
      "2026-01-05T10:00Z",
      "2026-01-06T13:00Z", // Tuesday override
      // Wednesday: day off
      "2026-01-08T09:00Z",
      "2026-01-08T10:00Z",
      "2026-01-09T09:00Z",
      "2026-01-09T10:00Z",
      "2026-01-10T10:00Z", // Saturday, no weekly hours
    ]);
  });

  it("reads an override's date in the coach's zone", () => {
    // Kolkata is UTC+05:30: 2026-01-06 00:30–01:30 local is 2026-01-05 19:00–20:00Z.
    const k = slots(
      { timeZone: "Asia/Kolkata", overrides: [{ date: "2026-01-06", intervals: [{ start: "00:30", end: "01:30" }] }] },
      { to: at("2026-01-08T00:00:00Z") },
    );
    expect(starts(k)).toEqual(["2026-01-05T19:00Z"]);
  });
});

describe("computeSlots: time off", () => {
  it("drops slots overlapping time off; touching is fine", () => {
    const s = slots(
      { weekly: hours([1], ["09:00", "13:00"]), timeOff: [range("2026-01-05T10:30:00Z", "2026-01-05T11:00:00Z")] },
      { to: at("2026-01-06T00:00:00Z") },
    );
    expect(starts(s)).toEqual([
      "2026-01-05T09:00Z",
      "2026-01-05T09:30Z",
      "2026-01-05T11:00Z",
      "2026-01-05T11:30Z",
      "2026-01-05T12:00Z",
    ]);
  });

  it("removes whole days for a multi-day holiday", () => {
    const s = slots(
      {
        weekly: hours([1, 2, 3], ["09:00", "10:00"]),
        timeOff: [range("2026-01-05T00:00:00Z", "2026-01-07T00:00:00Z")],
      },
      { to: at("2026-01-08T00:00:00Z") },
    );
    expect(starts(s)).toEqual(["2026-01-07T09:00Z"]);
  });
});

describe("computeSlots: buffers around busy bookings", () => {
  const busy = [range("2026-01-05T10:00:00Z", "2026-01-05T11:00:00Z")];

  it("keeps bufferAfter(busy) + bufferBefore(slot) free after, and bufferAfter(slot) + bufferBefore(busy) before", () => {
    const s = slots(
      { weekly: hours([1], ["08:00", "14:00"]), bufferBeforeMinutes: 15, bufferAfterMinutes: 15, slotStepMinutes: 15 },
      { busy, to: at("2026-01-06T00:00:00Z") },
    );
    const list = starts(s);
    // Widened busy: 09:45–11:15; widened slot: start−15 … end+15.
    expect(list).toEqual(
      ["08:00", "08:15", "08:30", "11:30", "11:45", "12:00", "12:15", "12:30", "12:45", "13:00"].map(
        (t) => `2026-01-05T${t}Z`,
      ),
    );
    expect(list).not.toContain("2026-01-05T08:45Z");
    expect(list).not.toContain("2026-01-05T11:15Z");
  });

  it("offers the slot right after a busy booking plus its buffer (asymmetric buffers)", () => {
    const s = slots(
      { weekly: hours([1], ["09:00", "12:00"]), bufferBeforeMinutes: 0, bufferAfterMinutes: 10, slotStepMinutes: 5 },
      { busy, durationMinutes: 30, to: at("2026-01-06T00:00:00Z") },
    );
    const list = starts(s);
    expect(list).toContain("2026-01-05T11:10Z"); // busy ends 11:00 + 10 after
    expect(list).not.toContain("2026-01-05T11:05Z");
    expect(list).toContain("2026-01-05T09:20Z"); // ends 09:50, + its own 10 = 10:00
    expect(list).not.toContain("2026-01-05T09:25Z");
    expect(list.filter((t) => t > "2026-01-05T09:20Z" && t < "2026-01-05T11:10Z")).toEqual([]);
  });

  it("with no buffers, back-to-back bookings are allowed", () => {
    const s = slots({ weekly: hours([1], ["09:00", "12:00"]) }, { busy, to: at("2026-01-06T00:00:00Z") });
    expect(starts(s)).toEqual(["2026-01-05T09:00Z", "2026-01-05T11:00Z"]);
  });

  it("handles overlapping busy ranges (a booking and a hold)", () => {
    const s = slots(
      { weekly: hours([1], ["09:00", "14:00"]), slotStepMinutes: 60 },
      {
        busy: [
          range("2026-01-05T10:00:00Z", "2026-01-05T11:30:00Z"),
          range("2026-01-05T09:30:00Z", "2026-01-05T10:15:00Z"),
          range("2026-01-05T11:00:00Z", "2026-01-05T12:00:00Z"),
        ],
        to: at("2026-01-06T00:00:00Z"),
      },
    );
    expect(starts(s)).toEqual(["2026-01-05T12:00Z", "2026-01-05T13:00Z"]);
  });
});

describe("computeSlots: minimum notice, horizon and window", () => {
  const a = { weekly: hours(WEEKDAYS, ["09:00", "17:00"]) };

  it("starts no earlier than now + minimum notice", () => {
    const s = slots({ ...a, minNoticeMinutes: 60 }, { now: at("2026-01-05T08:50:00Z") });
    expect(starts(s)[0]).toBe("2026-01-05T10:00Z");
    expect(starts(slots(a, { now: at("2026-01-05T09:00:00Z") }))[0]).toBe("2026-01-05T09:00Z");
    expect(starts(slots({ ...a, minNoticeMinutes: 2 * 24 * 60 }, { now: at("2026-01-05T09:00:00Z") }))[0]).toBe(
      "2026-01-07T09:00Z",
    );
  });

  it("ends at now + horizonDays (exclusive)", () => {
    const s = slots({ ...a, horizonDays: 2 }, { now: at("2026-01-05T09:20:00Z") });
    const list = starts(s);
    expect(list[0]).toBe("2026-01-05T09:30Z");
    expect(list.at(-1)).toBe("2026-01-07T09:00Z");
    expect(list).not.toContain("2026-01-07T09:30Z");
  });

  it("counts the horizon in the coach's calendar days across a DST change", () => {
    // Amsterdam, Sat 2026-03-28 09:10 CET; one day later is Sun 09:10 CEST = 07:10Z (not 08:10Z).
    const s = slots(
      { timeZone: "Europe/Amsterdam", weekly: hours(ALL_DAYS, ["09:00", "10:00"]), horizonDays: 1 },
      { durationMinutes: 30, now: at("2026-03-28T08:10:00Z") },
    );
    expect(starts(s)).toEqual(["2026-03-28T08:30Z", "2026-03-29T07:00Z"]);
  });

  it("lists only starts inside [from, to), clipped to notice and horizon", () => {
    expect(starts(slots(a, { from: at("2026-01-06T12:00:00Z"), to: at("2026-01-06T14:00:00Z") }))).toEqual([
      "2026-01-06T12:00Z",
      "2026-01-06T12:30Z",
      "2026-01-06T13:00Z",
      "2026-01-06T13:30Z",
    ]);
    const clipped = slots(
      { ...a, horizonDays: 1, minNoticeMinutes: 30 },
      { now: at("2026-01-05T12:00:00Z"), from: at("2026-01-01T00:00:00Z"), to: at("2026-03-01T00:00:00Z") },
    );
    expect(starts(clipped)[0]).toBe("2026-01-05T12:30Z");
    expect(starts(clipped).at(-1)).toBe("2026-01-06T11:30Z");
    expect(slots(a, { from: at("2026-01-06T12:00:00Z"), to: at("2026-01-06T12:00:00Z") })).toEqual([]);
  });
});

describe("computeSlots: daily cap", () => {
  const a = {
    timeZone: "Europe/Amsterdam",
    weekly: hours([1, 2], ["09:00", "12:00"]),
    slotStepMinutes: 60,
    dailyCap: 2,
  };
  const to = at("2026-01-07T00:00:00Z");

  it("still offers a day below the cap", () => {
    const s = slots(a, { busy: [range("2026-01-05T09:00:00Z", "2026-01-05T10:00:00Z")], to }); // Mon 10:00–11:00 CET
    expect(localStarts(s, a.timeZone)).toEqual([
      "2026-01-05 09:00",
      "2026-01-05 11:00",
      "2026-01-06 09:00",
      "2026-01-06 10:00",
      "2026-01-06 11:00",
    ]);
  });

  it("closes a day that has reached the cap, counting bookings by the coach's local date", () => {
    // Sunday 23:30Z is Monday 00:30 in Amsterdam: it counts for Monday.
    const busy = [
      range("2026-01-04T23:30:00Z", "2026-01-05T00:00:00Z"),
      range("2026-01-05T12:00:00Z", "2026-01-05T13:00:00Z"),
    ];
    const s = slots(a, { busy, to });
    expect(localStarts(s, a.timeZone)).toEqual(["2026-01-06 09:00", "2026-01-06 10:00", "2026-01-06 11:00"]);
    expect(slots({ ...a, dailyCap: 3 }, { busy, to })).toHaveLength(6);
    expect(slots({ ...a, dailyCap: null }, { busy, to })).toHaveLength(6);
  });

  it("counts a booking on the local day it starts", () => {
    // Starts Sunday 23:00 local (22:00Z), ends Monday: it counts for Sunday, not Monday.
    const s = slots({ ...a, dailyCap: 1 }, { busy: [range("2026-01-04T22:00:00Z", "2026-01-05T00:00:00Z")], to });
    expect(s).toHaveLength(6);
  });
});

describe("computeSlots: Europe/Amsterdam around DST", () => {
  const zone = "Europe/Amsterdam";
  const daily = { timeZone: zone, weekly: hours(ALL_DAYS, ["09:00", "17:00"]), slotStepMinutes: 60 };

  it("keeps 09:00–17:00 local across the 2026-03-29 spring-forward (08:00Z before, 07:00Z after)", () => {
    const s = slots(daily, {
      now: at("2026-03-27T00:00:00Z"),
      from: at("2026-03-28T00:00:00Z"),
      to: at("2026-03-31T00:00:00Z"),
    });
    const byDay = groupSlotsByLocalDate(s, zone);
    expect(byDay.map((g) => g.date)).toEqual(["2026-03-28", "2026-03-29", "2026-03-30"]);
    for (const g of byDay) expect(g.slots).toHaveLength(8);
    expect(starts(byDay[0]!.slots)[0]).toBe("2026-03-28T08:00Z");
    expect(starts(byDay[0]!.slots).at(-1)).toBe("2026-03-28T15:00Z");
    expect(starts(byDay[1]!.slots)[0]).toBe("2026-03-29T07:00Z");
    expect(starts(byDay[2]!.slots)[0]).toBe("2026-03-30T07:00Z");
    expect(starts(byDay[2]!.slots).at(-1)).toBe("2026-03-30T14:00Z");
    for (const x of s) expect(wall(x.start, zone).slice(11)).toMatch(/^(09|1[0-6]):00$/);
    expect(formatSlotForViewer(byDay[2]!.slots[0]!, zone)).toEqual({
      date: "Mon 30 Mar",
      time: "09:00–10:00",
      zoneLabel: "CEST",
    });
    expect(formatSlotForViewer(byDay[0]!.slots[0]!, zone)).toEqual({
      date: "Sat 28 Mar",
      time: "09:00–10:00",
      zoneLabel: "CET",
    });
  });

  it("keeps 09:00–17:00 local across the 2026-10-25 fall-back (07:00Z before, 08:00Z after)", () => {
    const s = slots(daily, {
      now: at("2026-10-23T00:00:00Z"),
      from: at("2026-10-24T00:00:00Z"),
      to: at("2026-10-27T00:00:00Z"),
    });
    const byDay = groupSlotsByLocalDate(s, zone);
    expect(byDay.map((g) => [g.date, g.slots.length, starts(g.slots)[0]])).toEqual([
      ["2026-10-24", 8, "2026-10-24T07:00Z"],
      ["2026-10-25", 8, "2026-10-25T08:00Z"],
      ["2026-10-26", 8, "2026-10-26T08:00Z"],
    ]);
  });

  const night = (start: string, end: string, step = 30) => ({
    timeZone: zone,
    weekly: hours([7], [start, end]),
    slotStepMinutes: step,
  });
  const springDay = { durationMinutes: 30, now: at("2026-03-27T00:00:00Z"), to: at("2026-03-30T00:00:00Z") };
  const fallDay = { durationMinutes: 30, now: at("2026-10-23T00:00:00Z"), to: at("2026-10-26T00:00:00Z") };

  it("skips the nonexistent 02:00–03:00 on 2026-03-29 instead of shifting it", () => {
    const s = slots(night("01:00", "05:00"), springDay);
    expect(starts(s)).toEqual([
      "2026-03-29T00:00Z",
      "2026-03-29T00:30Z",
      "2026-03-29T01:00Z",
      "2026-03-29T01:30Z",
      "2026-03-29T02:00Z",
      "2026-03-29T02:30Z",
    ]);
    expect(localStarts(s, zone).map((w) => w.slice(11))).toEqual([
      "01:00",
      "01:30",
      "03:00",
      "03:30",
      "04:00",
      "04:30",
    ]);
  });

  it("keeps the grid anchored in local time across the gap (02:30 skipped with a 45-minute step)", () => {
    const s = slots(night("01:00", "05:00", 45), springDay);
    // Grid 01:00, 01:45, [02:30 does not exist], 03:15, 04:00; 04:45 + 30 min runs past 05:00.
    expect(localStarts(s, zone).map((w) => w.slice(11))).toEqual(["01:00", "01:45", "03:15", "04:00"]);
    expect(starts(s)).toEqual(["2026-03-29T00:00Z", "2026-03-29T00:45Z", "2026-03-29T01:15Z", "2026-03-29T02:00Z"]);
  });

  it("starts an interval whose start is in the gap when the clocks jump, ends one whose end is there at the jump", () => {
    expect(localStarts(slots(night("02:30", "04:00"), springDay), zone).map((w) => w.slice(11))).toEqual([
      "03:00",
      "03:30",
    ]);
    expect(localStarts(slots(night("00:00", "02:30"), springDay), zone).map((w) => w.slice(11))).toEqual([
      "00:00",
      "00:30",
      "01:00",
      "01:30",
    ]);
    expect(slots(night("02:15", "02:45", 15), springDay)).toEqual([]);
  });

  it("offers both occurrences of a repeated time inside an interval on 2026-10-25", () => {
    const s = slots(night("01:00", "04:00"), fallDay);
    expect(starts(s)).toEqual([
      "2026-10-24T23:00Z",
      "2026-10-24T23:30Z",
      "2026-10-25T00:00Z",
      "2026-10-25T00:30Z",
      "2026-10-25T01:00Z",
      "2026-10-25T01:30Z",
      "2026-10-25T02:00Z",
      "2026-10-25T02:30Z",
    ]);
    expect(
      s.map((x) => {
        const f = formatSlotForViewer(x, zone);
        return `${f.time} ${f.zoneLabel}`;
      }),
    ).toEqual([
      "01:00–01:30 CEST",
      "01:30–02:00 CEST",
      "02:00–02:30 CEST",
      "02:30–02:00 CEST", // ends at 02:00 CET: the clocks went back
      "02:00–02:30 CET",
      "02:30–03:00 CET",
      "03:00–03:30 CET",
      "03:30–04:00 CET",
    ]);
  });

  it("resolves an ambiguous interval bound to its first occurrence", () => {
    // End 02:30 = 02:30 CEST (00:30Z): the repeated 02:00 CET is not working time.
    expect(starts(slots(night("00:00", "02:30"), fallDay))).toEqual([
      "2026-10-24T22:00Z",
      "2026-10-24T22:30Z",
      "2026-10-24T23:00Z",
      "2026-10-24T23:30Z",
      "2026-10-25T00:00Z",
    ]);
    // Start 02:30 = 02:30 CEST (00:30Z): real time from there to 04:00 CET, on the 02:30 grid.
    expect(starts(slots(night("02:30", "04:00"), fallDay))).toEqual([
      "2026-10-25T00:30Z",
      "2026-10-25T01:00Z",
      "2026-10-25T01:30Z",
      "2026-10-25T02:00Z",
      "2026-10-25T02:30Z",
    ]);
  });
});

describe("computeSlots: America/New_York (DST on 2026-03-08) seen from Europe/London", () => {
  const zone = "America/New_York";
  const a = { timeZone: zone, weekly: hours(WEEKDAYS, ["09:00", "17:00"]), slotStepMinutes: 60 };
  const s = slots(a, { now: at("2026-03-05T00:00:00Z"), to: at("2026-04-01T00:00:00Z") });
  const first = (date: string) => s.find((x) => wall(x.start, zone).startsWith(date))!;

  it("moves 09:00 New York from 14:00Z to 13:00Z", () => {
    expect(starts([first("2026-03-06")])).toEqual(["2026-03-06T14:00Z"]);
    expect(starts([first("2026-03-09")])).toEqual(["2026-03-09T13:00Z"]);
    expect(starts([first("2026-03-30")])).toEqual(["2026-03-30T13:00Z"]);
  });

  it("shows a London viewer the right local times and zone names in both DST gaps", () => {
    expect(formatSlotForViewer(first("2026-03-06"), "Europe/London")).toEqual({
      date: "Fri 6 Mar",
      time: "14:00–15:00",
      zoneLabel: "GMT",
    });
    // US already on summer time, UK not yet: only four hours apart.
    expect(formatSlotForViewer(first("2026-03-09"), "Europe/London")).toEqual({
      date: "Mon 9 Mar",
      time: "13:00–14:00",
      zoneLabel: "GMT",
    });
    expect(formatSlotForViewer(first("2026-03-30"), "Europe/London")).toEqual({
      date: "Mon 30 Mar",
      time: "14:00–15:00",
      zoneLabel: "BST",
    });
    expect(formatSlotForViewer(first("2026-03-06"), zone, "en-US").zoneLabel).toBe("EST");
    expect(formatSlotForViewer(first("2026-03-09"), zone, "en-US").zoneLabel).toBe("EDT");
  });

  it("groups by the viewer's local date", () => {
    const late = slots(
      { timeZone: zone, weekly: hours([1], ["19:00", "21:00"]), slotStepMinutes: 60 },
      { now: at("2026-03-05T00:00:00Z"), to: at("2026-03-10T12:00:00Z") },
    );
    // Mon 19:00 and 20:00 EDT are 23:00Z Monday and 00:00Z Tuesday in London.
    const g = groupSlotsByLocalDate(late, "Europe/London");
    expect(g.map((x) => [x.date, starts(x.slots)])).toEqual([
      ["2026-03-09", ["2026-03-09T23:00Z"]],
      ["2026-03-10", ["2026-03-10T00:00Z"]],
    ]);
    expect(groupSlotsByLocalDate(late, zone).map((x) => x.date)).toEqual(["2026-03-09"]);
  });
});

describe("computeSlots: Asia/Kolkata (+05:30)", () => {
  const zone = "Asia/Kolkata";

  it("maps local hours through the half-hour offset", () => {
    const s = slots(
      { timeZone: zone, weekly: hours([1], ["09:00", "12:00"]) },
      { now: at("2026-01-04T00:00:00Z"), to: at("2026-01-06T00:00:00Z") },
    );
    expect(starts(s)).toEqual([
      "2026-01-05T03:30Z",
      "2026-01-05T04:00Z",
      "2026-01-05T04:30Z",
      "2026-01-05T05:00Z",
      "2026-01-05T05:30Z",
    ]);
    expect(formatSlotForViewer(s[0]!, zone).time).toBe("09:00–10:00");
    expect(formatSlotForViewer(s[0]!, "Europe/London")).toEqual({
      date: "Mon 5 Jan",
      time: "03:30–04:30",
      zoneLabel: "GMT",
    });
  });

  it("puts an early-morning Kolkata slot on the previous day for a UTC viewer", () => {
    const s = slots(
      { timeZone: zone, weekly: hours([1], ["00:30", "02:00"]) },
      { now: at("2026-01-03T00:00:00Z"), to: at("2026-01-06T00:00:00Z") },
    );
    expect(starts(s)).toEqual(["2026-01-04T19:00Z", "2026-01-04T19:30Z"]);
    expect(groupSlotsByLocalDate(s, "UTC").map((g) => g.date)).toEqual(["2026-01-04"]);
    expect(groupSlotsByLocalDate(s, zone).map((g) => g.date)).toEqual(["2026-01-05"]);
  });
});

describe("computeSlots: midnight", () => {
  it("accepts an interval ending at 24:00", () => {
    const s = slots({ weekly: hours([1], ["22:00", "24:00"]) }, { to: at("2026-01-07T00:00:00Z") });
    expect(starts(s)).toEqual(["2026-01-05T22:00Z", "2026-01-05T22:30Z", "2026-01-05T23:00Z"]);
    expect(s.at(-1)!.end.toISOString()).toBe("2026-01-06T00:00:00.000Z");
    expect(formatSlotForViewer(s.at(-1)!, "UTC").time).toBe("23:00–00:00");
  });

  it("joins an interval written as two across midnight", () => {
    const s = slots(
      { weekly: [...hours([1], ["22:00", "24:00"]), ...hours([2], ["00:00", "02:00"])] },
      { to: at("2026-01-07T00:00:00Z") },
    );
    expect(starts(s)).toEqual([
      "2026-01-05T22:00Z",
      "2026-01-05T22:30Z",
      "2026-01-05T23:00Z",
      "2026-01-05T23:30Z",
      "2026-01-06T00:00Z",
      "2026-01-06T00:30Z",
      "2026-01-06T01:00Z",
    ]);
    // The window ends on Monday, but the last slot still runs on into Tuesday's hours.
    expect(
      starts(
        slots(
          { weekly: [...hours([1], ["22:00", "24:00"]), ...hours([2], ["00:00", "02:00"])] },
          { to: at("2026-01-05T23:45:00Z") },
        ),
      ).at(-1),
    ).toBe("2026-01-05T23:30Z");
  });

  it("ends 24:00 at local midnight in the coach's zone", () => {
    // Amsterdam Saturday 2026-03-28 is still CET: 24:00 = 23:00Z.
    const s = slots(
      { timeZone: "Europe/Amsterdam", weekly: hours([6], ["22:00", "24:00"]) },
      { now: at("2026-03-27T00:00:00Z"), to: at("2026-03-30T00:00:00Z") },
    );
    expect(starts(s)).toEqual(["2026-03-28T21:00Z", "2026-03-28T21:30Z", "2026-03-28T22:00Z"]);
  });
});

describe("formatSlotForViewer and groupSlotsByLocalDate", () => {
  const slot = { start: at("2026-03-30T07:00:00Z"), end: at("2026-03-30T08:00:00Z") };

  it("formats the example from the spec", () => {
    expect(formatSlotForViewer(slot, "Europe/Amsterdam")).toEqual({
      date: "Mon 30 Mar",
      time: "09:00–10:00",
      zoneLabel: "CEST",
    });
  });

  it("uses the viewer's locale", () => {
    expect(formatSlotForViewer(slot, "Europe/Berlin", "de-DE").zoneLabel).toBe("MESZ");
    expect(formatSlotForViewer(slot, "Europe/Berlin", "de-DE").time).toBe("09:00–10:00");
  });

  it("rejects an unknown viewer zone", () => {
    expect(() => formatSlotForViewer(slot, "Mars/Olympus")).toThrow(/viewerTimeZone/);
    expect(() => groupSlotsByLocalDate([slot], "+02:00")).toThrow(/viewerTimeZone/);
  });

  it("sorts groups and slots and returns nothing for no slots", () => {
    const a = { start: at("2026-03-31T09:00:00Z"), end: at("2026-03-31T10:00:00Z") };
    const b = { start: at("2026-03-30T09:00:00Z"), end: at("2026-03-30T10:00:00Z") };
    expect(groupSlotsByLocalDate([a, slot, b], "UTC")).toEqual([
      { date: "2026-03-30", slots: [slot, b] },
      { date: "2026-03-31", slots: [a] },
    ]);
    expect(groupSlotsByLocalDate([], "UTC")).toEqual([]);
  });
});

describe("availabilitySchema", () => {
  const valid = availability({
    timeZone: "Europe/Amsterdam",
    weekly: hours([1, 2], ["09:00", "12:00"], ["13:00", "17:00"]),
    dailyCap: 4,
  });

  function issues(p: Partial<Availability> | Record<string, unknown>) {
    const r = availabilitySchema.safeParse({ ...valid, ...p });
    expect(r.success).toBe(false);
    return r.error!.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
  }

  it("accepts a valid availability and defaults the step to 15", () => {
    const { slotStepMinutes: _, ...noStep } = valid;
    const r = availabilitySchema.parse(noStep);
    expect(r.slotStepMinutes).toBe(15);
    expect(availabilitySchema.parse({ ...valid, weekly: hours([1], ["00:00", "24:00"]) }).weekly).toHaveLength(1);
  });

  it("names the field of a bad HH:MM time", () => {
    const [issue] = issues({ weekly: [{ weekday: 1, start: "9:00", end: "12:00" }] });
    expect(issue!.path).toBe("weekly.0.start");
    expect(issue!.message).toMatch(/^start must be a time "HH:MM"/);
    expect(issues({ weekly: [{ weekday: 1, start: "09:00", end: "24:30" }] })[0]!.path).toBe("weekly.0.end");
    expect(issues({ weekly: [{ weekday: 1, start: "24:00", end: "24:00" }] })[0]!.message).toMatch(
      /end \(24:00\) must be after start/,
    );
  });

  it("rejects start >= end", () => {
    expect(issues({ weekly: [{ weekday: 3, start: "12:00", end: "12:00" }] })).toEqual([
      { path: "weekly.0.end", message: "end (12:00) must be after start (12:00)." },
    ]);
    expect(
      issues({ overrides: [{ date: "2026-01-05", intervals: [{ start: "17:00", end: "09:00" }] }] })[0]!.path,
    ).toBe("overrides.0.intervals.0.end");
  });

  it("rejects overlapping intervals on the same weekday, not on different ones", () => {
    expect(
      issues({
        weekly: [
          ...hours([1], ["09:00", "12:00"]),
          ...hours([2], ["11:00", "13:00"]),
          ...hours([1], ["11:00", "13:00"]),
        ],
      }),
    ).toEqual([{ path: "weekly.2", message: "weekly intervals overlap on Monday: 09:00–12:00 and 11:00–13:00." }]);
    expect(
      issues({
        overrides: [
          {
            date: "2026-01-05",
            intervals: [
              { start: "09:00", end: "10:00" },
              { start: "09:30", end: "11:00" },
            ],
          },
        ],
      })[0]!.path,
    ).toBe("overrides.0.intervals.1");
  });

  it("requires a real IANA zone", () => {
    for (const tz of ["Mars/Olympus", "+01:00", "", "CEST"]) {
      const [issue] = issues({ timeZone: tz });
      expect(issue!.path).toBe("timeZone");
      expect(issue!.message).toContain("timeZone");
    }
    for (const tz of ["UTC", "Asia/Kolkata", "America/Argentina/Buenos_Aires", "Etc/GMT+5"])
      expect(availabilitySchema.safeParse({ ...valid, timeZone: tz }).success).toBe(true);
  });

  it("checks numeric ranges and names the field", () => {
    const cases: [string, unknown, boolean][] = [
      ["bufferBeforeMinutes", 240, true],
      ["bufferBeforeMinutes", 241, false],
      ["bufferAfterMinutes", -1, false],
      ["bufferAfterMinutes", 7.5, false],
      ["minNoticeMinutes", 30 * 24 * 60, true],
      ["minNoticeMinutes", 30 * 24 * 60 + 1, false],
      ["horizonDays", 0, false],
      ["horizonDays", 365, true],
      ["horizonDays", 366, false],
      ["dailyCap", 0, false],
      ["dailyCap", 50, true],
      ["dailyCap", 51, false],
      ["dailyCap", null, true],
      ["slotStepMinutes", 4, false],
      ["slotStepMinutes", 5, true],
      ["slotStepMinutes", 120, true],
      ["slotStepMinutes", 121, false],
      ["slotStepMinutes", "15", false],
      ["weekly", [{ weekday: 0, start: "09:00", end: "10:00" }], false],
      ["weekly", [{ weekday: 8, start: "09:00", end: "10:00" }], false],
    ];
    for (const [field, value, ok] of cases) {
      const r = availabilitySchema.safeParse({ ...valid, [field]: value });
      expect(r.success, `${field} = ${JSON.stringify(value)}`).toBe(ok);
      if (!ok) {
        expect(r.error!.issues[0]!.path[0]).toBe(field);
        expect(r.error!.issues[0]!.message).toContain(field === "weekly" ? "weekday" : field);
      }
    }
  });

  it("checks override dates and time off", () => {
    expect(issues({ overrides: [{ date: "2026-02-30", intervals: [] }] })[0]).toEqual({
      path: "overrides.0.date",
      message: "date must be a real calendar date.",
    });
    expect(
      issues({
        overrides: [
          { date: "2026-02-03", intervals: [] },
          { date: "2026-02-03", intervals: [] },
        ],
      })[0]!.path,
    ).toBe("overrides.1.date");
    expect(issues({ timeOff: [range("2026-01-02T00:00:00Z", "2026-01-01T00:00:00Z")] })[0]!.path).toBe("timeOff.0.end");
    expect(issues({ timeOff: [{ start: new Date(Number.NaN), end: at("2026-01-01T00:00:00Z") }] })[0]!.path).toBe(
      "timeOff.0.start",
    );
  });

  it("makes computeSlots throw a ZodError that names the field", () => {
    const call = (p: Partial<ComputeSlotsInput>) => () =>
      computeSlots({ availability: valid, durationMinutes: 60, busy: [], now: at("2026-01-01T00:00:00Z"), ...p });
    expect(call({ durationMinutes: 0 })).toThrow(ZodError);
    expect(call({ durationMinutes: 0 })).toThrow(/durationMinutes/);
    expect(call({ availability: { ...valid, bufferAfterMinutes: 500 } })).toThrow(
      /bufferAfterMinutes must be between 0 and 240/,
    );
    expect(call({ busy: [range("2026-01-02T10:00:00Z", "2026-01-02T09:00:00Z")] })).toThrow(
      /end must be after start in busy/,
    );
    expect(call({ from: at("2026-01-03T00:00:00Z"), to: at("2026-01-02T00:00:00Z") })).toThrow(
      /to must not be before from/,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Randomised check against a brute-force oracle that works minute by minute with Intl (no Luxon).
// Zones and dates are chosen away from DST changes, where "the clock reads inside the hours"
// and the implementation's ranges mean the same thing.

function mulberry32(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
const mins = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3));

function randomIntervals(rnd: () => number): TimeInterval[] {
  const n = Math.floor(rnd() * 3);
  const points = new Set<number>();
  while (points.size < 2 * n) points.add(Math.floor(rnd() * 97) * 15); // 00:00 … 24:00
  const sorted = [...points].sort((a, b) => a - b);
  const out: TimeInterval[] = [];
  for (let i = 0; i < sorted.length; i += 2) out.push({ start: hhmm(sorted[i]!), end: hhmm(sorted[i + 1]!) });
  return out;
}

function oracle(input: ComputeSlotsInput): string[] {
  const a = input.availability;
  const zone = a.timeZone;
  const step = a.slotStepMinutes ?? 15;
  const dur = input.durationMinutes * M;
  const now = input.now.getTime();
  const lower = Math.max(input.from?.getTime() ?? -Infinity, now + a.minNoticeMinutes * M);
  const upper = Math.min(input.to?.getTime() ?? Infinity, now + a.horizonDays * 24 * H); // no DST in these windows
  const five = 5 * M;
  const cache = new Map<number, { date: string; minute: number }>();
  const local = (t: number) => {
    let v = cache.get(t);
    if (!v) {
      const w = wall(new Date(t), zone);
      v = { date: w.slice(0, 10), minute: mins(w.slice(11)) };
      cache.set(t, v);
    }
    return v;
  };
  const intervalsOn = (date: string) => {
    const o = a.overrides.find((x) => x.date === date);
    if (o) return o.intervals;
    const weekday = ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
    return a.weekly.filter((w) => w.weekday === weekday);
  };
  const working = (t: number) => {
    const l = local(t);
    return intervalsOn(l.date).some((iv) => mins(iv.start) <= l.minute && l.minute < mins(iv.end));
  };
  const overlaps = (s1: number, e1: number, s2: number, e2: number) => s1 < e2 && s2 < e1;
  const out: string[] = [];
  for (let t = Math.ceil(lower / five) * five; t < upper; t += five) {
    const l = local(t);
    if (
      !intervalsOn(l.date).some(
        (iv) => mins(iv.start) <= l.minute && l.minute < mins(iv.end) && (l.minute - mins(iv.start)) % step === 0,
      )
    )
      continue;
    let ok = true;
    for (let u = t; u < t + dur && ok; u += five) ok = working(u);
    if (!ok) continue;
    if (a.timeOff.some((o) => overlaps(t, t + dur, o.start.getTime(), o.end.getTime()))) continue;
    const bb = a.bufferBeforeMinutes * M;
    const ba = a.bufferAfterMinutes * M;
    if (input.busy.some((b) => overlaps(t - bb, t + dur + ba, b.start.getTime() - bb, b.end.getTime() + ba))) continue;
    if (
      a.dailyCap != null &&
      input.busy.filter((b) => wall(b.start, zone).slice(0, 10) === l.date).length >= a.dailyCap
    )
      continue;
    out.push(new Date(t).toISOString());
  }
  return out;
}

describe("computeSlots: randomised comparison with a brute-force oracle", () => {
  const zones = ["UTC", "Asia/Kolkata", "Europe/Amsterdam", "America/New_York", "Asia/Kathmandu"];
  const found: number[] = [];
  for (let seed = 1; seed <= 40; seed++) {
    it(`scenario ${seed}`, () => {
      const rnd = mulberry32(seed);
      const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
      const base = Date.parse("2026-01-05T00:00:00Z");
      const at5 = (fromMs: number, spanMinutes: number) => fromMs + Math.floor((rnd() * spanMinutes) / 5) * 5 * M;
      const now = at5(base, 5 * 24 * 60);
      const ranges = (n: number, minLen: number, maxLen: number) =>
        Array.from({ length: n }, () => {
          const s = at5(now - 24 * H, 12 * 24 * 60);
          return {
            start: new Date(s),
            end: new Date(s + (minLen + Math.floor((rnd() * (maxLen - minLen)) / 5) * 5) * M),
          };
        });
      const weekly = ALL_DAYS.flatMap((weekday) => randomIntervals(rnd).map((iv) => ({ weekday, ...iv })));
      const overrides = Array.from(
        new Set(
          Array.from({ length: Math.floor(rnd() * 3) }, () =>
            new Date(at5(now, 8 * 24 * 60)).toISOString().slice(0, 10),
          ),
        ),
      ).map((date) => ({ date, intervals: rnd() < 0.4 ? [] : randomIntervals(rnd) }));
      const input: ComputeSlotsInput = {
        availability: {
          timeZone: pick(zones),
          weekly,
          overrides,
          timeOff: ranges(Math.floor(rnd() * 3), 30, 24 * 60),
          bufferBeforeMinutes: pick([0, 0, 5, 10, 15, 30]),
          bufferAfterMinutes: pick([0, 0, 5, 10, 15, 30]),
          minNoticeMinutes: pick([0, 30, 60, 240, 24 * 60]),
          horizonDays: 1 + Math.floor(rnd() * 10),
          dailyCap: pick([null, null, 1, 2, 3, 5]),
          slotStepMinutes: pick([5, 10, 15, 20, 30, 45, 60]),
        },
        durationMinutes: pick([15, 30, 45, 60, 90]),
        busy: ranges(Math.floor(rnd() * 10), 15, 120),
        now: new Date(now),
        ...(rnd() < 0.3 ? { from: new Date(at5(now - 24 * H, 4 * 24 * 60)) } : {}),
        ...(rnd() < 0.3 ? { to: new Date(at5(now + 24 * H, 8 * 24 * 60)) } : {}),
      };
      const expected = oracle(input);
      const actual = computeSlots(input).map((s) => s.start.toISOString());
      expect(actual).toEqual(expected);
      for (const s of computeSlots(input)) expect(s.end.getTime() - s.start.getTime()).toBe(input.durationMinutes * M);
      found.push(expected.length);
    });
  }

  it("the scenarios are not vacuous", () => {
    // Guards against an oracle and implementation that agree only because both find nothing.
    expect(found).toHaveLength(40);
    expect(found.filter((n) => n > 0).length).toBeGreaterThanOrEqual(25);
    expect(found.reduce((x, y) => x + y, 0)).toBeGreaterThan(1000);
  });
});
