import { type Keyring, loadKeyring } from "./crypto/keyring.ts";
import type { Db } from "./db/client.ts";
import type { Env } from "./env.ts";
import { createStorage, type Storage } from "./integrations/storage/index.ts";
import type { JobQueue } from "./jobs/queue.ts";
import type { Logger } from "./log.ts";
import { createServices, type RealtimeNotifier } from "./services/index.ts";
import { createContext } from "./trpc/context.ts";
import { appRouter, createCaller } from "./trpc/root.ts";

/**
 * The server-side object graph, built once per process by server/index.ts and handed to Remix
 * as load context, to Socket.IO and to tests. Routes reach server code only through it.
 */
export function createTandem(options: {
  env: Env;
  db: Db;
  databaseUrl: string;
  databaseSchema?: string;
  log: Logger;
  realtime: RealtimeNotifier;
  now?: () => Date;
  jobs?: JobQueue;
  storage?: Storage;
  keyring?: Keyring;
}) {
  const { env, db, log, realtime } = options;
  const services = createServices({
    db,
    env,
    log,
    realtime,
    databaseUrl: options.databaseUrl,
    databaseSchema: options.databaseSchema,
    now: options.now ?? (() => new Date()),
    jobs: options.jobs,
    storage: options.storage ?? createStorage(env),
    keyring: options.keyring ?? loadKeyring(env),
  });
  // The tRPC context carries services, never the database: procedures go through them.
  const deps = { env, services };

  return {
    env,
    services,
    /** The background job queue, when the process runs one (server/index.ts does; tests may not). */
    jobs: options.jobs,
    router: appRouter,
    createContext: (req: Request, resHeaders: Headers, ip: string) => createContext(deps, { req, resHeaders, ip }),
    /**
     * A server-side tRPC caller for loaders and actions. `resHeaders` collects Set-Cookie headers
     * that the route must return.
     */
    async caller(req: Request, ip: string) {
      const resHeaders = new Headers();
      const ctx = await createContext(deps, { req, resHeaders, ip });
      return { api: createCaller(ctx), viewer: ctx.viewer, resHeaders };
    },
    async close() {
      await services.close();
    },
  };
}

export type Tandem = ReturnType<typeof createTandem>;
