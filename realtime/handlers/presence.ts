import type { Server } from "socket.io";
import type { Viewer } from "@server/services/auth/service.ts";
import { canJoinRoom } from "@server/policies/rooms.ts";
import {
  type ClientToServerEvents,
  type PresenceMember,
  roomName,
  type ServerToClientEvents,
  type SocketData,
} from "../contracts.ts";
import { handle, type TandemSocket } from "./validate.ts";

export type TandemServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** Everyone with a socket in the room, once per user, across every node (fetchSockets goes through the adapter). */
export async function membersOf(io: TandemServer, room: string): Promise<PresenceMember[]> {
  const sockets = await io.in(room).fetchSockets();
  const byUser = new Map<string, PresenceMember>();
  for (const s of sockets) byUser.set(s.data.userId, { userId: s.data.userId, name: s.data.name, role: s.data.role });
  return [...byUser.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export async function broadcastPresence(io: TandemServer, room: string) {
  io.to(room).emit("presence:update", { room, members: await membersOf(io, room) });
}

const PRESENCE_PREFIXES = ["tenant:"];

export function registerPresenceHandlers(io: TandemServer, socket: TandemSocket, viewer: Viewer) {
  handle(socket, "presence:join", async ({ room }) => {
    if (!canJoinRoom(viewer, room))
      return { ok: false, error: { code: "FORBIDDEN", message: "You cannot join that room." } };
    const name = roomName(room);
    await socket.join(name);
    await broadcastPresence(io, name);
    return { ok: true, data: { members: await membersOf(io, name) } };
  });

  handle(socket, "presence:leave", async ({ room }) => {
    const name = roomName(room);
    await socket.leave(name);
    await broadcastPresence(io, name);
    return { ok: true, data: null };
  });

  handle(socket, "presence:wave", async ({ room, toUserId }) => {
    const name = roomName(room);
    if (!canJoinRoom(viewer, room) || !socket.rooms.has(name))
      return { ok: false, error: { code: "FORBIDDEN", message: "Join the room first." } };
    const present = await membersOf(io, name);
    if (!present.some((m) => m.userId === toUserId))
      return { ok: false, error: { code: "BAD_REQUEST", message: "That person is no longer online." } };
    io.to(`user:${toUserId}`).emit("presence:waved", {
      room: name,
      from: { userId: viewer.user.id, name: viewer.user.name, role: viewer.role },
    });
    return { ok: true, data: null };
  });

  // Rooms are left automatically on disconnect; tell the others once the socket is gone.
  let leaving: string[] = [];
  socket.on("disconnecting", () => {
    leaving = [...socket.rooms].filter((r) => PRESENCE_PREFIXES.some((p) => r.startsWith(p)));
  });
  socket.on("disconnect", () => {
    for (const room of leaving) void broadcastPresence(io, room).catch(() => undefined);
  });
}
