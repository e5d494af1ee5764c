/**
 * Payment providers: Stripe Connect (destination charges to coaches' Express accounts) and the
 * built-in local test checkout. Both feed the same `PaymentEvent` into the payments service.
 */
export type PaymentProviderKind = "stripe" | "local";

export interface CheckoutInput {
  bookingId: string;
  tenantId: string;
  priceMinor: number;
  platformFeeMinor: number;
  /** ISO currency, any case. */
  currency: string;
  /** What the client sees on the checkout page. */
  description: string;
  clientEmail: string;
  /** The coach's connected account (Stripe); null with the local provider. */
  destinationAccountId: string | null;
  successUrl: string;
  cancelUrl: string;
  /** The public origin, for providers whose checkout page is ours. */
  origin: string;
}

/** A checkout for a package purchase: paid once, then booked with credits. */
export interface PackageCheckoutInput extends Omit<CheckoutInput, "bookingId"> {
  packagePurchaseId: string;
}

/** A provider's event, reduced to what the payments service acts on. */
export type PaymentEvent =
  | {
      kind: "checkout.paid";
      provider: PaymentProviderKind;
      eventId: string;
      type: string;
      bookingId: string | null;
      /** Set instead of bookingId when the checkout paid for a package purchase. */
      packagePurchaseId?: string | null;
      paymentIntentId: string | null;
      amountMinor: number | null;
      currency: string | null;
      payload: unknown;
    }
  | {
      kind: "account.updated";
      provider: PaymentProviderKind;
      eventId: string;
      type: string;
      accountId: string;
      payoutsEnabled: boolean;
      payload: unknown;
    }
  | { kind: "ignored"; provider: PaymentProviderKind; eventId: string; type: string; payload: unknown };

export interface PaymentProvider {
  readonly kind: PaymentProviderKind;
  /** Creates the coach's connected account (Stripe Connect Express). */
  createCoachAccount(input: {
    coachProfileId: string;
    tenantId: string;
    email: string;
  }): Promise<{ accountId: string }>;
  /** A one-time link to the provider's onboarding for that account. */
  createOnboardingLink(input: {
    accountId: string;
    coachProfileId: string;
    refreshUrl: string;
    returnUrl: string;
    now: Date;
  }): Promise<{ url: string }>;
  /** Whether payouts can be made to the account now. */
  payoutsEnabled(accountId: string): Promise<boolean>;
  /** A checkout for one booking; the client is sent to `url`. */
  createCheckout(input: CheckoutInput): Promise<{ url: string; checkoutId: string }>;
  /** A checkout for one package purchase (same split and confirmation path as a booking's). */
  createPackageCheckout(input: PackageCheckoutInput): Promise<{ url: string; checkoutId: string }>;
  /** Sets how often a connected account is paid out (`version` changes whenever the setting does). */
  setPayoutSchedule(input: {
    accountId: string;
    coachProfileId: string;
    interval: "daily" | "monthly";
    monthlyAnchor: number;
    version: string;
  }): Promise<void>;
  /** Refunds a payment (all of it, or `amountMinor`), reversing the transfer and the fee in proportion. One refund per booking. */
  refund(input: { paymentIntentId: string; bookingId: string; amountMinor?: number }): Promise<{ refundId: string }>;
  /** Verifies a webhook's signature over the raw body and reads the event. */
  parseWebhook(rawBody: string, signature: string | null): PaymentEvent;
  /** Reads an event that was verified before (the webhook inbox's retries read the stored payload). */
  readEvent(raw: unknown): PaymentEvent;
}

/** A webhook whose signature (or body) does not verify. */
export class WebhookVerificationError extends Error {
  override name = "WebhookVerificationError";
}
