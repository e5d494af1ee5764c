import { bookingParticipants } from "@server/policies/participants.ts";
import type { ServiceDeps } from "../deps.ts";
import type { OwnedRoom, RoomOwner } from "../rooms/types.ts";
import { roomClosesAt, roomOpensAt } from "./window.ts";

/**
 * The booking as the owner of its live room: its two participants and the booking's rules for
 * when the room is open (confirmed, online, from 10 minutes before the start to 5 after the end).
 * The rooms service asks through this; a group session will plug in its own owner the same way.
 */
export function createBookingRoomOwner({ db }: Pick<ServiceDeps, "db">): RoomOwner {
  return {
    async load(tenantId, bookingId): Promise<OwnedRoom | null> {
      const row = await db.booking.findFirst({
        where: { id: bookingId, tenantId },
        select: {
          id: true,
          tenantId: true,
          status: true,
          sessionType: true,
          startsAt: true,
          endsAt: true,
          topic: true,
          clientId: true,
          coachProfile: { select: { userId: true, displayName: true } },
          service: { select: { name: true } },
        },
      });
      if (!row) return null;
      const coach = { userId: row.coachProfile.userId, name: row.coachProfile.displayName };
      const clientUser = await db.user.findUnique({ where: { id: row.clientId }, select: { name: true } });
      const client = { userId: row.clientId, name: clientUser?.name ?? "Client" };
      const names = { coach: coach.name, client: client.name };
      const closed: OwnedRoom["closed"] =
        row.status === "CANCELLED"
          ? { reason: "CANCELLED", message: "This session was cancelled, so its room is closed." }
          : row.status === "COMPLETED" || row.status === "NO_SHOW"
            ? { reason: "ENDED", message: "This session has ended." }
            : row.status !== "CONFIRMED"
              ? {
                  reason: "NOT_CONFIRMED",
                  message: "This booking is not confirmed yet: its room opens once it is paid.",
                }
              : row.sessionType === "IN_PERSON"
                ? { reason: "IN_PERSON", message: "This session takes place in person, so it has no online room." }
                : null;
      return {
        ref: { kind: "booking", id: row.id },
        tenantId: row.tenantId,
        sessionType: row.sessionType,
        participants: bookingParticipants({
          tenantId: row.tenantId,
          clientId: row.clientId,
          coachUserId: coach.userId,
        }).map((p) => ({ ...p, name: names[p.role] })),
        opensAt: roomOpensAt(row.startsAt),
        closesAt: roomClosesAt(row.endsAt),
        closed,
        booking: {
          id: row.id,
          sessionType: row.sessionType,
          startsAt: row.startsAt,
          endsAt: row.endsAt,
          topic: row.topic,
          serviceName: row.service?.name ?? null,
          coach,
          client,
        },
      };
    },
  };
}
