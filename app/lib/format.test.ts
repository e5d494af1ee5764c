import { describe, expect, it } from "vitest";
import { formatDateTime } from "./format";

describe("formatDateTime", () => {
  it("formats in the given time zone and names the zone", () => {
    expect(formatDateTime("2026-03-01T09:05:00Z", "UTC")).toBe("1 Mar 2026, 09:05 UTC");
    expect(formatDateTime(new Date("2026-07-01T09:05:00Z"), "Europe/Amsterdam")).toBe("1 Jul 2026, 11:05 CEST");
  });
});
