import { forbidden } from "@server/errors.ts";
import { type Actor, canAdministerCoaches } from "@server/policies/coaching.ts";
import { proportionalRefund } from "../bookings/money.ts";
import type { ServiceDeps } from "../deps.ts";
import { nextPayoutDate } from "./payouts.ts";

export interface MonthTotals {
  month: string; // YYYY-MM (UTC)
  currency: string;
  grossMinor: number;
  feesMinor: number;
  netMinor: number;
  refundedMinor: number;
}

/**
 * Earnings from the ledger: per month (of the ledger entry, UTC) and currency. A refund takes
 * back the coach's transfer and the platform's fee in proportion (bookings/money.ts).
 */
export function createEarningsService({ db, now }: ServiceDeps) {
  async function totals(where: { tenantId: string; bookingIds?: string[]; packagePurchaseIds?: string[] }) {
    const own = where.bookingIds
      ? { OR: [{ bookingId: { in: where.bookingIds } }, { packagePurchaseId: { in: where.packagePurchaseIds ?? [] } }] }
      : {};
    const entries = await db.ledgerEntry.findMany({
      where: { tenantId: where.tenantId, ...own },
      orderBy: { createdAt: "asc" },
    });
    const bookingIds = [...new Set(entries.flatMap((e) => (e.kind === "REFUND" && e.bookingId ? [e.bookingId] : [])))];
    const bookings = new Map(
      (
        await db.booking.findMany({
          where: { id: { in: bookingIds } },
          select: { id: true, priceMinor: true, platformFeeMinor: true },
        })
      ).map((b) => [b.id, b]),
    );
    const months = new Map<string, MonthTotals>();
    for (const e of entries) {
      const month = e.createdAt.toISOString().slice(0, 7);
      const key = `${month} ${e.currency}`;
      const t = months.get(key) ?? {
        month,
        currency: e.currency,
        grossMinor: 0,
        feesMinor: 0,
        netMinor: 0,
        refundedMinor: 0,
      };
      if (e.kind === "CHARGE") t.grossMinor += e.amountMinor;
      if (e.kind === "PLATFORM_FEE") t.feesMinor += e.amountMinor;
      if (e.kind === "COACH_TRANSFER") t.netMinor += e.amountMinor;
      if (e.kind === "REFUND") {
        const booking = e.bookingId ? bookings.get(e.bookingId) : undefined;
        t.refundedMinor += e.amountMinor;
        if (booking) {
          const split = proportionalRefund(booking, e.amountMinor);
          t.feesMinor -= split.feeRefundMinor;
          t.netMinor -= split.transferReversalMinor;
        }
      }
      months.set(key, t);
    }
    return [...months.values()].sort((a, b) =>
      a.month === b.month ? a.currency.localeCompare(b.currency) : b.month.localeCompare(a.month),
    );
  }

  return {
    /** The coach's own earnings by month, and confirmed sessions still to come. */
    async forCoach(actor: Actor) {
      const profile = await db.coachProfile.findUnique({
        where: { tenantId_userId: { tenantId: actor.tenantId, userId: actor.userId } },
        select: { id: true, payoutsEnabled: true },
      });
      if (!profile) throw forbidden("Only coaches have earnings.");
      const bookingIds = (
        await db.booking.findMany({ where: { coachProfileId: profile.id }, select: { id: true } })
      ).map((b) => b.id);
      // Packages are paid once, up front: their charge, fee and transfer count in the month of purchase.
      const packagePurchaseIds = (
        await db.packagePurchase.findMany({ where: { coachProfileId: profile.id }, select: { id: true } })
      ).map((p) => p.id);
      const tenant = await db.tenant.findUniqueOrThrow({
        where: { id: actor.tenantId },
        select: { payoutSchedule: true, payoutMonthlyAnchor: true },
      });
      const upcoming = await db.booking.groupBy({
        by: ["currency"],
        where: { coachProfileId: profile.id, status: "CONFIRMED", startsAt: { gt: now() } },
        _sum: { coachPayoutMinor: true },
        _count: { _all: true },
      });
      return {
        months: await totals({ tenantId: actor.tenantId, bookingIds, packagePurchaseIds }),
        payouts: {
          schedule: tenant.payoutSchedule,
          monthlyAnchor: tenant.payoutMonthlyAnchor,
          payoutsEnabled: profile.payoutsEnabled,
          // Only an account that can receive money has a next payout.
          nextPayoutOn: profile.payoutsEnabled
            ? nextPayoutDate(tenant.payoutSchedule, tenant.payoutMonthlyAnchor, now())
            : null,
        },
        upcoming: upcoming.map((u) => ({
          currency: u.currency,
          sessions: u._count._all,
          payoutMinor: u._sum.coachPayoutMinor ?? 0,
        })),
      };
    },

    /** The platform's fee income of the tenant by month (tenant admins). */
    async forTenant(actor: Actor) {
      if (!canAdministerCoaches(actor)) throw forbidden("Only organisation admins see the platform's income.");
      return { months: await totals({ tenantId: actor.tenantId }) };
    },
  };
}
