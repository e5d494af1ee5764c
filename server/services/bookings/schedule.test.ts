import { describe, expect, it } from "vitest";
import type { StoredAvailability } from "../scheduling/slots.ts";
import { nextFreeAfterTaking } from "./schedule.ts";

const HOUR = 3_600_000;
const at = (iso: string) => new Date(iso);
// UTC mornings 09:00–12:00 every day, one-hour sessions on the hour.
const availability: StoredAvailability = {
  timeZone: "UTC",
  weekly: ([1, 2, 3, 4, 5, 6, 7] as const).map((weekday) => ({ weekday, start: "09:00", end: "12:00" })),
  overrides: [],
  timeOff: [],
  bufferBeforeMinutes: 0,
  bufferAfterMinutes: 0,
  minNoticeMinutes: 0,
  horizonDays: 30,
  dailyCap: null,
  slotStepMinutes: 60,
};
const now = at("2026-06-01T06:00:00Z");
const take = (iso: string) => ({ start: at(iso), end: new Date(at(iso).getTime() + HOUR) });

describe("nextFreeAfterTaking", () => {
  it("moves to the next slot when the next free one is taken", () => {
    expect(
      nextFreeAfterTaking({
        availability,
        busy: [],
        taken: take("2026-06-01T09:00:00Z"),
        shortestMinutes: 60,
        previous: at("2026-06-01T09:00:00Z"),
        now,
      }),
    ).toEqual({ kind: "moved", next: at("2026-06-01T10:00:00Z") });
  });

  it("crosses to the next day when the daily cap is reached", () => {
    const capped = { ...availability, dailyCap: 1 };
    expect(
      nextFreeAfterTaking({
        availability: capped,
        busy: [],
        taken: take("2026-06-01T09:00:00Z"),
        shortestMinutes: 60,
        previous: at("2026-06-01T09:00:00Z"),
        now,
      }),
    ).toEqual({ kind: "moved", next: at("2026-06-02T09:00:00Z") });
  });

  it("keeps the next free slot when a later time is taken, or when there was none", () => {
    expect(
      nextFreeAfterTaking({
        availability,
        busy: [],
        taken: take("2026-06-01T11:00:00Z"),
        shortestMinutes: 60,
        previous: at("2026-06-01T09:00:00Z"),
        now,
      }),
    ).toEqual({ kind: "unchanged" });
    expect(
      nextFreeAfterTaking({
        availability,
        busy: [],
        taken: take("2026-06-20T09:00:00Z"),
        shortestMinutes: 60,
        previous: at("2026-06-01T09:00:00Z"),
        now,
      }),
    ).toEqual({ kind: "unchanged" });
    expect(
      nextFreeAfterTaking({
        availability,
        busy: [],
        taken: take("2026-06-01T09:00:00Z"),
        shortestMinutes: 60,
        previous: null,
        now,
      }),
    ).toEqual({ kind: "unchanged" });
  });

  it("cannot tell when nothing is free within reach: the caller recounts from scratch", () => {
    const oneDay = {
      ...availability,
      weekly: [],
      overrides: [
        { date: "2026-06-01", intervals: [{ start: "09:00", end: "10:00" }] },
        { date: "2026-06-10", intervals: [{ start: "09:00", end: "10:00" }] },
      ],
    };
    expect(
      nextFreeAfterTaking({
        availability: oneDay,
        busy: [],
        taken: take("2026-06-01T09:00:00Z"),
        shortestMinutes: 60,
        previous: at("2026-06-01T09:00:00Z"),
        now,
      }),
    ).toEqual({ kind: "unknown" });
  });
});
