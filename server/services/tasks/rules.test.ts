import { describe, expect, it } from "vitest";
import { addDays, canTransition, dayIn, daysBetween, isDay, streaks, TRANSITIONS } from "./rules.ts";

describe("task status machine", () => {
  it("allows exactly the documented moves", () => {
    const statuses = ["ASSIGNED", "IN_PROGRESS", "SUBMITTED", "REVIEWED", "DONE"] as const;
    const allowed = Object.keys(TRANSITIONS).flatMap((change) =>
      statuses
        .filter((s) => canTransition(change as keyof typeof TRANSITIONS, s))
        .map((s) => `${change}:${s}>${TRANSITIONS[change as keyof typeof TRANSITIONS].to}`),
    );
    expect(allowed.sort()).toEqual(
      [
        "start:ASSIGNED>IN_PROGRESS",
        "submit:IN_PROGRESS>SUBMITTED",
        "review:SUBMITTED>REVIEWED",
        "done:REVIEWED>DONE",
        "reopen:SUBMITTED>IN_PROGRESS",
        "reopen:REVIEWED>IN_PROGRESS",
        "reopen:DONE>IN_PROGRESS",
      ].sort(),
    );
  });
});

describe("calendar days", () => {
  it("adds days across DST changes without drifting", () => {
    expect(addDays("2026-10-24", 2)).toBe("2026-10-26");
    expect(addDays("2026-03-28", 2)).toBe("2026-03-30");
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(daysBetween("2026-10-20", "2026-10-27")).toBe(7);
  });
  it("checks real dates", () => {
    expect(isDay("2026-02-28")).toBe(true);
    expect(isDay("2026-02-30")).toBe(false);
    expect(isDay("28.02.2026")).toBe(false);
  });
  it("reads the day in a zone", () => {
    const at = new Date("2026-12-06T23:30:00Z");
    expect(dayIn(at, "UTC")).toBe("2026-12-06");
    expect(dayIn(at, "Europe/Berlin")).toBe("2026-12-07");
    expect(dayIn(at, "America/New_York")).toBe("2026-12-06");
    expect(dayIn(at, "Pacific/Kiritimati")).toBe("2026-12-07");
  });
});

describe("streaks", () => {
  it("counts the current run from today, or from yesterday while today is open", () => {
    expect(streaks([], "2026-12-06")).toEqual({ current: 0, best: 0, logged: 0 });
    expect(streaks(["2026-12-04", "2026-12-05"], "2026-12-06")).toEqual({ current: 2, best: 2, logged: 2 });
    expect(streaks(["2026-12-04", "2026-12-05", "2026-12-06"], "2026-12-06").current).toBe(3);
    expect(streaks(["2026-12-01", "2026-12-02", "2026-12-03", "2026-12-05"], "2026-12-06")).toEqual({
      current: 1,
      best: 3,
      logged: 4,
    });
    expect(streaks(["2026-12-03"], "2026-12-06").current).toBe(0);
  });
});
