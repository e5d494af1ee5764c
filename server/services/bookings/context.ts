import { isExclusionViolation } from "@server/db/constraint-errors.ts";
import { forbidden } from "@server/errors.ts";
import type { Actor } from "@server/policies/coaching.ts";
import type { ServiceDeps } from "../deps.ts";
import type { NotificationService } from "../notifications/service.ts";
import type { Ledger } from "../payments/ledger.ts";

/**
 * What the bookings sub-domain modules share: the service dependencies, the notification service
 * and the payments service's money primitives, which cancellation uses to
 * refund a paid booking (refund through the provider, REFUND ledger row).
 */
export interface BookingContext extends ServiceDeps {
  notifications: NotificationService;
  ledger: BookingLedger;
  hooks: BookingHooks;
}

/** What other domains ask to hear about a booking. */
export interface BookingHooks {
  /** After a booking became CONFIRMED and both people were told (the relationships service starts one). */
  confirmed?: (booking: { tenantId: string; coachProfileId: string; clientId: string }) => Promise<unknown>;
}

/** The money primitives bookings needs from payments (server/services/payments/ledger.ts). */
export type BookingLedger = Pick<Ledger, "refundCharge" | "recordRefund">;

export const DAY = 86_400_000;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const HOLD_EXPIRED = "The hold expired before payment.";
export const CHANGED_JUST_NOW = "This booking changed just now. Reload and try again.";

/** A unique violation of the exclusion constraint (pg error 23P01) under the pg driver adapter. */
export const isOverlap = (error: unknown) => isExclusionViolation(error);

/** The actor's own coach profile (approved or suspended), for their availability and calendar. */
export async function ownCoachProfile({ db }: Pick<ServiceDeps, "db">, actor: Actor) {
  const profile = await db.coachProfile.findUnique({
    where: { tenantId_userId: { tenantId: actor.tenantId, userId: actor.userId } },
    select: { id: true, status: true, timeZone: true },
  });
  if (!profile || (profile.status !== "APPROVED" && profile.status !== "SUSPENDED"))
    throw forbidden("Only approved coaches set availability.");
  return profile;
}
