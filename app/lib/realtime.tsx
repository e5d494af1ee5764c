import { createContext, type ReactNode, useContext, useEffect, useState } from "react";
import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, PresenceMember, ServerToClientEvents } from "@realtime/contracts.ts";

export type TandemClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type Status = "connecting" | "connected" | "offline";

const RealtimeContext = createContext<{ socket: TandemClientSocket | null; status: Status }>({
  socket: null,
  status: "offline",
});

/**
 * One Socket.IO connection per signed-in tab, authenticated by the session cookie. When the
 * server ends it (sign-out or revocation elsewhere), the page reloads so the loader can send
 * the person to the login page.
 */
export function RealtimeProvider({ sessionKey, children }: { sessionKey: string | null; children: ReactNode }) {
  const [socket, setSocket] = useState<TandemClientSocket | null>(null);
  const [status, setStatus] = useState<Status>("offline");

  useEffect(() => {
    if (!sessionKey) return;
    const s: TandemClientSocket = io({
      path: "/socket.io",
      withCredentials: true,
      transports: ["websocket", "polling"],
    });
    setStatus("connecting");
    s.on("connect", () => setStatus("connected"));
    s.on("connect_error", () => setStatus("offline"));
    s.on("session:ended", ({ reason }) => window.location.assign(`/login?ended=${reason}`));
    s.on("disconnect", (reason) => {
      setStatus("offline");
      // The server closed the socket without ending the session (a restart): try again shortly.
      if (reason === "io server disconnect") setTimeout(() => s.connect(), 2000);
    });
    setSocket(s);
    return () => {
      s.disconnect();
      setSocket(null);
    };
  }, [sessionKey]);

  return <RealtimeContext.Provider value={{ socket, status }}>{children}</RealtimeContext.Provider>;
}

export const useRealtime = () => useContext(RealtimeContext);

/** Who is online in the viewer's tenant, live. */
export function useTenantPresence(tenantId: string | undefined) {
  const { socket, status } = useRealtime();
  const [members, setMembers] = useState<PresenceMember[] | null>(null);
  useEffect(() => {
    if (!socket || !tenantId) return;
    const room = `tenant:${tenantId}`;
    const onUpdate = (p: { room: string; members: PresenceMember[] }) => {
      if (p.room === room) setMembers(p.members);
    };
    const join = () =>
      socket.emit("presence:join", { room: { kind: "tenant", id: tenantId } }, (res) => {
        if (res.ok) setMembers(res.data.members);
      });
    socket.on("presence:update", onUpdate);
    socket.on("connect", join);
    if (socket.connected) join();
    return () => {
      socket.off("presence:update", onUpdate);
      socket.off("connect", join);
    };
  }, [socket, tenantId]);
  return { members, status };
}
