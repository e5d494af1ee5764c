import type { Prisma } from "@server/db/client.ts";
import type { PaymentEvent } from "@server/integrations/payments/index.ts";
import type { AccountsModule } from "./accounts.ts";
import type { ConfirmationModule } from "./confirmation.ts";
import type { EventResult, HandledEvent, PaymentContext, PaymentOutcome } from "./context.ts";

/**
 * Payment events, already verified (Stripe's webhook signature is checked by the caller; the local
 * checkout and free bookings make their events themselves): `handleEvent` is the one entry point.
 * It records the event once, dispatches it to the sub-domain that acts on it (checkout.paid →
 * confirmation.ts, account.updated → accounts.ts), stores the outcome and tells the client about a
 * refunded late payment. A webhook inbox can call `handleEvent` (or `processEvent` once it has
 * recorded the event itself) with a verified `PaymentEvent`.
 */
export function createPaymentEvents(
  ctx: PaymentContext,
  { confirmation, accounts }: { confirmation: ConfirmationModule; accounts: AccountsModule },
) {
  const { db, now, notifications } = ctx;

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
    let handled: EventResult;
    try {
      if (event.kind === "checkout.paid" && event.packagePurchaseId) {
        handled = await confirmation.packagePaid(event, event.packagePurchaseId);
      } else if (event.kind === "checkout.paid") {
        handled = await confirmation.bookingPaid(event, stored.id);
      } else if (event.kind === "account.updated") {
        handled = await accounts.accountUpdated(event.accountId);
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

  return { handleEvent, processEvent };
}
