import Stripe from "stripe";
import { z } from "zod";
import type { CheckoutInput, PackageCheckoutInput, PaymentEvent, PaymentProvider } from "./types.ts";
import { WebhookVerificationError } from "./types.ts";

export interface StripeProviderOptions {
  secretKey: string;
  webhookSecret: string;
  /** Another API server (a local fake in tests); defaults to api.stripe.com over https. */
  host?: string;
  port?: number;
  protocol?: "http" | "https";
}

const checkoutSession = z.object({
  id: z.string(),
  payment_status: z.string(),
  payment_intent: z.union([z.string(), z.object({ id: z.string() }), z.null()]).optional(),
  amount_total: z.number().int().nullable().optional(),
  currency: z.string().nullable().optional(),
  client_reference_id: z.string().nullable().optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
});

const account = z.object({ id: z.string(), payouts_enabled: z.boolean().nullable().optional() });

const event = z.object({ id: z.string(), type: z.string(), data: z.object({ object: z.unknown() }) });

/**
 * Stripe Connect with destination charges: the client pays the platform through Checkout, the
 * platform keeps `application_fee_amount` and Stripe transfers the rest to the coach's Express
 * account. Every call carries an idempotency key derived from our ids, so a retry never
 * creates a second account, session or refund.
 */
export class StripePaymentProvider implements PaymentProvider {
  readonly kind = "stripe" as const;
  private readonly stripe: Stripe;

  constructor(private readonly options: StripeProviderOptions) {
    this.stripe = new Stripe(options.secretKey, {
      ...(options.host ? { host: options.host } : {}),
      ...(options.port ? { port: options.port } : {}),
      ...(options.protocol ? { protocol: options.protocol } : {}),
      maxNetworkRetries: 2,
      telemetry: false,
      appInfo: { name: "Tandem" },
    });
  }

  async createCoachAccount(input: { coachProfileId: string; tenantId: string; email: string }) {
    const created = await this.stripe.accounts.create(
      {
        type: "express",
        email: input.email,
        metadata: { coachProfileId: input.coachProfileId, tenantId: input.tenantId },
      },
      { idempotencyKey: `tandem-account-${input.coachProfileId}` },
    );
    return { accountId: created.id };
  }

  async createOnboardingLink(input: {
    accountId: string;
    coachProfileId: string;
    refreshUrl: string;
    returnUrl: string;
    now: Date;
  }) {
    // Account links are single-use and short-lived: a retry within the same minute gets the same link.
    const minute = Math.floor(input.now.getTime() / 60_000);
    const link = await this.stripe.accountLinks.create(
      {
        account: input.accountId,
        type: "account_onboarding",
        refresh_url: input.refreshUrl,
        return_url: input.returnUrl,
      },
      { idempotencyKey: `tandem-account-link-${input.coachProfileId}-${minute}` },
    );
    return { url: link.url };
  }

  async payoutsEnabled(accountId: string) {
    const found = await this.stripe.accounts.retrieve(accountId);
    return found.payouts_enabled === true;
  }

  async createCheckout(input: CheckoutInput) {
    return this.checkout(input, { bookingId: input.bookingId }, `tandem-checkout-${input.bookingId}`);
  }

  async createPackageCheckout(input: PackageCheckoutInput) {
    return this.checkout(
      input,
      { packagePurchaseId: input.packagePurchaseId },
      `tandem-checkout-package-${input.packagePurchaseId}`,
    );
  }

  async setPayoutSchedule(input: {
    accountId: string;
    coachProfileId: string;
    interval: "daily" | "monthly";
    monthlyAnchor: number;
    version: string;
  }) {
    const schedule: Stripe.AccountUpdateParams.Settings.Payouts.Schedule =
      input.interval === "monthly"
        ? { interval: "monthly", monthly_anchor: input.monthlyAnchor }
        : { interval: "daily" };
    await this.stripe.accounts.update(
      input.accountId,
      { settings: { payouts: { schedule } } },
      {
        idempotencyKey: `tandem-payout-schedule-${input.coachProfileId}-${input.interval}-${input.monthlyAnchor}-${input.version}`,
      },
    );
  }

