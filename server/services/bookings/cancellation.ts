import { AppError } from "@server/errors.ts";
import type { Actor } from "@server/policies/coaching.ts";
import { inZone, money } from "../format.ts";
import { bookingRole, otherBookingParty } from "@server/policies/participants.ts";
import type { BookingContext } from "./context.ts";
import type { LifecycleModule } from "./lifecycle.ts";
import { type CancelledBy, creditReturnedOnCancel, refundFor } from "./policy.ts";

/**
 * Cancellation and refunds: the client, the coach or a tenant admin cancels a PENDING or
 * CONFIRMED booking before it ends. A paid booking is refunded first, through the payments
 * service's primitives (one idempotent refund per booking through the provider), then cancelled
 * and its time freed, then the REFUND ledger row is written and the other person is told. A
 * credit booking gives its credit back inside the free window. Bookings orchestrates; payments
 * only moves the money.
 */
export function createCancellation(ctx: BookingContext, { lifecycle }: { lifecycle: LifecycleModule }) {
  const { db, now, ledger, notifications } = ctx;

  /** A booking the actor may cancel: its client, its coach, or an admin of its tenant; before it ends. */
  async function cancellable(actor: Actor, bookingId: string) {
    const row = await db.booking.findFirst({
      where: { id: bookingId, tenantId: actor.tenantId },
      select: {
        id: true,
        tenantId: true,
        status: true,
        priceMinor: true,
        currency: true,
        startsAt: true,
        endsAt: true,
        clientId: true,
        packagePurchaseId: true,
        coachProfile: { select: { userId: true } },
      },
    });
    const by = !row
      ? null
      : (bookingRole(actor, { tenantId: row.tenantId, clientId: row.clientId, coachUserId: row.coachProfile.userId }) ??
        (actor.role === "TENANT_ADMIN" ? "admin" : null));
    if (!row || !by) throw new AppError("NOT_FOUND", "That booking was not found.");
    if (row.status !== "PENDING" && row.status !== "CONFIRMED")
      throw new AppError("CONFLICT", "Only pending or confirmed bookings can be cancelled.");
    if (row.endsAt <= now()) throw new AppError("CONFLICT", "This session has already taken place.");
    const { coachProfile, ...booking } = row;
    return { booking: { ...booking, coachUserId: coachProfile.userId }, by: by as CancelledBy };
  }

  /** Whether cancelling a credit booking now gives the credit back (null: not a credit booking). */
  async function creditBack(
    booking: { status: string; packagePurchaseId: string | null; startsAt: Date; tenantId: string },
    by: CancelledBy,
  ) {
    if (!booking.packagePurchaseId) return null;
    if (booking.status !== "CONFIRMED") return false;
    const tenant = await db.tenant.findUniqueOrThrow({
      where: { id: booking.tenantId },
      select: { cancellationFullRefundHours: true, lateCancellationRefundPercent: true },
    });
    return creditReturnedOnCancel({
      startsAt: booking.startsAt,
      now: now(),
      by,
      policy: {
        fullRefundHours: tenant.cancellationFullRefundHours,
        lateRefundPercent: tenant.lateCancellationRefundPercent,
      },
    });
  }

  /** Refunds first (idempotent per booking), then cancels; answers the amount refunded. */
  async function refundAndCancel(
    booking: {
      id: string;
      tenantId: string;
      status: string;
      priceMinor: number;
      currency: string;
      startsAt: Date;
      packagePurchaseId: string | null;
    },
    by: CancelledBy,
    who: { userId: string; reason: string },
  ) {
    const credit = await creditBack(booking, by);
    if (credit !== null) {
      // Paid with a package credit: no money moves; the credit returns inside the free window.
      await lifecycle.markCancelled(booking.id, booking.status === "CONFIRMED" ? "CONFIRMED" : "PENDING", {
        ...who,
        returnCredit: credit,
      });
      return 0;
    }
    if (booking.status !== "CONFIRMED") {
      await lifecycle.markCancelled(booking.id, "PENDING", who);
      return 0;
    }
    const refundMinor = await refundAmount(booking, by);
    if (refundMinor > 0) {
      const refund = await ledger.refundCharge(booking.id, refundMinor);
      if (!refund)
        throw new AppError(
          "CONFLICT",
          "No payment was found for this booking, so it cannot be refunded automatically. Please contact the organisation.",
        );
      await lifecycle.markCancelled(booking.id, "CONFIRMED", who);
      await ledger.recordRefund({
        tenantId: booking.tenantId,
        bookingId: booking.id,
        amountMinor: refundMinor,
        currency: booking.currency,
        provider: refund.provider,
        reference: refund.refundId,
      });
    } else {
      await lifecycle.markCancelled(booking.id, "CONFIRMED", who);
    }
    return refundMinor;
  }

  async function refundAmount(
    booking: { status: string; priceMinor: number; startsAt: Date; tenantId: string },
    by: CancelledBy,
  ) {
    if (booking.status !== "CONFIRMED") return 0;
    const tenant = await db.tenant.findUniqueOrThrow({
      where: { id: booking.tenantId },
      select: { cancellationFullRefundHours: true, lateCancellationRefundPercent: true },
    });
    return refundFor({
      paidMinor: booking.priceMinor,
      startsAt: booking.startsAt,
      now: now(),
      by,
      policy: {
        fullRefundHours: tenant.cancellationFullRefundHours,
        lateRefundPercent: tenant.lateCancellationRefundPercent,
      },
    }).refundMinor;
  }

  return {
    /** What cancelling now would refund, for the confirmation shown before cancelling. */
    async cancellationPreview(actor: Actor, bookingId: string) {
      const { booking, by } = await cancellable(actor, bookingId);
      const credit = await creditBack(booking, by);
      return {
        refundMinor: credit === null ? await refundAmount(booking, by) : 0,
        currency: booking.currency,
        paid: booking.status === "CONFIRMED" && credit === null,
        creditReturned: credit,
      };
    },

    /**
     * Cancels a booking. Unpaid: just released. Paid: refunded by the tenant's policy when the
     * client cancels, in full when the coach or an admin does; the refund goes first (idempotent
     * per booking) so that a failure leaves the booking as it was.
     */
    async cancel(actor: Actor, bookingId: string, reason: string) {
      const { booking, by } = await cancellable(actor, bookingId);
      const credit = await creditBack(booking, by);
      const refundMinor = await refundAndCancel(booking, by, { userId: actor.userId, reason });
      const other = otherBookingParty(booking, actor.userId);
      const back =
        refundMinor > 0
          ? ` ${money(refundMinor, booking.currency)} is refunded.`
          : credit
            ? " The package credit is returned."
            : "";
      await notifications.notify({
        tenantId: booking.tenantId,
        userId: other,
        kind: "booking.cancelled",
        title: by === "client" ? "A client cancelled a session" : "Your session was cancelled",
        body: `${reason ? `Reason: ${reason}.` : ""}${back}`.trim(),
        link: `/bookings/${booking.id}`,
        email: true,
      });
      return { refundMinor, currency: booking.currency, creditReturned: credit };
    },

    /**
     * A confirmed session that the client attended and the coach missed, after its window: cancelled
     * as the coach's cancellation, so the client gets everything back (ADR 009); the client is told
     * (in-app and by mail) that the money is refunded or the package credit returned.
     */
    async cancelForCoachAbsence(bookingId: string, reason: string) {
      const row = await db.booking.findUniqueOrThrow({
        where: { id: bookingId },
        select: {
          id: true,
          tenantId: true,
          status: true,
          priceMinor: true,
          currency: true,
          startsAt: true,
          clientId: true,
          packagePurchaseId: true,
          coachProfile: { select: { userId: true, displayName: true } },
        },
      });
      if (row.status !== "CONFIRMED") return { refundMinor: 0, currency: row.currency };
      const credit = await creditBack(row, "coach");
      const refundMinor = await refundAndCancel(row, "coach", { userId: row.coachProfile.userId, reason });
      const client = await db.user.findUniqueOrThrow({ where: { id: row.clientId }, select: { timeZone: true } });
      const back =
        refundMinor > 0
          ? ` You are refunded in full: ${money(refundMinor, row.currency)}.`
          : credit
            ? " Your package credit is returned, so you can book another session with it."
            : "";
      await notifications.notify({
        tenantId: row.tenantId,
        userId: row.clientId,
        kind: "booking.cancelled",
        title: "Your coach missed the session",
        body: `${row.coachProfile.displayName} did not join your session on ${inZone(row.startsAt, client.timeZone)}, so it is cancelled.${back}`,
        link: `/bookings/${row.id}`,
        email: true,
      });
      return { refundMinor, currency: row.currency, creditReturned: credit };
    },
  };
}
