import type { BookingStatus, Prisma } from "@server/db/client.ts";
import { AppError, forbidden, notFound } from "@server/errors.ts";
import {
  createPaymentProvider,
  localIds,
  type PaymentEvent,
  type PaymentProvider,
} from "@server/integrations/payments/index.ts";
import type { Actor } from "@server/policies/coaching.ts";
import type { BookingService } from "../bookings/service.ts";
import {
  type CancelledBy,
  creditReturnedOnCancel,
  describePackagePolicy,
  describePolicy,
  refundFor,
} from "../bookings/policy.ts";
import type { ServiceDeps } from "../deps.ts";
import { inZone, money } from "../format.ts";
import type { NotificationService } from "../notifications/service.ts";
import type { PackageService } from "../packages/service.ts";

/** What handling an event did (stored on WebhookEvent.outcome). */
export type PaymentOutcome =
  | "CONFIRMED"
  | "ALREADY_CONFIRMED"
  | "ALREADY_SETTLED"
  | "REFUND_NEEDED"
  | "REFUNDED"
  | "AMOUNT_MISMATCH"
  | "UNKNOWN_BOOKING"
  | "UNKNOWN_PURCHASE"
  | "ACCOUNT_UPDATED"
  | "IGNORED";

export interface HandledEvent {
  /** The event had been processed before: nothing changed. */
  duplicate: boolean;
  outcome: PaymentOutcome | null;
}

type PayableBooking = { id: string; status: BookingStatus; holdExpiresAt: Date | null };

/**
 * The payment step of bookings: checkout, coach payouts onboarding and the confirmation path.
 * Stripe's webhook and the local test checkout both end in `handleEvent`, which records the
 * event once (provider + event id), confirms the booking through `bookings.confirmPaid`, writes
 * the ledger, and refunds a payment that arrived for a hold that had already expired and been
 * released. Every step is safe to repeat, so a redelivered or out-of-order event changes nothing.
 */
