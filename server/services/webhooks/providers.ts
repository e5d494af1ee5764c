import type { CalcomService } from "../calcom/service.ts";
import type { PaymentService } from "../payments/service.ts";
import type { RoomService } from "../rooms/service.ts";
import type { WebhookProvider } from "./inbox.ts";

/*
 * The providers plugged into the webhook inbox (ADR 016). Each is a few lines: how to verify a
 * delivery and which verified-event function of the owning service applies it. The next ones
 * (Stripe Billing and Invoicing, mail bounces) are added here and in server/services/index.ts.
 */

/** Stripe (Checkout, Connect): signature `Stripe-Signature`; applied by payments.handleEvent. */
export function stripeWebhooks(
  payments: Pick<PaymentService, "verifyStripeWebhook" | "readStripeEvent" | "handleEvent">,
) {
  return {
    name: "stripe",
    verify({ rawBody, headers }) {
      const event = payments.verifyStripeWebhook(rawBody, headers.get("stripe-signature"));
      return {
        eventId: event.eventId,
        type: event.type,
        payload: event.payload,
        bookingId: event.kind === "checkout.paid" ? event.bookingId : null,
      };
    },
    // payments.handleEvent records its own outcome on the same row (it also serves the local checkout).
    process: ({ payload }) => payments.handleEvent(payments.readStripeEvent(payload)),
  } satisfies WebhookProvider;
}

/** LiveKit (room and participant events): a JWT over the body's hash in `Authorization`. */
export function livekitWebhooks(rooms: Pick<RoomService, "verifyLivekitWebhook" | "applyLivekitEvent">) {
  return {
    name: "livekit",
    verify: ({ rawBody, headers }) => rooms.verifyLivekitWebhook(rawBody, headers.get("authorization")),
    process: ({ payload }) => rooms.applyLivekitEvent(payload),
  } satisfies WebhookProvider;
}

/** Cal.com (bookings made or changed there): `X-Cal-Signature-256`, per coach with `?coach=<profile id>`. */
export function calcomWebhooks(calcom: Pick<CalcomService, "verifyWebhook" | "applyWebhook">) {
  return {
    name: "calcom",
    verify: ({ rawBody, headers, url }) =>
      calcom.verifyWebhook(rawBody, headers.get("x-cal-signature-256"), url.searchParams.get("coach")),
    process: ({ eventId, payload }) => calcom.applyWebhook(eventId, payload),
  } satisfies WebhookProvider;
}
