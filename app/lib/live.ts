import { useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { useRealtime } from "./realtime";

/** Reloads the page's data when this coach's free times change (someone held or freed a slot). */
export function useLiveAvailability(coachId: string) {
  const { socket } = useRealtime();
  const { revalidate } = useRevalidator();
  useEffect(() => {
    if (!socket) return;
    const onChange = (p: { coachId: string }) => {
      if (p.coachId === coachId) revalidate();
    };
    socket.on("availability:changed", onChange);
    return () => void socket.off("availability:changed", onChange);
  }, [socket, coachId, revalidate]);
}