  private async checkout(
    input: Omit<CheckoutInput, "bookingId">,
    ref: { bookingId: string } | { packagePurchaseId: string },
    idempotencyKey: string,
  ) {
    if (!input.destinationAccountId) throw new Error("A Stripe checkout needs the coach's connected account.");
    const reference = "bookingId" in ref ? ref.bookingId : ref.packagePurchaseId;
    const session = await this.stripe.checkout.sessions.create(
      {
        mode: "payment",
        line_items: [
          {
            quantity: 1,
            price_data: {
              currency: input.currency.toLowerCase(),
              unit_amount: input.priceMinor,
              product_data: { name: input.description },
            },
          },
        ],
        payment_intent_data: {
          application_fee_amount: input.platformFeeMinor,
          transfer_data: { destination: input.destinationAccountId },
          metadata: { ...ref, tenantId: input.tenantId },
        },
        metadata: { ...ref, tenantId: input.tenantId },
        client_reference_id: reference,
        customer_email: input.clientEmail,
        success_url: input.successUrl,
        cancel_url: input.cancelUrl,
      },
      { idempotencyKey },
    );
    if (!session.url) throw new Error(`Stripe returned checkout session ${session.id} without a URL.`);
    return { url: session.url, checkoutId: session.id };
  }

  async refund(input: { paymentIntentId: string; bookingId: string; amountMinor?: number }) {
    const refund = await this.stripe.refunds.create(
      {
        payment_intent: input.paymentIntentId,
        ...(input.amountMinor !== undefined ? { amount: input.amountMinor } : {}),
        reverse_transfer: true,
        refund_application_fee: true,
        metadata: { bookingId: input.bookingId },
      },
      { idempotencyKey: `tandem-refund-${input.bookingId}-${input.paymentIntentId}` },
    );
    return { refundId: refund.id };
  }

  parseWebhook(rawBody: string, signature: string | null): PaymentEvent {
    if (!signature) throw new WebhookVerificationError("Missing Stripe-Signature header.");
    let raw: unknown;
    try {
      raw = this.stripe.webhooks.constructEvent(rawBody, signature, this.options.webhookSecret);
    } catch (error) {
      throw new WebhookVerificationError(
        `Webhook signature verification failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    return this.readEvent(raw);
  }

  /** Reads a verified event (at receipt, or again from the webhook inbox's stored payload). */
  readEvent(raw: unknown): PaymentEvent {
    const parsed = event.safeParse(raw);
    if (!parsed.success) throw new WebhookVerificationError("The webhook body is not a Stripe event.");
    const { id, type, data } = parsed.data;
    const base = { provider: "stripe" as const, eventId: id, type, payload: raw };
    if (type === "checkout.session.completed" || type === "checkout.session.async_payment_succeeded") {
      const session = checkoutSession.safeParse(data.object);
      if (!session.success) throw new WebhookVerificationError(`The ${type} event has no valid checkout session.`);
      const s = session.data;
      // A completed session with a delayed payment method is paid later (async_payment_succeeded).
      if (s.payment_status !== "paid") return { ...base, kind: "ignored" };
      const intent = typeof s.payment_intent === "string" ? s.payment_intent : (s.payment_intent?.id ?? null);
      return {
        ...base,
        kind: "checkout.paid",
        // A package checkout names its purchase in the metadata (its client_reference_id is the purchase's id).
        bookingId: s.metadata?.bookingId ?? (s.metadata?.packagePurchaseId ? null : (s.client_reference_id ?? null)),
        packagePurchaseId: s.metadata?.packagePurchaseId ?? null,
        paymentIntentId: intent,
        amountMinor: s.amount_total ?? null,
        currency: s.currency ?? null,
      };
    }
    if (type === "account.updated") {
      const a = account.safeParse(data.object);
      if (!a.success) throw new WebhookVerificationError("The account.updated event has no valid account.");
      return {
        ...base,
        kind: "account.updated",
        accountId: a.data.id,
        payoutsEnabled: a.data.payouts_enabled === true,
      };
    }
    return { ...base, kind: "ignored" };
  }
}
