import { useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { useRealtime } from "~/lib/realtime";

/**
 * Reloads the page's data when this client changes what the viewing coach may see
 * (`consent:changed`), so a revoked journal or goals list disappears without a reload.
 */
export function useLiveConsent(clientId: string) {
  const { socket } = useRealtime();
  const { revalidate } = useRevalidator();
  useEffect(() => {
    if (!socket) return;
    const onChange = (p: { clientId: string }) => {
      if (p.clientId === clientId) revalidate();
    };
    socket.on("consent:changed", onChange);
    return () => void socket.off("consent:changed", onChange);
  }, [socket, clientId, revalidate]);
}
