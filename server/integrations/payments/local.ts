import type { CheckoutInput, PackageCheckoutInput, PaymentProvider } from "./types.ts";
import { WebhookVerificationError } from "./types.ts";

/**
 * The built-in test checkout, used when no Stripe keys are configured: no money moves. Its
 * checkout page is `/pay/local/<bookingId>`, whose "Pay (test mode)" button calls
 * `payments.payLocal`, which feeds the same handler as Stripe's webhook.
 */
export class LocalPaymentProvider implements PaymentProvider {
  readonly kind = "local" as const;

  async createCoachAccount() {
    // Nothing to create: there is no money to pay out.
    return { accountId: "" };
  }

  async createOnboardingLink(input: { returnUrl: string }) {
    return { url: input.returnUrl };
  }

  async payoutsEnabled() {
    return true;
  }

  async createCheckout(input: CheckoutInput) {
    return { url: `${input.origin}/pay/local/${input.bookingId}`, checkoutId: `local_cs_${input.bookingId}` };
  }

  async createPackageCheckout(input: PackageCheckoutInput) {
    return {
      url: `${input.origin}/pay/local/package/${input.packagePurchaseId}`,
      checkoutId: `local_cs_${input.packagePurchaseId}`,
    };
  }

  async setPayoutSchedule() {
    // Nothing remote: the local provider pays nobody out.
  }

  async refund(input: { paymentIntentId: string; bookingId: string; amountMinor?: number }) {
    return { refundId: `local_re_${input.bookingId}` };
  }

  parseWebhook(): never {
    throw new WebhookVerificationError("The local payment provider receives no webhooks.");
  }

  readEvent(): never {
    throw new WebhookVerificationError("The local payment provider receives no webhooks.");
  }
}

/** Ids the local checkout uses for a booking: one event and one payment per booking. */
export const localIds = (bookingId: string) => ({
  eventId: `local_evt_${bookingId}`,
  paymentIntentId: `local_pi_${bookingId}`,
});
