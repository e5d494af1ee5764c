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

/**
 * One WebRTC signalling message between the two participants of a booking's call: a session
 * description (offer or answer) or one ICE candidate, never both. Sizes are capped so that a
 * socket cannot relay arbitrary payloads.
 */
export const callSignal = z
  .object({
    bookingId: z.uuid("Not a booking id."),
    /** The peer socket this is meant for; the other participant's other tabs ignore it. */
    to: z.string().min(1).max(64).optional(),
    description: z
      .strictObject({
        type: z.enum(["offer", "answer", "rollback"], { error: "Unknown description type." }),
        sdp: z.string().max(100_000, "Session description too large.").optional(),
      })
      .optional(),
    candidate: z
      .strictObject({
        candidate: z.string().max(2_000, "Candidate too large."),
        sdpMid: z.string().max(64).nullish(),
        sdpMLineIndex: z.number().int().min(0).max(64).nullish(),
        usernameFragment: z.string().max(256).nullish(),
      })
      .nullish(),
  })
  .refine((s) => (s.description === undefined) !== (s.candidate === undefined), {
    message: "Send either a description or a candidate.",
    path: ["description"],
  });
export type CallSignal = z.infer<typeof callSignal>;

export interface CallPeer {
  userId: string;
  name: string;
  /** The peer's socket: a new one means the peer reconnected and negotiation starts afresh. */
  socketId: string;
}

export const clientEvents = {
  "presence:join": z.object({ room: roomRef }),
  "presence:leave": z.object({ room: roomRef }),
  "presence:wave": z.object({ room: roomRef, toUserId: z.uuid("Not a user id.") }),
  ...chatEvents(),
  "call:join": z.object({ bookingId: z.uuid("Not a booking id.") }),
  "call:leave": z.object({ bookingId: z.uuid("Not a booking id.") }),
  "call:signal": callSignal,
} as const;

/** Chat (realtime/handlers/chat.ts): a member joins a thread's room and resumes after the last seq it saw. */
function chatEvents() {
  const threadId = z.uuid("Not a thread id.");
  const seq = z.number("A sequence number.").int("A whole sequence number.").min(0, "Sequence numbers start at 0.");
  return {
    "chat:join": z.object({ threadId, afterSeq: seq.default(0) }),
    "chat:leave": z.object({ threadId }),
    "chat:send": z
      .object({
        threadId,
        clientMessageId: z
          .string()
          .trim()
          .min(1, "A client message id is needed.")
          .max(64, "Client message ids are at most 64 characters."),
        text: z.string().max(4000, "Messages are at most 4,000 characters.").optional(),
        attachmentId: z.string().min(1).max(2000, "Not an attachment id.").optional(),
      })
      .refine((m) => (m.text?.trim().length ?? 0) > 0 || m.attachmentId !== undefined, {
        message: "Write a message or attach a file.",
        path: ["text"],
      }),
    "chat:typing": z.object({ threadId, typing: z.boolean("Typing is true or false.") }),
    "chat:read": z.object({ threadId, seq }),
  };
}

export type ClientEventName = keyof typeof clientEvents;
export type ClientPayload<E extends ClientEventName> = z.input<(typeof clientEvents)[E]>;

export const sessionEndReasons = ["logged-out", "revoked", "password-changed"] as const;
export type SessionEndReason = (typeof sessionEndReasons)[number];

export interface PresenceMember {
  userId: string;
  name: string;
  role: string;
}

export type Ack<T> =
  | { ok: true; data: T }
  | {
      ok: false;
      error: {
        code: "BAD_REQUEST" | "FORBIDDEN" | "NOT_FOUND" | "INTERNAL";
        message: string;
        fieldErrors?: Record<string, string[]>;
      };
    };

/** A chat message as members see it (decrypted). `seq` orders it within its thread. */
export interface ChatMessage {
  id: string;
  threadId: string;
  seq: number;
  senderId: string;
  clientMessageId: string;
  /** Absent for an ordinary message; a task's REFLECTION or FEEDBACK, or a SYSTEM note. */
  kind?: "REFLECTION" | "FEEDBACK" | "SYSTEM";
  text: string;
  attachment: { name: string; type: string; size: number } | null;
  createdAt: string;
}

