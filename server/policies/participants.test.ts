import { describe, expect, it } from "vitest";
import {
  bookingParticipants,
  bookingParticipantWhere,
  bookingRole,
  isBookingParticipant,
  isThreadMember,
  otherBookingParty,
  roomRole,
} from "./participants.ts";

const booking = { tenantId: "t1", clientId: "client", coachUserId: "coach" };

describe("participants policy", () => {
  it("knows a booking's coach and client, in the booking's tenant only", () => {
    expect(bookingRole({ tenantId: "t1", userId: "coach" }, booking)).toBe("coach");
    expect(bookingRole({ tenantId: "t1", userId: "client" }, booking)).toBe("client");
    expect(bookingRole({ tenantId: "t1", userId: "someone" }, booking)).toBeNull();
    expect(bookingRole({ tenantId: "t2", userId: "client" }, booking)).toBeNull();
    expect(isBookingParticipant({ tenantId: "t2", userId: "coach" }, booking)).toBe(false);
    expect(bookingParticipants(booking)).toEqual([
      { userId: "coach", role: "coach" },
      { userId: "client", role: "client" },
    ]);
    expect(otherBookingParty(booking, "client")).toBe("coach");
    expect(otherBookingParty(booking, "coach")).toBe("client");
    expect(bookingParticipantWhere({ tenantId: "t1", userId: "u" })).toEqual({
      tenantId: "t1",
      OR: [{ clientId: "u" }, { coachProfile: { userId: "u" } }],
    });
  });

  it("decides room and thread membership from their lists, tenant-scoped", () => {
    const room = { tenantId: "t1", participants: [{ userId: "host", role: "host" as const }] };
    expect(roomRole({ tenantId: "t1", userId: "host" }, room)).toBe("host");
    expect(roomRole({ tenantId: "t2", userId: "host" }, room)).toBeNull();
    expect(roomRole({ tenantId: "t1", userId: "guest" }, room)).toBeNull();
    const thread = { tenantId: "t1", members: [{ userId: "a" }, { userId: "b" }] };
    expect(isThreadMember({ tenantId: "t1", userId: "b" }, thread)).toBe(true);
    expect(isThreadMember({ tenantId: "t1", userId: "c" }, thread)).toBe(false);
    expect(isThreadMember({ tenantId: "t2", userId: "a" }, thread)).toBe(false);
  });
});
