import type { Env } from "@server/env.ts";
import { LocalPaymentProvider } from "./local.ts";
import { StripePaymentProvider } from "./stripe.ts";
import type { PaymentProvider } from "./types.ts";

/** Stripe when STRIPE_SECRET_KEY (and its webhook secret) is set, otherwise the local test checkout. */
export function createPaymentProvider(
  env: Pick<
    Env,
    "STRIPE_SECRET_KEY" | "STRIPE_WEBHOOK_SECRET" | "STRIPE_API_HOST" | "STRIPE_API_PORT" | "STRIPE_API_PROTOCOL"
  >,
): PaymentProvider {
  if (env.STRIPE_SECRET_KEY && env.STRIPE_WEBHOOK_SECRET) {
    return new StripePaymentProvider({
      secretKey: env.STRIPE_SECRET_KEY,
      webhookSecret: env.STRIPE_WEBHOOK_SECRET,
      host: env.STRIPE_API_HOST,
      port: env.STRIPE_API_PORT,
      protocol: env.STRIPE_API_PROTOCOL,
    });
  }
  return new LocalPaymentProvider();
}

export { LocalPaymentProvider, localIds } from "./local.ts";
export { StripePaymentProvider, type StripeProviderOptions } from "./stripe.ts";
export {
  type CheckoutInput,
  type PackageCheckoutInput,
  type PaymentEvent,
  type PaymentProvider,
  type PaymentProviderKind,
  WebhookVerificationError,
} from "./types.ts";
