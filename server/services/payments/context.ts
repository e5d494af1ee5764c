import type { PaymentProvider } from "@server/integrations/payments/index.ts";
import type { BookingService } from "../bookings/service.ts";
import type { ServiceDeps } from "../deps.ts";
import type { NotificationService } from "../notifications/service.ts";
import type { PackageService } from "../packages/service.ts";
import type { Ledger } from "./ledger.ts";

/** What the payments sub-domain modules share. */
export interface PaymentContext extends ServiceDeps {
  provider: PaymentProvider;
  ledger: Ledger;
  bookings: BookingService;
  notifications: NotificationService;
  packages?: PackageService;
}

/** What handling an event did (stored on WebhookEvent.outcome). */
export type PaymentOutcome =
  | "CONFIRMED"
  | "ALREADY_CONFIRMED"
  | "ALREADY_SETTLED"
  | "REFUND_NEEDED"
  | "REFUNDED"
  | "AMOUNT_MISMATCH"
  | "UNKNOWN_BOOKING"
  | "UNKNOWN_PURCHASE"
  | "ACCOUNT_UPDATED"
  | "IGNORED";

export interface HandledEvent {
  /** The event had been processed before: nothing changed. */
  duplicate: boolean;
  outcome: PaymentOutcome | null;
}

/** What one handler did with an event, before the event row records it. */
export interface EventResult {
  outcome: PaymentOutcome;
  error?: string;
  refundId?: string;
  tenantId?: string;
  bookingId?: string;
  /** A payment given back in full: the client is told once the event is recorded as processed. */
  refunded?: { tenantId: string; clientId: string; bookingId: string };
}
