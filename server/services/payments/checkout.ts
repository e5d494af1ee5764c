import type { BookingStatus } from "@server/db/client.ts";
import { AppError, forbidden, notFound } from "@server/errors.ts";
import { localIds, type PaymentEvent } from "@server/integrations/payments/index.ts";
import type { Actor } from "@server/policies/coaching.ts";
import { describePackagePolicy, describePolicy } from "../bookings/policy.ts";
import type { HandledEvent, PaymentContext, PaymentOutcome } from "./context.ts";

type PayableBooking = { id: string; status: BookingStatus; holdExpiresAt: Date | null };

/**
 * Checkout: the client pays for their own booking or package purchase, through a Stripe Checkout
 * Session (destination charge to the coach, the platform fee kept) or the built-in local test
 * checkout, whose "Pay" buttons feed the same `handleEvent` as Stripe's webhook. A free booking
 * is confirmed through that path too, with a zero ledger.
 */
export function createCheckout(
  ctx: PaymentContext,
  { handleEvent }: { handleEvent: (event: PaymentEvent) => Promise<HandledEvent> },
) {
  const { db, now, provider, packages } = ctx;

  /**
   * A booking of the actor as its client, in the actor's tenant; anything else is "not found".
   * Payments' one "is this person the booking's client" check.
   */
  async function ownBooking(actor: Actor, bookingId: string) {
    const booking = await db.booking.findFirst({
      where: { id: bookingId, tenantId: actor.tenantId, clientId: actor.userId },
      select: {
        id: true,
        tenantId: true,
        status: true,
        priceMinor: true,
        platformFeeMinor: true,
        currency: true,
        startsAt: true,
        endsAt: true,
        sessionType: true,
        holdExpiresAt: true,
        coachProfile: { select: { displayName: true, stripeAccountId: true, payoutsEnabled: true } },
        service: { select: { name: true } },
      },
    });
    if (!booking) throw notFound("That booking");
    return booking;
  }

  /** Why a booking cannot be paid now, or null when it can. */
  function unpayableReason(booking: PayableBooking): string | null {
    switch (booking.status) {
      case "PENDING":
        if (booking.holdExpiresAt && booking.holdExpiresAt <= now())
          return "The hold on this time ran out before payment. Please choose a time again.";
        return null;
      case "CONFIRMED":
        return "This booking is already paid.";
      case "CANCELLED":
        return "This booking was cancelled, so it can no longer be paid. Please book a new time.";
      default:
        return "This session has already taken place.";
    }
  }

  function assertPayable(booking: PayableBooking) {
    const reason = unpayableReason(booking);
    if (reason) throw new AppError("CONFLICT", reason);
  }

  return {
    /** The client's own package purchase before paying: what is bought, its state and the credit policy. */
    async packageCheckoutSummary(actor: Actor, purchaseId: string) {
      if (!packages) throw new Error("Package checkout needs the package service.");
      const p = await packages.ownPurchase(actor, purchaseId);
      const tenant = await db.tenant.findUniqueOrThrow({
        where: { id: actor.tenantId },
        select: { cancellationFullRefundHours: true, lateCancellationRefundPercent: true },
      });
      return {
        provider: provider.kind,
        purchase: {
          id: p.id,
          status: p.status,
          sessionsTotal: p.sessionsTotal,
          creditsRemaining: p.creditsRemaining,
          priceMinor: p.priceMinor,
          currency: p.currency,
          coachProfileId: p.coachProfileId,
          packageName: p.package.name,
          serviceName: p.package.service.name,
          coachName: p.package.coachProfile.displayName,
        },
        payable: p.status === "PENDING",
        policy: describePackagePolicy({
          fullRefundHours: tenant.cancellationFullRefundHours,
          lateRefundPercent: tenant.lateCancellationRefundPercent,
        }),
      };
    },

    /**
     * Buys a package: a PENDING purchase, then a Stripe Checkout Session (destination charge to
     * the coach, the platform fee kept) or the local test checkout page.
     */
    async startPackageCheckout(actor: Actor, packageId: string, origin: string) {
      if (!packages) throw new Error("Package checkout needs the package service.");
      const { purchase, pkg } = await packages.startPurchase(actor, packageId);
      if (provider.kind === "stripe" && (!pkg.coachProfile.payoutsEnabled || !pkg.coachProfile.stripeAccountId)) {
        throw new AppError(
          "CONFLICT",
          "This coach has not finished setting up payouts yet, so this package cannot be bought for now. Please try again later.",
        );
      }
      const client = await db.user.findUniqueOrThrow({ where: { id: actor.userId }, select: { email: true } });
      const { url } = await provider.createPackageCheckout({
        packagePurchaseId: purchase.id,
        tenantId: actor.tenantId,
        priceMinor: purchase.priceMinor,
        platformFeeMinor: purchase.platformFeeMinor,
        currency: purchase.currency,
        description: `${pkg.name}: ${pkg.sessionCount} × ${pkg.service.name} with ${pkg.coachProfile.displayName}`,
        clientEmail: client.email,
        destinationAccountId: pkg.coachProfile.stripeAccountId,
        successUrl: `${origin}/packages?paid=${purchase.id}`,
        cancelUrl: `${origin}/coaches/${pkg.coachProfile.id}`,
        origin,
      });
      return { url, purchaseId: purchase.id };
    },

    /** The local test checkout's "Pay" button for a package purchase, through the common handler. */
    async payLocalPackage(actor: Actor, purchaseId: string) {
      if (provider.kind !== "local") throw forbidden("Test payments are switched off: this site takes real payments.");
      if (!packages) throw new Error("Package checkout needs the package service.");
      const purchase = await packages.ownPurchase(actor, purchaseId);
      if (purchase.status === "CANCELLED") throw new AppError("CONFLICT", "This package purchase was cancelled.");
      const handled = await handleEvent({
        kind: "checkout.paid",
        provider: "local",
        eventId: `local_evt_package_${purchase.id}`,
        type: "checkout.session.completed",
        bookingId: null,
        packagePurchaseId: purchase.id,
        paymentIntentId: `local_pi_package_${purchase.id}`,
        amountMinor: purchase.priceMinor,
        currency: purchase.currency,
        payload: {
          packagePurchaseId: purchase.id,
          amountMinor: purchase.priceMinor,
          currency: purchase.currency,
          paidBy: actor.userId,
        },
      });
      const after = await db.packagePurchase.findUniqueOrThrow({
        where: { id: purchase.id },
        select: { status: true, creditsRemaining: true },
      });
      return { ...handled, ...after };
    },

    /** What the client sees before paying: amount (no fee split), state and the cancellation policy. */
    async checkoutSummary(actor: Actor, bookingId: string) {
      const booking = await ownBooking(actor, bookingId);
      const tenant = await db.tenant.findUniqueOrThrow({
        where: { id: actor.tenantId },
        select: { cancellationFullRefundHours: true, lateCancellationRefundPercent: true },
      });
      return {
        provider: provider.kind,
        booking: {
          id: booking.id,
          status: booking.status,
          priceMinor: booking.priceMinor,
          currency: booking.currency,
          startsAt: booking.startsAt,
          endsAt: booking.endsAt,
          sessionType: booking.sessionType,
          holdExpiresAt: booking.holdExpiresAt,
          coachName: booking.coachProfile.displayName,
          serviceName: booking.service?.name ?? null,
        },
        payable: unpayableReason(booking) === null,
        reason: unpayableReason(booking),
        policy: describePolicy({
          fullRefundHours: tenant.cancellationFullRefundHours,
          lateRefundPercent: tenant.lateCancellationRefundPercent,
        }),
      };
    },

    /**
     * Sends the booking's client to pay: a Stripe Checkout Session (destination charge to the
     * coach, the platform fee kept), or the local test checkout page.
     */
    async startCheckout(actor: Actor, bookingId: string, origin: string) {
      const booking = await ownBooking(actor, bookingId);
      assertPayable(booking);
      if (booking.priceMinor === 0) {
        // Nothing to pay: confirm through the same path, with a zero ledger.
        await handleEvent({
          kind: "checkout.paid",
          provider: "local",
          eventId: `free_${booking.id}`,
          type: "free",
          bookingId: booking.id,
          paymentIntentId: null,
          amountMinor: 0,
          currency: booking.currency,
          payload: { free: true },
        });
        return { url: `${origin}/bookings/${booking.id}` };
      }
      if (
        provider.kind === "stripe" &&
        (!booking.coachProfile.payoutsEnabled || !booking.coachProfile.stripeAccountId)
      ) {
        throw new AppError(
          "CONFLICT",
          "This coach has not finished setting up payouts yet, so this session cannot be paid for now. Please try again later.",
        );
      }
      const client = await db.user.findUniqueOrThrow({ where: { id: actor.userId }, select: { email: true } });
      const { url } = await provider.createCheckout({
        bookingId: booking.id,
        tenantId: booking.tenantId,
        priceMinor: booking.priceMinor,
        platformFeeMinor: booking.platformFeeMinor,
        currency: booking.currency,
        description: `${booking.service?.name ?? "Coaching session"} with ${booking.coachProfile.displayName}`,
        clientEmail: client.email,
        destinationAccountId: booking.coachProfile.stripeAccountId,
        successUrl: `${origin}/bookings/${booking.id}?paid=1`,
        cancelUrl: `${origin}/bookings/${booking.id}`,
        origin,
      });
      return { url };
    },

    /** The local test checkout's "Pay" button: records a local event and runs the common handler. */
    async payLocal(actor: Actor, bookingId: string) {
      if (provider.kind !== "local") throw forbidden("Test payments are switched off: this site takes real payments.");
      const booking = await ownBooking(actor, bookingId);
      const ids = localIds(booking.id);
      const previous = await db.webhookEvent.findUnique({
        where: { provider_eventId: { provider: "local", eventId: ids.eventId } },
      });
      if (previous?.processedAt) {
        // Paid already (perhaps by a concurrent click): report the booking as it is now.
        const current = await db.booking.findUniqueOrThrow({ where: { id: booking.id }, select: { status: true } });
        return { duplicate: true, outcome: previous.outcome as PaymentOutcome | null, status: current.status };
      }
      assertPayable(booking);
      const handled = await handleEvent({
        kind: "checkout.paid",
        provider: "local",
        eventId: ids.eventId,
        type: "checkout.session.completed",
        bookingId: booking.id,
        paymentIntentId: ids.paymentIntentId,
        amountMinor: booking.priceMinor,
        currency: booking.currency,
        payload: {
          bookingId: booking.id,
          amountMinor: booking.priceMinor,
          currency: booking.currency,
          paidBy: actor.userId,
        },
      });
      const after = await db.booking.findUniqueOrThrow({ where: { id: booking.id }, select: { status: true } });
      return { ...handled, status: after.status };
    },
  };
}
