// Server-only (".server"): the room window is the sessions service's rule, read here by loaders.
import { roomClosesAt, roomOpensAt } from "@server/services/sessions/window.ts";

/** Ids of the confirmed online bookings whose live room is open at `now` (for "Join session" links). */
export function openRoomIds(
  bookings: { id: string; status: string; sessionType: string; startsAt: Date | string; endsAt: Date | string }[],
  now = Date.now(),
): string[] {
  return bookings
    .filter(
      (b) =>
        b.status === "CONFIRMED" &&
        b.sessionType !== "IN_PERSON" &&
        roomOpensAt(new Date(b.startsAt)).getTime() <= now &&
        now < roomClosesAt(new Date(b.endsAt)).getTime(),
    )
    .map((b) => b.id);
}
