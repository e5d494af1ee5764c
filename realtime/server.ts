import type { Server as HttpServer } from "node:http";
import { createAdapter } from "@socket.io/redis-adapter";
import { createClient } from "redis";
import { Server } from "socket.io";
import { readSessionToken } from "../server/auth/cookie.ts";
import type { Logger } from "../server/log.ts";
import type { AuthService, Viewer } from "../server/services/auth/service.ts";
import type { Services } from "../server/services/index.ts";
import { registerCallHandlers } from "./handlers/calls.ts";
import { registerChatHandlers } from "./handlers/chat.ts";
import { broadcastPresence, registerPresenceHandlers, type TandemServer } from "./handlers/presence.ts";

export interface RealtimeOptions {
  auth: Pick<AuthService, "resolveSession">;
  /**
   * Domain services for handlers beyond presence (chat, calls). Optional so that a bare
   * presence server can run without them; a handler needing them is registered only when given.
   */
  services?: Services;
  log: Logger;
  redisUrl?: string;
  /** Returns whether a browser Origin may open a socket (same rule as HTTP mutations). */
  originAllowed: (origin: string | undefined, host: string | undefined) => boolean;
}

export interface Realtime {
  io: TandemServer;
  close(): Promise<void>;
}

/**
 * Socket.IO on the app's own http.Server. A connection is accepted only with a live session
 * cookie; each socket joins `session:<id>`, `user:<id>` and its tenant's room. With REDIS_URL,
 * rooms, fetchSockets and disconnects reach every node through the Redis adapter.
 */
export async function attachRealtime(httpServer: HttpServer, options: RealtimeOptions): Promise<Realtime> {
  const io: TandemServer = new Server(httpServer, {
    path: "/socket.io",
    serveClient: false,
    connectionStateRecovery: undefined,
    allowRequest: (req, callback) => {
      const ok = options.originAllowed(req.headers.origin, req.headers.host);
      callback(ok ? null : "Origin not allowed", ok);
    },
  });

  const redisClients: ReturnType<typeof createClient>[] = [];
  if (options.redisUrl) {
    const pub = createClient({ url: options.redisUrl });
    const sub = pub.duplicate();
    for (const c of [pub, sub])
      c.on("error", (error: Error) => options.log.error("redis adapter error", { message: error.message }));
    await Promise.all([pub.connect(), sub.connect()]);
    io.adapter(createAdapter(pub, sub, { requestsTimeout: 3000 }));
    redisClients.push(pub, sub);
    options.log.info("realtime: Redis adapter connected");
  }

  io.use(async (socket, next) => {
    try {
      const viewer = await options.auth.resolveSession(readSessionToken(socket.request.headers.cookie));
      if (!viewer)
        return next(
          Object.assign(new Error("unauthorized"), {
            data: { code: "UNAUTHORIZED", message: "Please log in to connect." },
          }),
        );
      socket.data = {
        sessionId: viewer.sessionId,
        userId: viewer.user.id,
        name: viewer.user.name,
        role: viewer.role,
        tenantId: viewer.tenant.id,
      };
      (socket as unknown as { viewer: Viewer }).viewer = viewer;
      next();
    } catch (error) {
      options.log.error("realtime: authentication failed", {
        message: error instanceof Error ? error.message : String(error),
      });
      next(new Error("internal"));
    }
  });

  io.on("connection", async (socket) => {
    const viewer = (socket as unknown as { viewer: Viewer }).viewer;
    registerPresenceHandlers(io, socket, viewer);
    if (options.services) {
      // Domain handlers: one line per realtime/handlers/<domain>.ts.
      registerCallHandlers(io, socket, viewer, options.services);
      registerChatHandlers(io, socket, viewer, options.services);
    }
    const tenantRoom = `tenant:${viewer.tenant.id}`;
    await socket.join([`session:${viewer.sessionId}`, `user:${viewer.user.id}`, tenantRoom]);
    await broadcastPresence(io, tenantRoom).catch(() => undefined);
  });

  return {
    io,
    async close() {
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await Promise.all(redisClients.map((c) => c.quit().catch(() => undefined)));
    },
  };
}
