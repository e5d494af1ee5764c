import { useEffect, useRef } from "react";
import type { TaskUpdated } from "@realtime/contracts.ts";
import { useRealtime } from "~/lib/realtime";

/** Calls `onUpdate` for every `task:updated` the server pushes to this person (their tasks, as coach or client). */
export function useTaskUpdates(onUpdate: (update: TaskUpdated) => void) {
  const { socket } = useRealtime();
  const ref = useRef(onUpdate);
  ref.current = onUpdate;
  useEffect(() => {
    if (!socket) return;
    const handler = (update: TaskUpdated) => ref.current(update);
    socket.on("task:updated", handler);
    return () => void socket.off("task:updated", handler);
  }, [socket]);
}

/** Field errors of a failed tRPC mutation (zod input errors or a service's field errors). */
export function fieldErrorsOf(error: unknown): Record<string, string[]> {
  const data = (error as { data?: { fieldErrors?: Record<string, string[]> | null } } | null)?.data;
  return data?.fieldErrors ?? {};
}

export const STATUS_TONES = {
  ASSIGNED: "brand",
  IN_PROGRESS: "amber",
  SUBMITTED: "amber",
  REVIEWED: "green",
  DONE: "slate",
} as const;
