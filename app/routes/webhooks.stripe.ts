import { webhookRoute } from "~/lib/webhook.server";

/**
 * Stripe's webhook endpoint (POST /webhooks/stripe), through the webhook inbox (ADR 016): the
 * signature covers the raw bytes; payments confirms (or refunds) the booking. A repeated
 * delivery answers 200 and changes nothing; a bad signature answers 400.
 */
export const { action, loader } = webhookRoute("stripe");
