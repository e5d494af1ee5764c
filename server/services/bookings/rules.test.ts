import { describe, expect, it } from "vitest";
import { AppError } from "@server/errors";
import { DEFAULT_CANCELLATION_POLICY, describePolicy, refundFor } from "./policy";
import { assertBookingTransition, canTransitionBooking } from "./status";

const statuses = ["PENDING", "CONFIRMED", "COMPLETED", "NO_SHOW", "CANCELLED"] as const;
const legal = new Set([
  "PENDING>CONFIRMED",
  "PENDING>CANCELLED",
  "CONFIRMED>COMPLETED",
  "CONFIRMED>NO_SHOW",
  "CONFIRMED>CANCELLED",
]);

describe("booking status machine", () => {
  for (const from of statuses) {
    for (const to of statuses) {
      const ok = legal.has(`${from}>${to}`);
      it(`${from} → ${to} is ${ok ? "allowed" : "refused"}`, () => {
        expect(canTransitionBooking(from, to)).toBe(ok);
        if (ok) expect(() => assertBookingTransition(from, to)).not.toThrow();
        else expect(() => assertBookingTransition(from, to)).toThrow(AppError);
      });
    }
  }
});

describe("cancellation policy", () => {
  const startsAt = new Date("2026-06-10T10:00:00Z");
  const hoursBefore = (h: number) => new Date(startsAt.getTime() - h * 3_600_000);
  const policy = DEFAULT_CANCELLATION_POLICY;

  it("refunds a client in full from 24 hours before, partly later, nothing after the start", () => {
    expect(refundFor({ paidMinor: 6000, startsAt, now: hoursBefore(48), by: "client", policy })).toEqual({
      refundMinor: 6000,
      rule: "full",
    });
    expect(refundFor({ paidMinor: 6000, startsAt, now: hoursBefore(24), by: "client", policy })).toEqual({
      refundMinor: 6000,
      rule: "full",
    });
    expect(refundFor({ paidMinor: 6000, startsAt, now: hoursBefore(23.99), by: "client", policy })).toEqual({
      refundMinor: 3000,
      rule: "late",
    });
    expect(refundFor({ paidMinor: 6001, startsAt, now: hoursBefore(1), by: "client", policy })).toEqual({
      refundMinor: 3000,
      rule: "late",
    });
    expect(refundFor({ paidMinor: 6000, startsAt, now: hoursBefore(0), by: "client", policy })).toEqual({
      refundMinor: 0,
      rule: "none",
    });
  });

  it("always refunds in full when the coach cancels", () => {
    expect(refundFor({ paidMinor: 6000, startsAt, now: hoursBefore(-1), by: "coach", policy })).toEqual({
      refundMinor: 6000,
      rule: "full",
    });
  });

  it("follows the tenant's percentage and says the policy in words", () => {
    expect(
      refundFor({
        paidMinor: 9999,
        startsAt,
        now: hoursBefore(2),
        by: "client",
        policy: { fullRefundHours: 48, lateRefundPercent: 25 },
      }),
    ).toEqual({ refundMinor: 2499, rule: "late" });
    expect(describePolicy({ fullRefundHours: 48, lateRefundPercent: 0 })).toContain(
      "at least 48 hours before the start for a full refund; later cancellations get no refund",
    );
  });
});
