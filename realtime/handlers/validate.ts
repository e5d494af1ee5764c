import type { Socket } from "socket.io";
import type { z } from "zod";
import {
  type Ack,
  clientEvents,
  type ClientEventName,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type SocketData,
} from "../contracts.ts";

export type TandemSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/**
 * Registers a handler whose payload is parsed with the event's zod schema first. Bad input is
 * answered with a BAD_REQUEST ack naming the fields; a thrown error with an INTERNAL ack.
 */
export function handle<E extends ClientEventName, R>(
  socket: TandemSocket,
  event: E,
  handler: (payload: z.output<(typeof clientEvents)[E]>) => Promise<Ack<R>> | Ack<R>,
) {
  const schema = clientEvents[event];
  const listener = async (raw: unknown, ack?: unknown) => {
    const reply = typeof ack === "function" ? (ack as (res: Ack<R>) => void) : () => {};
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      const fieldErrors: Record<string, string[]> = {};
      for (const issue of parsed.error.issues)
        (fieldErrors[issue.path.join(".") || "_payload"] ??= []).push(issue.message);
      reply({ ok: false, error: { code: "BAD_REQUEST", message: `Invalid ${event} payload.`, fieldErrors } });
      return;
    }
    try {
      reply(await handler(parsed.data as z.output<(typeof clientEvents)[E]>));
    } catch (error) {
      console.error(`socket ${event} failed:`, error);
      reply({ ok: false, error: { code: "INTERNAL", message: "Something went wrong on our side." } });
    }
  };
  // The typed overloads of socket.on cannot express the generic event; the contract is enforced above.
  (socket as unknown as { on(event: string, fn: (...args: unknown[]) => void): void }).on(event, listener);
}
