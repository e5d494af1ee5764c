/**
 * Money is integer minor units with an ISO currency. The platform fee is
 * round-half-up(price × feeBps / 10000); the coach receives the rest. Fee basis points come
 * from the coach's override, else the tenant's setting, else 1500 (15%).
 */
export const DEFAULT_FEE_BPS = 1500;

export function resolveFeeBps(
  coachOverrideBps: number | null | undefined,
  tenantBps: number | null | undefined,
): number {
  return coachOverrideBps ?? tenantBps ?? DEFAULT_FEE_BPS;
}

/** Exact integer arithmetic (BigInt), rounding halves up, for any non-negative price. */
export function platformFee(priceMinor: number, feeBps: number): number {
  if (!Number.isSafeInteger(priceMinor) || priceMinor < 0)
    throw new RangeError(`price must be a non-negative whole number of minor units, got ${priceMinor}`);
  if (!Number.isInteger(feeBps) || feeBps < 0 || feeBps > 10_000)
    throw new RangeError(`fee must be 0 to 10000 basis points, got ${feeBps}`);
  const numerator = BigInt(priceMinor) * BigInt(feeBps);
  return Number((numerator * 2n + 10_000n) / 20_000n);
}

export function splitPayment(priceMinor: number, feeBps: number) {
  const fee = platformFee(priceMinor, feeBps);
  return { priceMinor, platformFeeMinor: fee, coachPayoutMinor: priceMinor - fee };
}

/** A refund of part of a payment, with the fee refunded in the same proportion (rounded half up). */
export function proportionalRefund(payment: { priceMinor: number; platformFeeMinor: number }, refundMinor: number) {
  if (!Number.isSafeInteger(refundMinor) || refundMinor < 0 || refundMinor > payment.priceMinor)
    throw new RangeError(`refund must be 0 to ${payment.priceMinor}, got ${refundMinor}`);
  if (payment.priceMinor === 0) return { refundMinor: 0, feeRefundMinor: 0, transferReversalMinor: 0 };
  const feeRefund = Number(
    (BigInt(payment.platformFeeMinor) * BigInt(refundMinor) * 2n + BigInt(payment.priceMinor)) /
      (2n * BigInt(payment.priceMinor)),
  );
  return { refundMinor, feeRefundMinor: feeRefund, transferReversalMinor: refundMinor - feeRefund };
}