export interface ChatJoined {
  messages: ChatMessage[];
  /** More messages follow the last one returned: join again after its seq. */
  hasMore: boolean;
  lastSeq: number;
  reads: { userId: string; lastReadSeq: number }[];
}

export interface ClientToServerEvents {
  "presence:join": (
    payload: ClientPayload<"presence:join">,
    ack: (res: Ack<{ members: PresenceMember[] }>) => void,
  ) => void;
  "presence:leave": (payload: ClientPayload<"presence:leave">, ack: (res: Ack<null>) => void) => void;
  "presence:wave": (payload: ClientPayload<"presence:wave">, ack: (res: Ack<null>) => void) => void;
  /** Joins `thread:<id>` and answers with the messages after `afterSeq`, oldest first. */
  "chat:join": (payload: ClientPayload<"chat:join">, ack: (res: Ack<ChatJoined>) => void) => void;
  "chat:leave": (payload: ClientPayload<"chat:leave">, ack: (res: Ack<null>) => void) => void;
  "chat:send": (
    payload: ClientPayload<"chat:send">,
    ack: (res: Ack<{ seq: number; id: string; createdAt: string }>) => void,
  ) => void;
  "chat:typing": (payload: ClientPayload<"chat:typing">, ack?: (res: Ack<null>) => void) => void;
  "chat:read": (payload: ClientPayload<"chat:read">, ack: (res: Ack<{ lastReadSeq: number }>) => void) => void;
  "call:join": (payload: ClientPayload<"call:join">, ack: (res: Ack<{ peers: CallPeer[] }>) => void) => void;
  "call:leave": (payload: ClientPayload<"call:leave">, ack: (res: Ack<null>) => void) => void;
  "call:signal": (payload: ClientPayload<"call:signal">, ack: (res: Ack<null>) => void) => void;
}

export interface ServerToClientEvents {
  "presence:update": (payload: { room: string; members: PresenceMember[] }) => void;
  "presence:waved": (payload: { from: PresenceMember; room: string }) => void;
  /** The session behind this socket has ended; the socket is closed right after. */
  "session:ended": (payload: { reason: SessionEndReason }) => void;
  "notification:new": (payload: { id: string; kind: string; title: string; body: string; link: string | null }) => void;
  /** A coach's free times changed (a slot was held, booked or freed): booking pages refresh. */
  "availability:changed": (payload: { coachId: string }) => void;
  /** A client changed what this coach may see (sent to the coach's own sockets): open client pages reload. */
  "consent:changed": (payload: { clientId: string; coachProfileId: string; journal: boolean; goals: boolean }) => void;
  /** The other participant joined (present) or left (not present) a booking's call. */
  "call:peer": (payload: { bookingId: string; peer: CallPeer; present: boolean }) => void;
  /** A signalling message from the other participant of a booking's call. */
  "call:signal": (payload: CallSignal & { from: CallPeer }) => void;
  "tenant:updated": (payload: {
    tenantId: string;
    name: string;
    featureCoaches: boolean;
    featurePremiumCoachServices: boolean;
  }) => void;
  /** A new message in a thread the socket has joined (the sender's own sockets too). */
  "chat:message": (payload: ChatMessage) => void;
  "chat:typing": (payload: { threadId: string; userId: string; name: string; typing: boolean }) => void;
  /** A member's read position moved forward. */
  "chat:read": (payload: { threadId: string; userId: string; lastReadSeq: number }) => void;
  /** A task changed (assigned, logged, status, reflection, feedback): sent to its coach and client. */
  "task:updated": (payload: TaskUpdated) => void;
}

/** What a `task:updated` event says: enough to refresh a list or a task page. */
export interface TaskUpdated {
  taskId: string;
  clientId: string;
  coachProfileId: string;
  status: "ASSIGNED" | "IN_PROGRESS" | "SUBMITTED" | "REVIEWED" | "DONE";
  /** What happened: assigned, logged, started, submitted, feedback, reviewed, done, reopened. */
  change: string;
  byUserId: string;
}

export interface SocketData {
  sessionId: string;
  userId: string;
  name: string;
  role: string;
  tenantId: string;
}
