/**
 * The cancellation policy. Defaults: a client cancelling at least 24 hours before the start gets
 * everything back; later, the tenant's late-refund percentage (rounded down to whole minor
 * units); after the start (or as a no-show), nothing. A coach cancelling always refunds in full.
 */
export interface CancellationPolicy {
  fullRefundHours: number;
  lateRefundPercent: number;
}

export const DEFAULT_CANCELLATION_POLICY: CancellationPolicy = { fullRefundHours: 24, lateRefundPercent: 50 };

export type CancelledBy = "client" | "coach" | "admin";

export function refundFor(input: {
  paidMinor: number;
  startsAt: Date;
  now: Date;
  by: CancelledBy;
  policy: CancellationPolicy;
}): { refundMinor: number; rule: "full" | "late" | "none" } {
  const { paidMinor, startsAt, now, by, policy } = input;
  if (by !== "client") return { refundMinor: paidMinor, rule: "full" };
  const hoursBefore = (startsAt.getTime() - now.getTime()) / 3_600_000;
  if (hoursBefore >= policy.fullRefundHours) return { refundMinor: paidMinor, rule: "full" };
  if (hoursBefore > 0) return { refundMinor: Math.floor((paidMinor * policy.lateRefundPercent) / 100), rule: "late" };
  return { refundMinor: 0, rule: "none" };
}

/** The policy in words, shown to the client before paying. */
export function describePolicy(policy: CancellationPolicy): string {
  const late = policy.lateRefundPercent === 0 ? "no refund" : `a ${policy.lateRefundPercent}% refund`;
  return `Cancel at least ${policy.fullRefundHours} hours before the start for a full refund; later cancellations get ${late}. Missed sessions are not refunded. If your coach cancels, you get everything back.`;
}

/**
 * A booking paid with a package credit: the credit goes back to the package when the client
 * cancels inside the free window (the full-refund window), or when the coach or an admin cancels.
 * A later client cancellation uses the credit. No money moves either way.
 */
export function creditReturnedOnCancel(input: {
  startsAt: Date;
  now: Date;
  by: CancelledBy;
  policy: CancellationPolicy;
}): boolean {
  return refundFor({ ...input, paidMinor: 1 }).rule === "full";
}

/** The credit policy in words, shown before booking with a credit and before cancelling. */
export function describeCreditPolicy(policy: CancellationPolicy): string {
  return `This session uses a package credit. ${creditRules(policy)}`;
}

/** What a package buyer should know before paying: credits, the same rules per session, and no refunds of unused credits. */
export function describePackagePolicy(policy: CancellationPolicy): string {
  return `Each credit books one session. ${creditRules(policy)} Credits do not expire; unused credits are not refunded automatically (ask your organisation).`;
}

function creditRules(policy: CancellationPolicy): string {
  return `Cancel a session at least ${policy.fullRefundHours} hours before its start and the credit returns to your package; a later cancellation or a missed session uses the credit. Moving a session keeps the credit. If your coach cancels, the credit returns.`;
}
