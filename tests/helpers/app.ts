import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createTandem, type Tandem } from "@server/app.ts";
import { createDb, type Db } from "@server/db/client.ts";
import { loadEnv } from "@server/env.ts";
import { createJobQueue } from "@server/jobs/queue.ts";
import { registerJobs } from "@server/jobs/registry.ts";
import { createLogger } from "@server/log.ts";
import type { RealtimeNotifier } from "@server/services/index.ts";
import { createTestDatabase } from "./db.ts";

/** A clock the test moves by hand. */
export function testClock(start = new Date()) {
  let t = start.getTime();
  return {
    now: () => new Date(t),
    advance(ms: number) {
      t += ms;
    },
  };
}

/** Records what services asked the realtime layer to do. */
export function recordingNotifier() {
  const events: { kind: string; args: unknown[] }[] = [];
  const notifier: RealtimeNotifier = {
    disconnectSessions: (ids, reason) => void events.push({ kind: "disconnectSessions", args: [ids, reason] }),
    emitToTenant: (tenantId, event, payload) =>
      void events.push({ kind: "emitToTenant", args: [tenantId, event, payload] }),
    emitToUser: (userId, event, payload) => void events.push({ kind: "emitToUser", args: [userId, event, payload] }),
    emitToThread: (threadId, event, payload) =>
      void events.push({ kind: "emitToThread", args: [threadId, event, payload] }),
  };
  return { notifier, events };
}

export interface TestApp {
  tandem: Tandem;
  databaseUrl: string;
  db: Db;
  clock: ReturnType<typeof testClock>;
  realtime: ReturnType<typeof recordingNotifier>;
  /** A tRPC caller as the holder of this session token (or anonymous), as a loader would make it. */
  as(token?: string, ip?: string): Promise<Awaited<ReturnType<Tandem["caller"]>>>;
  close(): Promise<void>;
}

/** The whole server-side object graph on a fresh database, without HTTP. */
export async function createTestApp(
  envOverrides: Record<string, string> = {},
  options: { notifier?: RealtimeNotifier } = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "tandem-test-data-"));
  const env = loadEnv({
    NODE_ENV: "test",
    LOG_LEVEL: "silent",
    SEED_DEMO: "false",
    DATA_DIR: dataDir,
    ...envOverrides,
  });
  const db = createDb(database.url);
  const clock = testClock();
  const realtime = recordingNotifier();
  const tandem = createTandem({
    env,
    db,
    databaseUrl: database.url,
    log: createLogger("silent"),
    realtime: options.notifier ?? realtime.notifier,
    now: clock.now,
  });
  return {
    tandem,
    databaseUrl: database.url,
    db,
    clock,
    realtime,
    as(token, ip = "203.0.113.7") {
      const headers = new Headers({ "user-agent": "vitest" });
      if (token) headers.set("cookie", `tandem_session=${token}`);
      return tandem.caller(new Request("http://localhost/test", { headers }), ip);
    },
    async close() {
      await tandem.close();
      await db.$disconnect();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A pg-boss queue on the test app's database with every job type registered and its workers
 * polling every half second, and a Tandem on the same database and clock whose services queue
 * their jobs on it. Stop it when done.
 */
export async function withJobQueue(app: TestApp) {
  const log = createLogger("silent");
  const jobs = createJobQueue({ connectionString: app.databaseUrl, log, pollingIntervalSeconds: 0.5 });
  const tandem = createTandem({
    env: app.tandem.env,
    db: app.db,
    databaseUrl: app.databaseUrl,
    log,
    realtime: app.realtime.notifier,
    now: app.clock.now,
    jobs,
  });
  registerJobs(jobs, tandem.services, log);
  await jobs.start();
  return { jobs, tandem, log, stop: () => jobs.stop({ graceful: false }) };
}

/** Reads the session token from the Set-Cookie a sign-in procedure added. */
export function tokenFrom(resHeaders: Headers): string {
  const cookie = resHeaders.get("set-cookie") ?? "";
  const match = /tandem_session=([^;]+)/.exec(cookie);
  if (!match?.[1]) throw new Error(`No session cookie in ${JSON.stringify(cookie)}`);
  return match[1];
}
