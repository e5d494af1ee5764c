import { z } from "zod";

/**
 * The typed Socket.IO contract shared by the server (realtime/) and the browser (app/).
 * Every client→server payload has a zod schema here and is parsed before a handler runs.
 */

export const roomRef = z.object({
  kind: z.enum(["tenant"], { error: "Unknown room kind." }),
  id: z.uuid("Room ids are UUIDs."),
});
export type RoomRef = z.infer<typeof roomRef>;

export const roomName = (room: RoomRef) => `${room.kind}:${room.id}`;

export const clientEvents = {
  "presence:join": z.object({ room: roomRef }),
  "presence:leave": z.object({ room: roomRef }),
  "presence:wave": z.object({ room: roomRef, toUserId: z.uuid("Not a user id.") }),
} as const;

export type ClientEventName = keyof typeof clientEvents;
export type ClientPayload<E extends ClientEventName> = z.input<(typeof clientEvents)[E]>;

export const sessionEndReasons = ["logged-out", "revoked", "password-changed"] as const;
export type SessionEndReason = (typeof sessionEndReasons)[number];

export interface PresenceMember {
  userId: string;
  name: string;
  role: string;
}

export type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: "BAD_REQUEST" | "FORBIDDEN" | "INTERNAL"; message: string; fieldErrors?: Record<string, string[]> } };

export interface ClientToServerEvents {
  "presence:join": (payload: ClientPayload<"presence:join">, ack: (res: Ack<{ members: PresenceMember[] }>) => void) => void;
  "presence:leave": (payload: ClientPayload<"presence:leave">, ack: (res: Ack<null>) => void) => void;
  "presence:wave": (payload: ClientPayload<"presence:wave">, ack: (res: Ack<null>) => void) => void;
}

export interface ServerToClientEvents {
  "presence:update": (payload: { room: string; members: PresenceMember[] }) => void;
  "presence:waved": (payload: { from: PresenceMember; room: string }) => void;
  /** The session behind this socket has ended; the socket is closed right after. */
  "session:ended": (payload: { reason: SessionEndReason }) => void;
  "notification:new": (payload: { id: string; kind: string; title: string; body: string; link: string | null }) => void;
  /** A coach's free times changed (a slot was held, booked or freed): booking pages refresh. */
  "availability:changed": (payload: { coachId: string }) => void;
  "tenant:updated": (payload: { tenantId: string; name: string; featureCoaches: boolean; featurePremiumCoachServices: boolean }) => void;
}

export interface SocketData {
  sessionId: string;
  userId: string;
  name: string;
  role: string;
  tenantId: string;
}
