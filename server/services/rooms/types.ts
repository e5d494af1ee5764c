import type { SessionType } from "@server/db/client.ts";
import type { ParticipantActor, ParticipantRole } from "@server/policies/participants.ts";

/**
 * A live room's address: the kind of thing that owns it and that thing's id. A booking owns one
 * room today; a group session will own one tomorrow (a new kind here and a new `RoomOwner`).
 */
export type RoomKind = "booking";
export interface RoomRef {
  kind: RoomKind;
  id: string;
}

export type Transport = "livekit" | "p2p";
/** Attendance also comes from Cal.com's meeting start and end (written by the calcom service). */
export type AttendanceTransport = Transport | "calcom";
export type RoomRole = ParticipantRole;
export type RoomRefusalReason = "NOT_FOUND" | "IN_PERSON" | "NOT_CONFIRMED" | "CANCELLED" | "TOO_EARLY" | "ENDED";

export interface RoomPerson {
  userId: string;
  name: string;
}

/** What the room page shows about a booking-owned room. */
export interface RoomBooking {
  id: string;
  sessionType: SessionType;
  startsAt: Date;
  endsAt: Date;
  topic: string;
  serviceName: string | null;
  coach: RoomPerson;
  client: RoomPerson;
}

/**
 * A room as its owner describes it: who takes part (the participants policy decides on this
 * list), when it is open, and whether the owner's state closes it whatever the time.
 */
export interface OwnedRoom {
  ref: RoomRef;
  tenantId: string;
  /** The media the room carries (VIDEO, PHONE, CHAT; IN_PERSON rooms never open). */
  sessionType: SessionType;
  participants: (RoomPerson & { role: RoomRole })[];
  opensAt: Date;
  closesAt: Date;
  /** The owner's refusal that does not depend on the time (cancelled, not confirmed, ended, in person). */
  closed: { reason: Exclude<RoomRefusalReason, "NOT_FOUND" | "TOO_EARLY">; message: string } | null;
  /** The booking behind a booking-owned room (what the session page shows). */
  booking: RoomBooking;
}

/**
 * The small interface the rooms service asks an owner through. The owner decides its window and
 * state rules (the sessions service for bookings: open 10 minutes before, 5 after, confirmed, not
 * in person); the rooms service decides membership with the participants policy.
 */
export interface RoomOwner {
  /** The owner's room in this tenant, or null when there is no such owner there. */
  load(tenantId: string, ownerId: string): Promise<OwnedRoom | null>;
}

export type RoomOwners = Record<RoomKind, RoomOwner>;

export type RoomAccess =
  | {
      ok: true;
      room: RoomRef;
      booking: RoomBooking;
      /** Everyone who may be in the room, with their names and parts (the viewer too). */
      participants: (RoomPerson & { role: RoomRole })[];
      /** The viewer's part in this session. */
      role: RoomRole;
      /** The other participant's user id (the peer to call). */
      peerUserId: string;
      opensAt: Date;
      closesAt: Date;
      /** LiveKit when it is configured, otherwise peer-to-peer WebRTC over our signalling. */
      transport: Transport;
      iceServers: { urls: string | string[]; username?: string; credential?: string }[];
    }
  | {
      ok: false;
      reason: RoomRefusalReason;
      message: string;
      /** Set for TOO_EARLY (and for every refusal of a participant, so the page can show the times). */
      opensAt?: Date;
      closesAt?: Date;
    };

export type { ParticipantActor };
