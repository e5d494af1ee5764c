import type { RealtimeNotifier } from "../server/services/deps.ts";
import type { ServerToClientEvents } from "./contracts.ts";
import { threadRoom } from "./handlers/chat.ts";
import type { TandemServer } from "./handlers/presence.ts";

/**
 * What services use to reach browsers. Created before Socket.IO exists (services are built
 * first) and bound once it is attached; until then, and in scripts, it does nothing.
 */
export function createRealtimeNotifier() {
  let io: TandemServer | undefined;
  const notifier: RealtimeNotifier & { bind(server: TandemServer): void } = {
    bind(server) {
      io = server;
    },
    disconnectSessions(sessionIds, reason) {
      if (!io || sessionIds.length === 0) return;
      const rooms = sessionIds.map((id) => `session:${id}`);
      io.to(rooms).emit("session:ended", { reason });
      io.in(rooms).disconnectSockets(true);
    },
    emitToUser(userId, event, payload) {
      io?.to(`user:${userId}`).emit(event, ...([payload] as Parameters<ServerToClientEvents[typeof event]>));
    },
    emitToThread(threadId, event, payload) {
      io?.to(threadRoom(threadId)).emit(event, ...([payload] as Parameters<ServerToClientEvents[typeof event]>));
    },
    emitToTenant(tenantId, event, payload) {
      io?.to(`tenant:${tenantId}`).emit(event, ...([payload] as Parameters<ServerToClientEvents[typeof event]>));
    },
  };
  return notifier;
}
