import type { Keyring } from "../crypto/keyring.ts";
import type { Db } from "../db/client.ts";
import type { Env } from "../env.ts";
import type { Storage } from "../integrations/storage/index.ts";
import type { JobQueue } from "../jobs/queue.ts";
import type { Logger } from "../log.ts";
import type { ServerToClientEvents, SessionEndReason } from "@realtime/contracts.ts";

/** What the realtime layer offers to services (implemented in realtime/emitter.ts). */
export interface RealtimeNotifier {
  /** Close every live socket of these sessions (logout, revocation, password change). */
  disconnectSessions(sessionIds: string[], reason: SessionEndReason): void;
  /** Send an event to every socket of a tenant, on every node. */
  emitToTenant<E extends keyof ServerToClientEvents>(
    tenantId: string,
    event: E,
    payload: Parameters<ServerToClientEvents[E]>[0],
  ): void;
  /** Send an event to every socket that joined a chat thread (`thread:<id>`), on every node. */
  emitToThread<E extends keyof ServerToClientEvents>(
    threadId: string,
    event: E,
    payload: Parameters<ServerToClientEvents[E]>[0],
  ): void;
  /** Send an event to every socket of one user, on every node. */
  emitToUser<E extends keyof ServerToClientEvents>(
    userId: string,
    event: E,
    payload: Parameters<ServerToClientEvents[E]>[0],
  ): void;
}

export interface ServiceDeps {
  db: Db;
  /** The connection string behind `db`, for libraries that need their own pool. */
  databaseUrl: string;
  /** PostgreSQL schema when not `public` (tests). */
  databaseSchema?: string;
  env: Env;
  log: Logger;
  realtime: RealtimeNotifier;
  /** Injected so that tests can move time. */
  now: () => Date;
  /** Encryption at rest (server/crypto/keyring.ts): chat messages, API keys, session keys. */
  keyring: Keyring;
  /** Uploaded files: coach photos, credential documents. */
  storage: Storage;
  /**
   * Background jobs (server/jobs, pg-boss). Absent where no queue runs (most tests): a service
   * that needs it must say so clearly rather than skip the work.
   */
  jobs?: JobQueue;
}
