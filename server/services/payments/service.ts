import { AppError } from "@server/errors.ts";
import {
  createPaymentProvider,
  type PaymentEvent,
  type PaymentProvider,
  WebhookVerificationError,
} from "@server/integrations/payments/index.ts";
import type { BookingService } from "../bookings/service.ts";
import type { ServiceDeps } from "../deps.ts";
import type { NotificationService } from "../notifications/service.ts";
import type { PackageService } from "../packages/service.ts";
import { createAccounts } from "./accounts.ts";
import { createCheckout } from "./checkout.ts";
import { createConfirmation } from "./confirmation.ts";
import { createPaymentEvents } from "./events.ts";
import { createLedger, type Ledger } from "./ledger.ts";

export type { HandledEvent, PaymentOutcome } from "./context.ts";

/**
 * Payments: the money side of bookings and packages, composed of one module per sub-domain (see
 * docs/architecture.md, "Payments"):
 * - checkout.ts: booking and package checkout, the local test checkout's buttons;
 * - events.ts: `handleEvent`, the one confirmation path for a verified event of any provider;
 * - confirmation.ts: what a paid checkout does (booking confirmed through bookings, package paid);
 * - accounts.ts: coach payouts onboarding, `account.updated`, payout schedules;
 * - ledger.ts: ledger rows and refunds through the provider (the money primitives that the
 *   bookings service's cancellation uses).
 * Every step is safe to repeat, so a redelivered or out-of-order event changes nothing.
 */
export function createPaymentService(
  deps: ServiceDeps,
  {
    bookings,
    notifications,
    packages,
    ledger: sharedLedger,
  }: { bookings: BookingService; notifications: NotificationService; packages?: PackageService; ledger?: Ledger },
  provider: PaymentProvider = createPaymentProvider(deps.env),
) {
  if (provider.kind === "local" && deps.env.NODE_ENV === "production") {
    deps.log.warn(
      "payments use the built-in test checkout (no STRIPE_SECRET_KEY): bookings are confirmed without real money",
    );
  }
  const ledger = sharedLedger ?? createLedger(deps, provider);
  const ctx = { ...deps, provider, ledger, bookings, notifications, packages };
  const accounts = createAccounts(ctx);
  const confirmation = createConfirmation(ctx);
  const { handleEvent } = createPaymentEvents(ctx, { confirmation, accounts });
  const checkout = createCheckout(ctx, { handleEvent });

  return {
    /** "stripe" or "local": which checkout the booking pages send clients to. */
    providerKind: provider.kind,

    handleEvent,

    /** Stripe's webhook: verifies the signature over the raw body and reads the event; the webhook inbox (ADR 016) records it and hands it to `handleEvent`. */
    verifyStripeWebhook(rawBody: string, signature: string | null): PaymentEvent {
      if (provider.kind !== "stripe") throw new AppError("NOT_FOUND", "Stripe is not configured on this site.");
      try {
        return provider.parseWebhook(rawBody, signature);
      } catch (error) {
        if (error instanceof WebhookVerificationError) throw new AppError("BAD_REQUEST", error.message);
        throw error;
      }
    },

    /** A Stripe event verified at receipt, read again from the inbox's stored payload (its retries). */
    readStripeEvent(payload: unknown): PaymentEvent {
      return provider.readEvent(payload);
    },

    // Checkout
    checkoutSummary: checkout.checkoutSummary,
    startCheckout: checkout.startCheckout,
    payLocal: checkout.payLocal,
    packageCheckoutSummary: checkout.packageCheckoutSummary,
    startPackageCheckout: checkout.startPackageCheckout,
    payLocalPackage: checkout.payLocalPackage,

    // Connected accounts
    coachOnboarding: accounts.coachOnboarding,
    coachPayoutStatus: accounts.coachPayoutStatus,
    applyPayoutSchedule: accounts.applyPayoutSchedule,
    fanOutPayoutSchedule: accounts.fanOutPayoutSchedule,

    /** Ledger rows of a booking (admin views and reconciliation). */
    ledger: ledger.entries,
  };
}

export type PaymentService = ReturnType<typeof createPaymentService>;
