import type { Viewer } from "@server/services/auth/service.ts";
import type { Services } from "@server/services/index.ts";
import { bookingRoom } from "@server/services/rooms/service.ts";
import type { RoomRef } from "@server/services/rooms/types.ts";
import type { CallPeer } from "../contracts.ts";
import type { TandemServer } from "./presence.ts";
import { handle, type TandemSocket } from "./validate.ts";

/** The Socket.IO room of a live room's call (one per room, whoever owns it). */
export const callRoom = (ref: RoomRef) => `call:${ref.kind}:${ref.id}`;

/**
 * Signalling for peer-to-peer calls. Each event is validated, and the rooms service decides
 * whether the socket's viewer may enter (a participant, by the participants policy, inside the
 * owner's window); offers, answers and ICE candidates then go to the other participants only,
 * never back to the sender's own tabs. Joins and leaves are recorded as attendance by the rooms
 * service. The payload names the room by its owner: `bookingId` for a booking's room.
 */
export function registerCallHandlers(
  io: TandemServer,
  socket: TandemSocket,
  viewer: Viewer,
  services: Pick<Services, "rooms">,
) {
  const actor = { tenantId: viewer.tenant.id, userId: viewer.user.id };
  /** callRoom → this socket's attendance row and its name as the others see it. */
  const joined = new Map<string, { ref: RoomRef; attendanceId: string; self: CallPeer }>();

  handle(socket, "call:join", async ({ bookingId }) => {
    const ref = bookingRoom(bookingId);
    const access = await services.rooms.access(actor, ref);
    if (!access.ok) return { ok: false, error: { code: "FORBIDDEN", message: access.message } };
    if (access.booking.sessionType === "CHAT")
      return { ok: false, error: { code: "FORBIDDEN", message: "This is a chat session: it has no call." } };
    if (access.transport !== "p2p")
      return { ok: false, error: { code: "FORBIDDEN", message: "This session's call runs through LiveKit." } };
    const room = callRoom(ref);
    const names = new Map(access.participants.map((p) => [p.userId, p.name]));
    if (!joined.has(room)) {
      const self: CallPeer = { userId: viewer.user.id, name: names.get(viewer.user.id) ?? "", socketId: socket.id };
      const attendanceId = await services.rooms.recordJoin({
        tenantId: actor.tenantId,
        room: ref,
        userId: actor.userId,
        transport: "p2p",
      });
      joined.set(room, { ref, attendanceId, self });
      await socket.join(room);
      socket.to(room).except(`user:${viewer.user.id}`).emit("call:peer", { bookingId, peer: self, present: true });
    }
    const sockets = await io.in(room).fetchSockets();
    const peers = sockets
      .filter((s) => s.data.userId !== viewer.user.id && names.has(s.data.userId))
      .map((s) => ({ userId: s.data.userId, name: names.get(s.data.userId)!, socketId: s.id }));
    return { ok: true, data: { peers } };
  });

  handle(socket, "call:signal", ({ bookingId, to, description, candidate }) => {
    const room = callRoom(bookingRoom(bookingId));
    const mine = joined.get(room);
    if (!mine) return { ok: false, error: { code: "FORBIDDEN", message: "Join the call first." } };
    socket
      .to(room)
      .except(`user:${viewer.user.id}`)
      .emit("call:signal", {
        bookingId,
        ...(to ? { to } : {}),
        ...(description ? { description } : { candidate }),
        from: mine.self,
      });
    return { ok: true, data: null };
  });

  async function leave(room: string) {
    const mine = joined.get(room);
    if (!mine) return;
    joined.delete(room);
    await socket.leave(room);
    io.to(room)
      .except(`user:${viewer.user.id}`)
      .emit("call:peer", { bookingId: mine.ref.id, peer: mine.self, present: false });
    await services.rooms.recordLeave(mine.attendanceId);
  }

  handle(socket, "call:leave", async ({ bookingId }) => {
    await leave(callRoom(bookingRoom(bookingId)));
    return { ok: true, data: null };
  });

  socket.on("disconnect", () => {
    for (const room of [...joined.keys()])
      void leave(room).catch((error) => console.error("call leave on disconnect failed:", error));
  });
}