export function createPaymentService(
  { db, env, log, now, jobs }: ServiceDeps,
  {
    bookings,
    notifications,
    packages,
  }: { bookings: BookingService; notifications: NotificationService; packages?: PackageService },
  provider: PaymentProvider = createPaymentProvider(env),
) {
  if (provider.kind === "local" && env.NODE_ENV === "production") {
    log.warn(
      "payments use the built-in test checkout (no STRIPE_SECRET_KEY): bookings are confirmed without real money",
    );
  }

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
      : row.clientId === actor.userId
        ? "client"
        : row.coachProfile.userId === actor.userId
          ? "coach"
          : actor.role === "TENANT_ADMIN"
            ? "admin"
            : null;
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
      await bookings.cancel(booking.id, booking.status === "CONFIRMED" ? "CONFIRMED" : "PENDING", {
        ...who,
        returnCredit: credit,
      });
      return 0;
    }
    if (booking.status !== "CONFIRMED") {
      await bookings.cancel(booking.id, "PENDING", who);
      return 0;
    }
    const refundMinor = await refundAmount(booking, by);
    if (refundMinor > 0) {
      const charge = await db.ledgerEntry.findFirst({
        where: { bookingId: booking.id, kind: "CHARGE" },
        select: { reference: true, provider: true },
      });
      if (!charge)
        throw new AppError(
          "CONFLICT",
          "No payment was found for this booking, so it cannot be refunded automatically. Please contact the organisation.",
        );
      const { refundId } = await provider.refund({
        paymentIntentId: charge.reference,
        bookingId: booking.id,
        amountMinor: refundMinor,
      });
      await bookings.cancel(booking.id, "CONFIRMED", who);
      await db.ledgerEntry.createMany({
        data: [
          {
            tenantId: booking.tenantId,
            bookingId: booking.id,
            kind: "REFUND",
            amountMinor: refundMinor,
            currency: booking.currency,
            provider: charge.provider,
            reference: refundId,
          },
        ],
        skipDuplicates: true,
      });
    } else {
      await bookings.cancel(booking.id, "CONFIRMED", who);
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

  /** A booking of the actor as its client, in the actor's tenant; anything else is "not found". */
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

  async function ownCoachProfile(actor: Actor) {
    const profile = await db.coachProfile.findUnique({
      where: { tenantId_userId: { tenantId: actor.tenantId, userId: actor.userId } },
      select: {
        id: true,
        status: true,
        stripeAccountId: true,
        payoutsEnabled: true,
        user: { select: { email: true } },
      },
    });
    if (!profile || (profile.status !== "APPROVED" && profile.status !== "SUSPENDED"))
      throw forbidden("Only approved coaches set up payouts.");
    return profile;
  }

  /** Charge, fee and transfer of a confirmed booking; written once (unique per booking and kind). */
  async function writeLedger(
    booking: {
      id: string;
      tenantId: string;
      priceMinor: number;
      platformFeeMinor: number;
      coachPayoutMinor: number;
      currency: string;
    },
    provider: string,
    reference: string,
  ) {
    if (booking.platformFeeMinor + booking.coachPayoutMinor !== booking.priceMinor) {
      throw new Error(
        `Booking ${booking.id} does not add up: fee ${booking.platformFeeMinor} + payout ${booking.coachPayoutMinor} ≠ price ${booking.priceMinor}`,
      );
    }
    const row = (kind: "CHARGE" | "PLATFORM_FEE" | "COACH_TRANSFER", amountMinor: number) => ({
      tenantId: booking.tenantId,
      bookingId: booking.id,
      kind,
      amountMinor,
      currency: booking.currency,
      provider,
      reference,
    });
    await db.ledgerEntry.createMany({
      data: [
        row("CHARGE", booking.priceMinor),
        row("PLATFORM_FEE", booking.platformFeeMinor),
        row("COACH_TRANSFER", booking.coachPayoutMinor),
      ],
      skipDuplicates: true,
    });
  }

  async function handlePaid(
    event: Extract<PaymentEvent, { kind: "checkout.paid" }>,
    eventRowId: string,
  ): Promise<{
    outcome: PaymentOutcome;
    error?: string;
    refundId?: string;
    tenantId?: string;
    bookingId?: string;
    refunded?: { tenantId: string; clientId: string; bookingId: string };
  }> {
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
      await writeLedger(booking, event.provider, reference);
      return { ...where, outcome: result.confirmed ? "CONFIRMED" : "ALREADY_CONFIRMED" };
    }

    // The booking could not be confirmed. Re-read it: a concurrent delivery of the same payment
    // may just have confirmed it.
    const current = await db.booking.findUniqueOrThrow({ where: { id: booking.id }, select: { status: true } });
    if (current.status === "CONFIRMED") {
      await writeLedger(booking, event.provider, reference);
      return { ...where, outcome: "ALREADY_CONFIRMED" };
    }
    // Paid before (completed, or cancelled after payment, which the cancellation flow refunds).
    const charged = await db.ledgerEntry.findUnique({
      where: { bookingId_kind: { bookingId: booking.id, kind: "CHARGE" } },
    });
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
    const row = (kind: "CHARGE" | "REFUND", ref: string) => ({
      ...where,
      kind,
      amountMinor: booking.priceMinor,
      currency: booking.currency,
      provider: event.provider,
      reference: ref,
    });
    await db.ledgerEntry.createMany({
      data: [row("CHARGE", reference), row("REFUND", refundId)],
      skipDuplicates: true,
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
  async function handlePackagePaid(
    event: Extract<PaymentEvent, { kind: "checkout.paid" }>,
    purchaseId: string,
  ): Promise<Awaited<ReturnType<typeof handlePaid>>> {
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
    const row = (kind: "CHARGE" | "PLATFORM_FEE" | "COACH_TRANSFER", amountMinor: number) => ({
      tenantId: purchase.tenantId,
      packagePurchaseId: purchase.id,
      kind,
      amountMinor,
      currency: purchase.currency,
      provider: event.provider,
      reference,
    });
    await db.ledgerEntry.createMany({
      data: [
        row("CHARGE", purchase.priceMinor),
        row("PLATFORM_FEE", purchase.platformFeeMinor),
        row("COACH_TRANSFER", purchase.coachPayoutMinor),
      ],
      skipDuplicates: true,
    });
    return { ...where, outcome: confirmed ? "CONFIRMED" : "ALREADY_CONFIRMED" };
  }

  /** Applies the tenant's payout schedule to one coach's connected account (Stripe; nothing locally). */
  async function applyPayoutSchedule(coachProfileId: string) {
    const coach = await db.coachProfile.findUnique({
      where: { id: coachProfileId },
      select: { id: true, stripeAccountId: true, tenantId: true },
    });
    if (!coach?.stripeAccountId || provider.kind !== "stripe") return { applied: false };
    // Always the tenant's current setting, so that jobs running late or out of order end right.
    const tenant = await db.tenant.findUniqueOrThrow({
      where: { id: coach.tenantId },
      select: { payoutSchedule: true, payoutMonthlyAnchor: true, updatedAt: true },
    });
    await provider.setPayoutSchedule({
      accountId: coach.stripeAccountId,
      coachProfileId: coach.id,
      interval: tenant.payoutSchedule === "MONTHLY" ? "monthly" : "daily",
      monthlyAnchor: tenant.payoutMonthlyAnchor,
      version: String(tenant.updatedAt.getTime()),
    });
    return { applied: true };
  }

  /**
   * The one confirmation path for every provider. Records the event (unique per provider and
   * event id); an event processed before is a no-op. A failure leaves the event unprocessed so
   * that the provider's retry (or the local button, pressed again) finishes the work.
   */
  async function handleEvent(event: PaymentEvent): Promise<HandledEvent> {
    await db.webhookEvent.createMany({
      data: [
        {
          provider: event.provider,
          eventId: event.eventId,
          type: event.type,
          bookingId: event.kind === "checkout.paid" ? event.bookingId : null,
          payload: (event.payload ?? {}) as Prisma.InputJsonValue,
        },
      ],
      skipDuplicates: true,
    });
    const first = await db.webhookEvent.findUniqueOrThrow({
      where: { provider_eventId: { provider: event.provider, eventId: event.eventId } },
    });
    if (first.processedAt) return { duplicate: true, outcome: first.outcome as PaymentOutcome | null };
    // Concurrent deliveries of one event queue on a transaction-scoped advisory lock, so that the
    // delivery that does the work is the one that records its outcome (the lock's connection only
    // waits; the work runs on others, so it may update the event row itself).
    return db.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${first.id}, 1))`;
        const stored = await tx.webhookEvent.findUniqueOrThrow({ where: { id: first.id } });
        if (stored.processedAt) return { duplicate: true, outcome: stored.outcome as PaymentOutcome | null };
        return processEvent(event, stored);
      },
      { timeout: 120_000, maxWait: 30_000 },
    );
  }

  async function processEvent(
    event: PaymentEvent,
    stored: { id: string; bookingId: string | null },
  ): Promise<HandledEvent> {
    let handled: Awaited<ReturnType<typeof handlePaid>>;
    try {
      if (event.kind === "checkout.paid" && event.packagePurchaseId) {
        handled = await handlePackagePaid(event, event.packagePurchaseId);
      } else if (event.kind === "checkout.paid") {
        handled = await handlePaid(event, stored.id);
      } else if (event.kind === "account.updated") {
        const coach = await db.coachProfile.findUnique({
          where: { stripeAccountId: event.accountId },
          select: { id: true, tenantId: true },
        });
        if (!coach) {
          handled = { outcome: "IGNORED", error: "No coach has this account." };
        } else {
          // Events may arrive out of order: ask the provider for the account's current state.
          const payoutsEnabled = await provider.payoutsEnabled(event.accountId);
          await db.coachProfile.update({ where: { id: coach.id }, data: { payoutsEnabled } });
          handled = { outcome: "ACCOUNT_UPDATED", tenantId: coach.tenantId };
        }
      } else {
        handled = { outcome: "IGNORED" };
      }
    } catch (error) {
      await db.webhookEvent
        .update({ where: { id: stored.id }, data: { error: error instanceof Error ? error.message : String(error) } })
        .catch(() => undefined);
      throw error;
    }
    // Only the delivery that marks the event processed tells anyone about it.
    const { count } = await db.webhookEvent.updateMany({
      where: { id: stored.id, processedAt: null },
      data: {
        processedAt: now(),
        outcome: handled.outcome,
        refundId: handled.refundId ?? null,
        error: handled.error ?? null,
        tenantId: handled.tenantId ?? null,
        bookingId: handled.bookingId ?? stored.bookingId,
      },
    });
    if (count === 0) {
      // A concurrent delivery of the same event finished first.
      const final = await db.webhookEvent.findUniqueOrThrow({ where: { id: stored.id }, select: { outcome: true } });
      return { duplicate: true, outcome: final.outcome as PaymentOutcome | null };
    }
    if (handled.refunded) {
      await notifications.notify({
        tenantId: handled.refunded.tenantId,
        userId: handled.refunded.clientId,
        kind: "booking.payment_refunded",
        title: "Your payment was refunded",
        body: "Your payment arrived after the hold on this time had run out and the time was released, so we refunded it in full. Please choose a time again.",
        link: `/bookings/${handled.refunded.bookingId}`,
        email: true,
      });
    }
    return { duplicate: false, outcome: handled.outcome };
  }

  return {
    /** "stripe" or "local": which checkout the booking pages send clients to. */
    providerKind: provider.kind,

    handleEvent,

    applyPayoutSchedule,

    /**
     * The tenant's payout schedule changed: one job per coach with a connected account (Stripe),
     * so the change survives restarts and reaches any number of coaches. Without a job queue
     * (tests, scripts) the accounts are updated here, one by one.
     */
    async fanOutPayoutSchedule(tenantId: string) {
      if (provider.kind !== "stripe") return { coaches: 0 };
      const coaches = await db.coachProfile.findMany({
        where: { tenantId, stripeAccountId: { not: null } },
        select: { id: true },
      });
      for (const c of coaches) {
        if (jobs) await jobs.send("payouts.apply-schedule", { coachProfileId: c.id });
        else await applyPayoutSchedule(c.id);
      }
      return { coaches: coaches.length };
    },

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

    /** Stripe's webhook: verifies the signature over the raw body, then the common handler. */
    async receiveStripeWebhook(rawBody: string, signature: string | null) {
      if (provider.kind !== "stripe") throw new AppError("NOT_FOUND", "Stripe is not configured on this site.");
      return handleEvent(provider.parseWebhook(rawBody, signature));
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

    /**
     * Coach payouts onboarding: Stripe Connect Express (account, then an onboarding link); with
     * the local provider there is nothing to set up and payouts are simply enabled.
     */
    async coachOnboarding(actor: Actor, origin: string, returnPath = "/coaching/profile") {
      const profile = await ownCoachProfile(actor);
      const back = `${origin}${returnPath}`;
      if (provider.kind === "local") {
        await db.coachProfile.update({ where: { id: profile.id }, data: { payoutsEnabled: true } });
        return { url: back };
      }
      let accountId = profile.stripeAccountId;
      if (!accountId) {
        // The idempotency key makes a concurrent or retried creation return the same account.
        accountId = (
          await provider.createCoachAccount({
            coachProfileId: profile.id,
            tenantId: actor.tenantId,
            email: profile.user.email,
          })
        ).accountId;
        await db.coachProfile.updateMany({
          where: { id: profile.id, stripeAccountId: null },
          data: { stripeAccountId: accountId },
        });
        // The new account is paid out on the tenant's schedule; a failure here is retried by a job.
        await applyPayoutSchedule(profile.id).catch(async (e: unknown) => {
          log.error("could not set the payout schedule of a new account", {
            coachProfileId: profile.id,
            error: String(e),
          });
          if (jobs) await jobs.send("payouts.apply-schedule", { coachProfileId: profile.id });
        });
      }
      return provider.createOnboardingLink({
        accountId,
        coachProfileId: profile.id,
        refreshUrl: back,
        returnUrl: back,
        now: now(),
      });
    },

    /** Whether the coach can be paid (and so can sell when Stripe is configured). */
    async coachPayoutStatus(actor: Actor) {
      const profile = await ownCoachProfile(actor);
      let payoutsEnabled = profile.payoutsEnabled;
      if (provider.kind === "stripe" && profile.stripeAccountId && !payoutsEnabled) {
        payoutsEnabled = await provider.payoutsEnabled(profile.stripeAccountId);
        if (payoutsEnabled) await db.coachProfile.update({ where: { id: profile.id }, data: { payoutsEnabled } });
      }
      return {
        provider: provider.kind,
        accountConnected: provider.kind === "local" ? payoutsEnabled : profile.stripeAccountId !== null,
        payoutsEnabled,
        canSell: provider.kind === "local" || payoutsEnabled,
      };
    },

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
    async cancelBooking(actor: Actor, bookingId: string, reason: string) {
      const { booking, by } = await cancellable(actor, bookingId);
      const credit = await creditBack(booking, by);
      const refundMinor = await refundAndCancel(booking, by, { userId: actor.userId, reason });
      const other = by === "client" ? booking.coachUserId : booking.clientId;
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

    /** Ledger rows of a booking (admin views and reconciliation). */
    ledger(tenantId: string, bookingId: string) {
      return db.ledgerEntry.findMany({ where: { tenantId, bookingId }, orderBy: { createdAt: "asc" } });
    },
  };
}

export type PaymentService = ReturnType<typeof createPaymentService>;
