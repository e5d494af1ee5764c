import { describe, expect, it } from "vitest";
import { nextPayoutDate } from "./payouts.ts";

describe("next payout date", () => {
  it("is tomorrow for daily payouts", () => {
    expect(nextPayoutDate("DAILY", 1, new Date("2026-12-31T23:00:00Z"))).toBe("2027-01-01");
  });
  it("is the anchor day later this month, or next month's", () => {
    expect(nextPayoutDate("MONTHLY", 15, new Date("2026-06-10T12:00:00Z"))).toBe("2026-06-15");
    expect(nextPayoutDate("MONTHLY", 15, new Date("2026-06-15T12:00:00Z"))).toBe("2026-07-15");
    expect(nextPayoutDate("MONTHLY", 1, new Date("2026-12-02T04:00:00Z"))).toBe("2027-01-01");
  });
  it("pays on the last day of months shorter than the anchor", () => {
    expect(nextPayoutDate("MONTHLY", 31, new Date("2026-02-10T00:00:00Z"))).toBe("2026-02-28");
    expect(nextPayoutDate("MONTHLY", 31, new Date("2026-02-28T10:00:00Z"))).toBe("2026-03-31");
    expect(nextPayoutDate("MONTHLY", 30, new Date("2028-01-31T10:00:00Z"))).toBe("2028-02-29");
  });
});
