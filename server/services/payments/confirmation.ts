import { AppError } from "@server/errors.ts";
import type { PaymentEvent } from "@server/integrations/payments/index.ts";
import type { EventResult, PaymentContext } from "./context.ts";

type PaidEvent = Extract<PaymentEvent, { kind: "checkout.paid" }>;

/**
 * What a paid checkout does: a booking is confirmed through `bookings.confirmPaid` (the bookings
 * lifecycle owns the status change) and its ledger written; a payment for a hold that expired and
 * was released is refunded in full; a package purchase becomes PAID with its credits. Each step is
 * safe to repeat.
 */
export function createConfirmation(ctx: PaymentContext) {
  const { db, log, now, provider, ledger, bookings, packages } = ctx;

  /** A paid booking checkout. */
  async function bookingPaid(event: PaidEvent, eventRowId: string): Promise<EventResult> {
    if (!event.bookingId) return { outcome: "IGNORED", error: "The event names no booking." };
    const booking = await db.booking.findUnique({
      where: { id: event.bookingId },
      select: {
        id: true,
        tenantId: true,
        clientId: true,
        status: true,
        priceMinor: true,
        platformFeeMinor: true,
        coachPayoutMinor: true,
        currency: true,
      },
    });
    if (!booking) {
      log.error("payment for an unknown booking", {
        provider: event.provider,
        eventId: event.eventId,
        bookingId: event.bookingId,
      });
      return { outcome: "UNKNOWN_BOOKING", error: "No such booking." };
    }
    const where = { tenantId: booking.tenantId, bookingId: booking.id };
    if (
      (event.amountMinor !== null && event.amountMinor !== booking.priceMinor) ||
      (event.currency !== null && event.currency.toUpperCase() !== booking.currency.toUpperCase())
    ) {
      log.error("payment amount differs from the booking", {
        eventId: event.eventId,
        bookingId: booking.id,
        paid: `${event.amountMinor} ${event.currency}`,
        price: `${booking.priceMinor} ${booking.currency}`,
      });
      return {
        ...where,
        outcome: "AMOUNT_MISMATCH",
        error: `Paid ${event.amountMinor} ${event.currency}, price ${booking.priceMinor} ${booking.currency}.`,
      };
    }
    const reference = event.paymentIntentId ?? event.eventId;

    let result: { confirmed: boolean; alreadyConfirmed: boolean } | null = null;
    try {
      result = await bookings.confirmPaid(booking.id);
    } catch (error) {
      if (!(error instanceof AppError && error.code === "CONFLICT")) throw error;
    }
    if (result) {
      await ledger.writeBookingCharge(booking, event.provider, reference);
      return { ...where, outcome: result.confirmed ? "CONFIRMED" : "ALREADY_CONFIRMED" };
    }

    // The booking could not be confirmed. Re-read it: a concurrent delivery of the same payment
    // may just have confirmed it.
    const current = await db.booking.findUniqueOrThrow({ where: { id: booking.id }, select: { status: true } });
    if (current.status === "CONFIRMED") {
      await ledger.writeBookingCharge(booking, event.provider, reference);
      return { ...where, outcome: "ALREADY_CONFIRMED" };
    }
    // Paid before (completed, or cancelled after payment, which the cancellation flow refunds).
    const charged = await ledger.hasCharge(booking.id);
    if (charged || current.status !== "CANCELLED") return { ...where, outcome: "ALREADY_SETTLED" };

    // The hold expired and its time was released before the money arrived: give it all back.
    await db.webhookEvent.update({ where: { id: eventRowId }, data: { ...where, outcome: "REFUND_NEEDED" } });
    if (!event.paymentIntentId) {
      log.error("a payment for a released hold needs a manual refund (no payment reference)", {
        eventId: event.eventId,
        bookingId: booking.id,
      });
      return { ...where, outcome: "REFUND_NEEDED", error: "No payment reference to refund." };
    }
    const { refundId } = await provider.refund({ paymentIntentId: event.paymentIntentId, bookingId: booking.id });
    await ledger.writeChargeRefunded({
      ...where,
      amountMinor: booking.priceMinor,
      currency: booking.currency,
      provider: event.provider,
      chargeReference: reference,
      refundReference: refundId,
    });
    log.info("refunded a payment for an expired hold", { bookingId: booking.id, refundId });
    return {
      ...where,
      outcome: "REFUNDED",
      refundId,
      refunded: { tenantId: booking.tenantId, clientId: booking.clientId, bookingId: booking.id },
    };
  }

  /** A paid package checkout: the purchase becomes PAID with its credits, and its ledger is written once. */
  async function packagePaid(event: PaidEvent, purchaseId: string): Promise<EventResult> {
    const purchase = await db.packagePurchase.findUnique({
      where: { id: purchaseId },
      select: {
        id: true,
        tenantId: true,
        status: true,
        priceMinor: true,
        platformFeeMinor: true,
        coachPayoutMinor: true,
        currency: true,
      },
    });
    if (!purchase || !packages) {
      log.error("payment for an unknown package purchase", {
        provider: event.provider,
        eventId: event.eventId,
        packagePurchaseId: purchaseId,
      });
      return { outcome: "UNKNOWN_PURCHASE", error: "No such package purchase." };
    }
    const where = { tenantId: purchase.tenantId };
    if (
      (event.amountMinor !== null && event.amountMinor !== purchase.priceMinor) ||
      (event.currency !== null && event.currency.toUpperCase() !== purchase.currency.toUpperCase())
    ) {
      log.error("payment amount differs from the package purchase", {
        eventId: event.eventId,
        packagePurchaseId: purchase.id,
        paid: `${event.amountMinor} ${event.currency}`,
        price: `${purchase.priceMinor} ${purchase.currency}`,
      });
      return {
        ...where,
        outcome: "AMOUNT_MISMATCH",
        error: `Paid ${event.amountMinor} ${event.currency}, price ${purchase.priceMinor} ${purchase.currency}.`,
      };
    }
    if (purchase.platformFeeMinor + purchase.coachPayoutMinor !== purchase.priceMinor)
      throw new Error(`Package purchase ${purchase.id} does not add up.`);
    const { confirmed } = await packages.confirmPaid(purchase.id, now());
    const reference = event.paymentIntentId ?? event.eventId;
    await ledger.writePackageCharge(purchase, event.provider, reference);
    return { ...where, outcome: confirmed ? "CONFIRMED" : "ALREADY_CONFIRMED" };
  }

  return { bookingPaid, packagePaid };
}

export type ConfirmationModule = ReturnType<typeof createConfirmation>;
