import type { Socket } from "socket.io";
import type { z } from "zod";
import { socketRefusal } from "@server/errors.ts";
import { featureOfSocketEvent, requireFeature, type TenantFlags } from "@server/policies/features.ts";
import {
  type Ack,
  clientEvents,
  type ClientEventName,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type SocketData,
} from "../contracts.ts";

export type TandemSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** The tenant of the socket's viewer, as realtime/server.ts attached it at connection. */
const tenantOf = (socket: TandemSocket) => (socket as unknown as { viewer?: { tenant?: TenantFlags } }).viewer?.tenant;

/**
 * Registers a handler whose payload is parsed with the event's zod schema first. Every event
 * passes the tenant's feature flags first (server/policies/features.ts: chat and calls need
 * coaching). Bad input is answered with a BAD_REQUEST ack naming the fields; a service error
 * (AppError) with the ack of server/errors.ts ERROR_MAPPING and its message; anything else with
 * an INTERNAL ack.
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
      const feature = featureOfSocketEvent(event);
      const tenant = tenantOf(socket);
      if (feature && tenant) requireFeature(tenant, feature);
      reply(await handler(parsed.data as z.output<(typeof clientEvents)[E]>));
    } catch (error) {
      const refusal = socketRefusal(error);
      if (refusal) return reply(refusal);
      console.error(`socket ${event} failed:`, error);
      reply({ ok: false, error: { code: "INTERNAL", message: "Something went wrong on our side." } });
    }
  };
  // The typed overloads of socket.on cannot express the generic event; the contract is enforced above.
  (socket as unknown as { on(event: string, fn: (...args: unknown[]) => void): void }).on(event, listener);
}
