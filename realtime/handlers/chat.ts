import type { Viewer } from "@server/services/auth/service.ts";
import { socketRefusal } from "@server/errors.ts";
import type { Services } from "@server/services/index.ts";
import type { Ack } from "../contracts.ts";
import type { TandemServer } from "./presence.ts";
import { handle, type TandemSocket } from "./validate.ts";

export const threadRoom = (threadId: string) => `thread:${threadId}`;

/** A service error as a socket ack with the same message (server/errors.ts ERROR_MAPPING). */
function refusal(error: unknown): Ack<never> {
  const ack = socketRefusal(error);
  if (!ack) throw error;
  return ack;
}

/**
 * Chat over the socket: each event is validated, then handed to the chat service (which decides
 * membership with the participants policy and broadcasts stored messages to `thread:<id>`
 * itself, whatever path stored them). `chat:join` checks membership, joins `thread:<id>` and then answers
 * with what came after the client's last seq: joining before reading means a message stored
 * meanwhile arrives live or in the answer (or both; clients keep one copy per seq), never in
 * neither. Messages reach members on every node through the Redis adapter.
 */
export function registerChatHandlers(
  io: TandemServer,
  socket: TandemSocket,
  viewer: Viewer,
  services: Pick<Services, "chat">,
) {
  const actor = { userId: viewer.user.id, tenantId: viewer.tenant.id };
  const joined = (threadId: string) => socket.rooms.has(threadRoom(threadId));

  handle(socket, "chat:join", async ({ threadId, afterSeq }) => {
    try {
      const thread = await services.chat.member(actor, threadId);
      await socket.join(threadRoom(threadId));
      const page = await services.chat.after(threadId, afterSeq);
      const lastSeq = Math.max(thread.lastSeq, page.messages.at(-1)?.seq ?? 0);
      return {
        ok: true,
        data: {
          ...page,
          lastSeq,
          reads: thread.members.map((m) => ({ userId: m.userId, lastReadSeq: m.lastReadSeq })),
        },
      };
    } catch (error) {
      return refusal(error);
    }
  });

  handle(socket, "chat:leave", async ({ threadId }) => {
    await socket.leave(threadRoom(threadId));
    return { ok: true, data: null };
  });

  handle(socket, "chat:send", async ({ threadId, clientMessageId, text, attachmentId }) => {
    try {
      // The service stores the message and broadcasts it to the thread's members.
      const { message } = await services.chat.send(actor, { threadId, clientMessageId, text, attachmentId });
      return { ok: true, data: { seq: message.seq, id: message.id, createdAt: message.createdAt } };
    } catch (error) {
      return refusal(error);
    }
  });

  handle(socket, "chat:typing", ({ threadId, typing }) => {
    if (!joined(threadId)) return { ok: false, error: { code: "FORBIDDEN", message: "Join the conversation first." } };
    socket
      .to(threadRoom(threadId))
      .emit("chat:typing", { threadId, userId: viewer.user.id, name: viewer.user.name, typing });
    return { ok: true, data: null };
  });

  handle(socket, "chat:read", async ({ threadId, seq }) => {
    try {
      const { lastReadSeq } = await services.chat.markRead(actor, threadId, seq);
      io.to(threadRoom(threadId)).emit("chat:read", { threadId, userId: viewer.user.id, lastReadSeq });
      return { ok: true, data: { lastReadSeq } };
    } catch (error) {
      return refusal(error);
    }
  });
}
