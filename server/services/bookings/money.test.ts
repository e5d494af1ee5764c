import { describe, expect, it } from "vitest";
import { DEFAULT_FEE_BPS, platformFee, proportionalRefund, resolveFeeBps, splitPayment } from "./money";

describe("platform fee", () => {
  it("rounds half up on exact integer arithmetic", () => {
    expect(platformFee(10_000, 1500)).toBe(1500);
    expect(platformFee(3, 1500)).toBe(0); // 0.45 → 0
    expect(platformFee(10, 1500)).toBe(2); // 1.5 → 2 (half up)
    expect(platformFee(1, 5000)).toBe(1); // 0.5 → 1
    expect(platformFee(4999, 1000)).toBe(500); // 499.9 → 500
    expect(platformFee(4995, 1000)).toBe(500); // 499.5 → 500
    expect(platformFee(4994, 1000)).toBe(499); // 499.4 → 499
    expect(platformFee(0, 1500)).toBe(0);
    expect(platformFee(Number.MAX_SAFE_INTEGER, 10_000)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it("refuses fractions, negatives and fees outside 0–100%", () => {
    expect(() => platformFee(10.5, 1500)).toThrow(RangeError);
    expect(() => platformFee(-1, 1500)).toThrow(RangeError);
    expect(() => platformFee(100, 10_001)).toThrow(RangeError);
  });

  it("pays the coach the price minus the fee", () => {
    expect(splitPayment(6000, 1500)).toEqual({ priceMinor: 6000, platformFeeMinor: 900, coachPayoutMinor: 5100 });
    for (const price of [1, 7, 99, 1234, 99_999]) {
      const s = splitPayment(price, 1234);
      expect(s.platformFeeMinor + s.coachPayoutMinor).toBe(price);
    }
  });

  it("takes the coach override, else the tenant's fee, else 15%", () => {
    expect(resolveFeeBps(1000, 2000)).toBe(1000);
    expect(resolveFeeBps(0, 2000)).toBe(0);
    expect(resolveFeeBps(null, 2000)).toBe(2000);
    expect(resolveFeeBps(undefined, undefined)).toBe(DEFAULT_FEE_BPS);
  });

  it("refunds the fee in proportion", () => {
    const paid = splitPayment(10_000, 1500);
    expect(proportionalRefund(paid, 10_000)).toEqual({
      refundMinor: 10_000,
      feeRefundMinor: 1500,
      transferReversalMinor: 8500,
    });
    expect(proportionalRefund(paid, 5_000)).toEqual({
      refundMinor: 5_000,
      feeRefundMinor: 750,
      transferReversalMinor: 4250,
    });
    expect(proportionalRefund(splitPayment(999, 1500), 333)).toEqual({
      refundMinor: 333,
      feeRefundMinor: 50,
      transferReversalMinor: 283,
    });
    expect(() => proportionalRefund(paid, 10_001)).toThrow(RangeError);
  });
});
