import type { PaymentProvider } from "@server/integrations/payments/index.ts";
import type { ServiceDeps } from "../deps.ts";

type ChargeRow = "CHARGE" | "PLATFORM_FEE" | "COACH_TRANSFER";

/**
 * The ledger and the money primitives: every money movement is a `LedgerEntry` row (integer minor
 * units, unique per booking or purchase and kind, so each is written once), and a refund goes
 * through the payment provider (one idempotent refund per booking and payment). Earnings read
 * these rows; a refund takes back fee and transfer in proportion (bookings/money.ts).
 */
export function createLedger({ db }: Pick<ServiceDeps, "db">, provider: PaymentProvider) {
  return {
    /** Charge, fee and transfer of a confirmed booking; written once (unique per booking and kind). */
    async writeBookingCharge(
      booking: {
        id: string;
        tenantId: string;
        priceMinor: number;
        platformFeeMinor: number;
        coachPayoutMinor: number;
        currency: string;
      },
      providerName: string,
      reference: string,
    ) {
      if (booking.platformFeeMinor + booking.coachPayoutMinor !== booking.priceMinor) {
        throw new Error(
          `Booking ${booking.id} does not add up: fee ${booking.platformFeeMinor} + payout ${booking.coachPayoutMinor} ≠ price ${booking.priceMinor}`,
        );
      }
      const row = (kind: ChargeRow, amountMinor: number) => ({
        tenantId: booking.tenantId,
        bookingId: booking.id,
        kind,
        amountMinor,
        currency: booking.currency,
        provider: providerName,
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
    },

    /** Charge, fee and transfer of a paid package purchase; written once (the caller checked the sum). */
    async writePackageCharge(
      purchase: {
        id: string;
        tenantId: string;
        priceMinor: number;
        platformFeeMinor: number;
        coachPayoutMinor: number;
        currency: string;
      },
      providerName: string,
      reference: string,
    ) {
      const row = (kind: ChargeRow, amountMinor: number) => ({
        tenantId: purchase.tenantId,
        packagePurchaseId: purchase.id,
        kind,
        amountMinor,
        currency: purchase.currency,
        provider: providerName,
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
    },

    /** Whether a booking has its CHARGE row (it was paid). */
    async hasCharge(bookingId: string) {
      const charged = await db.ledgerEntry.findUnique({ where: { bookingId_kind: { bookingId, kind: "CHARGE" } } });
      return charged !== null;
    },

    /** A payment that came back in full (a released hold paid late): its CHARGE and REFUND rows, once. */
    async writeChargeRefunded(entry: {
      tenantId: string;
      bookingId: string;
      amountMinor: number;
      currency: string;
      provider: string;
      chargeReference: string;
      refundReference: string;
    }) {
      const { chargeReference, refundReference, ...rest } = entry;
      await db.ledgerEntry.createMany({
        data: [
          { ...rest, kind: "CHARGE", reference: chargeReference },
          { ...rest, kind: "REFUND", reference: refundReference },
        ],
        skipDuplicates: true,
      });
    },

    /**
     * Refunds `amountMinor` of a booking's charge through the provider it was paid with (idempotent
     * per booking and payment; Stripe reverses fee and transfer in proportion). Null when the
     * booking has no CHARGE row, so nothing can be refunded automatically.
     */
    async refundCharge(bookingId: string, amountMinor: number) {
      const charge = await db.ledgerEntry.findFirst({
        where: { bookingId, kind: "CHARGE" },
        select: { reference: true, provider: true },
      });
      if (!charge) return null;
      const { refundId } = await provider.refund({ paymentIntentId: charge.reference, bookingId, amountMinor });
      return { refundId, provider: charge.provider };
    },

    /** The REFUND row of a booking's refund; written once. */
    async recordRefund(entry: {
      tenantId: string;
      bookingId: string;
      amountMinor: number;
      currency: string;
      provider: string;
      reference: string;
    }) {
      await db.ledgerEntry.createMany({ data: [{ ...entry, kind: "REFUND" }], skipDuplicates: true });
    },

    /** Ledger rows of a booking (admin views and reconciliation). */
    entries(tenantId: string, bookingId: string) {
      return db.ledgerEntry.findMany({ where: { tenantId, bookingId }, orderBy: { createdAt: "asc" } });
    },
  };
}

export type Ledger = ReturnType<typeof createLedger>;
