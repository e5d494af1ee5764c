import { notFound } from "@server/errors.ts";
import type { Actor } from "@server/policies/coaching.ts";
import { type BookingContext, ownCoachProfile } from "./context.ts";
import { bookingParticipantWhere, bookingRole } from "@server/policies/participants.ts";
import { describeCreditPolicy, describePolicy } from "./policy.ts";

/** Reads of bookings: the coach's list, the client's list, and one booking for its client or coach. */
export function createQueries(ctx: BookingContext) {
  const { db, now } = ctx;

  return {
    /** The coach's own bookings (not released holds), soonest first, with the client's name. */
    async forCoach(actor: Actor) {
      const profile = await ownCoachProfile(ctx, actor);
      const rows = await db.booking.findMany({
        where: { coachProfileId: profile.id, NOT: { status: "CANCELLED", confirmedAt: null } },
        orderBy: { startsAt: "asc" },
        select: {
          id: true,
          status: true,
          startsAt: true,
          endsAt: true,
          sessionType: true,
          topic: true,
          priceMinor: true,
          coachPayoutMinor: true,
          currency: true,
          clientId: true,
          packagePurchaseId: true,
          outcomeSummary: true,
          service: { select: { name: true } },
        },
      });
      const clients = await db.user.findMany({
        where: { id: { in: [...new Set(rows.map((r) => r.clientId))] } },
        select: { id: true, name: true },
      });
      const nameOf = new Map(clients.map((c) => [c.id, c.name]));
      return rows.map(({ clientId, ...r }) => ({ ...r, clientName: nameOf.get(clientId) ?? "Client" }));
    },

    /** The viewer's bookings as client, soonest first. */
    mine(actor: Actor) {
      return db.booking.findMany({
        where: { tenantId: actor.tenantId, clientId: actor.userId },
        orderBy: { startsAt: "asc" },
        select: {
          id: true,
          status: true,
          startsAt: true,
          endsAt: true,
          priceMinor: true,
          currency: true,
          sessionType: true,
          holdExpiresAt: true,
          packagePurchaseId: true,
          coachProfile: { select: { id: true, displayName: true } },
          service: { select: { name: true } },
        },
      });
    },

    /** One booking, for its client or its coach; anyone else gets "not found". */
    async detail(actor: Actor, bookingId: string) {
      const booking = await db.booking.findFirst({
        where: { id: bookingId, ...bookingParticipantWhere(actor) },
        include: {
          coachProfile: { select: { id: true, displayName: true, userId: true } },
          service: { select: { name: true, durationMinutes: true } },
        },
      });
      if (!booking) throw notFound("That booking");
      const tenant = await db.tenant.findUniqueOrThrow({
        where: { id: actor.tenantId },
        select: { cancellationFullRefundHours: true, lateCancellationRefundPercent: true },
      });
      // The room name and the sealed session key never leave the server through this view.
      const { room, e2eeKeySealed: _sealedKey, ...rest } = booking;
      return {
        ...rest,
        viewerIsClient: bookingRole(actor, { ...booking, coachUserId: booking.coachProfile.userId }) === "client",
        holdActive: booking.status === "PENDING" && booking.holdExpiresAt !== null && booking.holdExpiresAt > now(),
        policy: (booking.packagePurchaseId ? describeCreditPolicy : describePolicy)({
          fullRefundHours: tenant.cancellationFullRefundHours,
          lateRefundPercent: tenant.lateCancellationRefundPercent,
        }),
        hasRoom: room !== null,
      };
    },
  };
}
