import { webhookRoute } from "~/lib/webhook.server";

/**
 * Cal.com's webhook endpoint (POST /webhooks/calcom, or /webhooks/calcom?coach=<profile id> as
 * shown to each coach), through the webhook inbox (ADR 016): the X-Cal-Signature-256 signature
 * covers the raw bytes; the event is applied to the matching booking. Answers 200 when recorded
 * (including repeats and events about bookings Tandem does not know), 401 for a missing or wrong
 * signature, 404 while CALCOM_WEBHOOK_SECRET is unset, 400 for a body that is not an event.
 */
export const { action, loader } = webhookRoute("calcom");
