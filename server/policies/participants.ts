import type { Actor } from "./coaching.ts";

/**
 * The one participants policy: who takes part in a booking, a live room or a chat thread.
 * Services call these functions (and query with `bookingParticipantWhere`); routers, loaders and
 * socket handlers never re-implement "is this person the booking's coach or client".
 *
 * Everything here is pure: the service loads the booking, room or thread (always scoped to the
 * actor's tenant) and asks the policy about it.
 */

/** Who is acting: one user in one tenant. */
export type ParticipantActor = Pick<Actor, "tenantId" | "userId">;

/** A person's part in a room or thread. Bookings have a coach and a client; a group session will add host and member. */
export type ParticipantRole = "coach" | "client" | "host" | "member";

/** The two parties of a booking, as a service loaded them. */
export interface BookingParties {
  tenantId: string;
  clientId: string;
  coachUserId: string;
}

/** The viewer's part in a booking: "coach", "client" or null (not a participant, or another tenant). */
export function bookingRole(actor: ParticipantActor, booking: BookingParties): "coach" | "client" | null {
  if (actor.tenantId !== booking.tenantId) return null;
  // A coach booking their own session cannot happen (bookings refuses it); the client side wins if it did.
  if (booking.clientId === actor.userId) return "client";
  if (booking.coachUserId === actor.userId) return "coach";
  return null;
}

/** Is this person the booking's coach or client (in the booking's tenant)? */
export const isBookingParticipant = (actor: ParticipantActor, booking: BookingParties) =>
  bookingRole(actor, booking) !== null;

/** The booking's participants with their parts: the members of its room and of its SESSION thread. */
export function bookingParticipants(booking: BookingParties): { userId: string; role: "coach" | "client" }[] {
  const all = [
    { userId: booking.coachUserId, role: "coach" as const },
    { userId: booking.clientId, role: "client" as const },
  ];
  return all.filter((p, i) => all.findIndex((q) => q.userId === p.userId) === i);
}

/** The other participant of a two-party booking (the peer to call or to notify). */
export const otherBookingParty = (booking: Pick<BookingParties, "clientId" | "coachUserId">, userId: string) =>
  booking.clientId === userId ? booking.coachUserId : booking.clientId;

/**
 * The same rule as a Prisma filter on Booking, for services that look a booking up only when
 * the actor takes part in it (a booking of another tenant, or of other people, then looks missing).
 */
export function bookingParticipantWhere(actor: ParticipantActor) {
  return {
    tenantId: actor.tenantId,
    OR: [{ clientId: actor.userId }, { coachProfile: { userId: actor.userId } }],
  };
}

/** A room's participants as its owner (a booking today, a group session tomorrow) lists them. */
export interface RoomParticipants {
  tenantId: string;
  participants: { userId: string; role: ParticipantRole }[];
}

/** The actor's part in a room, or null when they are not one of its participants. */
export function roomRole(actor: ParticipantActor, room: RoomParticipants): ParticipantRole | null {
  if (actor.tenantId !== room.tenantId) return null;
  return room.participants.find((p) => p.userId === actor.userId)?.role ?? null;
}

/** A thread's membership as the chat service stores it. */
export interface ThreadMembership {
  tenantId: string;
  members: { userId: string }[];
}

/** May this person read and write in this thread? Its members, in its tenant, only. */
export function isThreadMember(actor: ParticipantActor, thread: ThreadMembership): boolean {
  return actor.tenantId === thread.tenantId && thread.members.some((m) => m.userId === actor.userId);
}
