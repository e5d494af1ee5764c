import type { Viewer } from "@server/services/auth/service.ts";
import type { Services } from "@server/services/index.ts";
import type { CallPeer } from "../contracts.ts";
import type { TandemServer } from "./presence.ts";
import { handle, type TandemSocket } from "./validate.ts";

const callRoom = (bookingId: string) => `call:${bookingId}`;

/**
 * Signalling for peer-to-peer calls. A socket enters a booking's call only when the sessions
 * service lets its viewer into that booking's room (participant, confirmed, inside the window);
 * offers, answers and ICE candidates then go to the other participant only, never back to the
 * sender's own tabs. Joins and leaves are recorded as attendance.
 */
export function registerCallHandlers(
  io: TandemServer,
  socket: TandemSocket,
  viewer: Viewer,
  services: Pick<Services, "sessions">,
) {
  const actor = { tenantId: viewer.tenant.id, userId: viewer.user.id };
  /** bookingId → this socket's attendance row and its name as the other side sees it. */
  const joined = new Map<string, { attendanceId: string; self: CallPeer }>();

  handle(socket, "call:join", async ({ bookingId }) => {
    const access = await services.sessions.roomAccess(actor, bookingId);
    if (!access.ok) return { ok: false, error: { code: "FORBIDDEN", message: access.message } };
    if (access.booking.sessionType === "CHAT")
      return { ok: false, error: { code: "FORBIDDEN", message: "This is a chat session: it has no call." } };
    if (access.transport !== "p2p")
      return { ok: false, error: { code: "FORBIDDEN", message: "This session's call runs through LiveKit." } };
    const room = callRoom(bookingId);
    const me = access.role === "coach" ? access.booking.coach : access.booking.client;
    const other = access.role === "coach" ? access.booking.client : access.booking.coach;
    if (!joined.has(bookingId)) {
      const self: CallPeer = { userId: viewer.user.id, name: me.name, socketId: socket.id };
      const attendanceId = await services.sessions.recordJoin({
        tenantId: actor.tenantId,
        bookingId,
        userId: actor.userId,
        transport: "p2p",
      });
      joined.set(bookingId, { attendanceId, self });
      await socket.join(room);
      socket.to(room).except(`user:${viewer.user.id}`).emit("call:peer", { bookingId, peer: self, present: true });
    }
    const sockets = await io.in(room).fetchSockets();
    const peers = sockets
      .filter((s) => s.data.userId === access.peerUserId)
      .map((s) => ({ userId: s.data.userId, name: other.name, socketId: s.id }));
    return { ok: true, data: { peers } };
  });

  handle(socket, "call:signal", ({ bookingId, to, description, candidate }) => {
    const mine = joined.get(bookingId);
    if (!mine) return { ok: false, error: { code: "FORBIDDEN", message: "Join the call first." } };
    socket
      .to(callRoom(bookingId))
      .except(`user:${viewer.user.id}`)
      .emit("call:signal", {
        bookingId,
        ...(to ? { to } : {}),
        ...(description ? { description } : { candidate }),
        from: mine.self,
      });
    return { ok: true, data: null };
  });

  async function leave(bookingId: string) {
    const mine = joined.get(bookingId);
    if (!mine) return;
    joined.delete(bookingId);
    await socket.leave(callRoom(bookingId));
    io.to(callRoom(bookingId))
      .except(`user:${viewer.user.id}`)
      .emit("call:peer", { bookingId, peer: mine.self, present: false });
    await services.sessions.recordLeave(mine.attendanceId);
  }

  handle(socket, "call:leave", async ({ bookingId }) => {
    await leave(bookingId);
    return { ok: true, data: null };
  });

  socket.on("disconnect", () => {
    for (const bookingId of [...joined.keys()])
      void leave(bookingId).catch((error) => console.error("call leave on disconnect failed:", error));
  });
}
