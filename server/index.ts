import { existsSync, statSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import { broadcastDevReady, type ServerBuild } from "@remix-run/node";
import express from "express";
import { attachRealtime } from "../realtime/server.ts";
import { createRealtimeNotifier } from "../realtime/emitter.ts";
import { createTandem } from "./app.ts";
import { createDb } from "./db/client.ts";
import { type EmbeddedDatabase, startEmbeddedPostgres } from "./db/embedded.ts";
import { applyMigrations } from "./db/migrations.ts";
import { ConfigError, type Env, loadEnv } from "./env.ts";
import { isCrossSiteMutation, originAllowed } from "./http/origin.ts";
import { createJobQueue } from "./jobs/queue.ts";
import { startRecurringJobs } from "./jobs/recurring.ts";
import { registerJobs } from "./jobs/registry.ts";
import { createLogger } from "./log.ts";
import { loadKeyring } from "./crypto/keyring.ts";
import { seedDemoTasks } from "./services/seed/exercises.ts";
import { DEMO_ACCOUNTS, DEMO_PASSWORD, seedDemo } from "./services/seed/service.ts";

const BUILD_PATH = path.resolve("build/index.js");

async function importBuild(): Promise<ServerBuild> {
  if (!existsSync(BUILD_PATH)) {
    throw new Error("No Remix build found at build/index.js. Run `npm run build` first (or `npm run dev`).");
  }
  return import(`${pathToFileURL(BUILD_PATH).href}?t=${statSync(BUILD_PATH).mtimeMs}`) as Promise<ServerBuild>;
}

export async function main(env: Env) {
  const log = createLogger(env.LOG_LEVEL);
  const startedAt = Date.now();

  // 1. Database: the configured one, or an embedded PostgreSQL under DATA_DIR.
  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) {
    log.info(`No DATABASE_URL: starting the embedded PostgreSQL (data in ${path.resolve(env.DATA_DIR, "postgres")})`);
    // The shutdown below stops it, after the requests and pools are done (not on the signal itself).
    embedded = await startEmbeddedPostgres({
      dataDir: env.DATA_DIR,
      port: env.EMBEDDED_PG_PORT,
      stopOnSignals: false,
      log: (l) => log.debug(l),
    });
    databaseUrl = embedded.connectionString;
  }
  const { applied } = await applyMigrations({ connectionString: databaseUrl });
  if (applied.length) log.info(`Applied ${applied.length} migration(s): ${applied.join(", ")}`);
  const db = createDb(databaseUrl);

  // 2. Services, with realtime bound once Socket.IO is attached, and the background job queue
  //    (pg-boss, in the same database; services register their job types while being built).
  const notifier = createRealtimeNotifier();
  const jobs = createJobQueue({ connectionString: databaseUrl, log });
  const tandem = createTandem({ env, db, databaseUrl, log, realtime: notifier, jobs });
  registerJobs(jobs, tandem.services, log);
  await jobs.start();
  await startRecurringJobs(jobs, tandem.services, log);
  if (env.SEED_DEMO && (await seedDemo({ db, keyring: loadKeyring(env) }, env.DEFAULT_TENANT_SLUG))) {
    await seedDemoTasks({ db }, tandem.services, env.DEFAULT_TENANT_SLUG);
    const lines = DEMO_ACCOUNTS.map((a) => `  ${a.role.padEnd(16)} ${a.email.padEnd(24)} ${DEMO_PASSWORD}`);
    log.info(
      `Seeded the demo organisation "${env.DEFAULT_TENANT_SLUG}" with one account per role:\n${lines.join("\n")}`,
    );
  }

  // 3. HTTP: health, static assets, cross-site protection, then Remix (pages, /api/trpc, /webhooks).
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", env.TRUST_PROXY);
  let shuttingDown = false;

  app.get("/healthz", async (_req, res) => {
    const database = await tandem.services.system.health();
    if (database.status === "up") {
      res.status(shuttingDown ? 503 : 200).json({
        status: shuttingDown ? "shutting-down" : "ok",
        database: { status: "up", embedded: Boolean(embedded), latencyMs: database.latencyMs },
        uptimeS: Math.round(process.uptime()),
      });
    } else {
      res.status(503).json({ status: "degraded", database });
    }
  });

  app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y" }));
  app.use(express.static("public", { maxAge: "1h" }));

  app.use((req, res, next) => {
    if (isCrossSiteMutation(env.APP_ORIGIN, req)) {
      res
        .status(403)
        .type("text/plain")
        .send("Cross-site request refused: this action must come from Tandem's own pages.");
      return;
    }
    next();
  });

  const getLoadContext = (req: express.Request) => ({
    tandem,
    clientIp: req.ip ?? req.socket.remoteAddress ?? "unknown",
  });
  let build = await importBuild();
  if (env.NODE_ENV === "development") {
    const { watch } = await import("chokidar");
    watch(path.resolve("build/version.txt"), { ignoreInitial: true }).on("all", async () => {
      build = await importBuild();
      await broadcastDevReady(build);
    });
    app.all("*", (req, res, next) =>
      createRequestHandler({ build, mode: "development", getLoadContext })(req, res, next),
    );
  } else {
    app.all("*", createRequestHandler({ build, mode: env.NODE_ENV, getLoadContext }));
  }

  // 4. One http.Server for pages, tRPC and Socket.IO.
  const server = http.createServer(app);
  const realtime = await attachRealtime(server, {
    auth: tandem.services.auth,
    services: tandem.services,
    log,
    redisUrl: env.REDIS_URL,
    originAllowed: (origin, host) => originAllowed(env.APP_ORIGIN, origin, host),
  });
  notifier.bind(realtime.io);

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(env.PORT, env.HOST, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : env.PORT;
  log.info(
    `Tandem is listening on http://localhost:${port} (${env.NODE_ENV}, started in ${Date.now() - startedAt} ms)`,
  );
  if (env.NODE_ENV === "development") await broadcastDevReady(build);

  // 5. Graceful shutdown: stop accepting, close sockets, drain requests, stop the jobs, then the database.
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log.info(`${signal}: shutting down`);
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    await realtime.close();
    server.closeIdleConnections();
    const drained = await Promise.race([
      closed.then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), 10_000).unref()),
    ]);
    if (!drained) {
      log.warn("Requests still running after 10 s; closing their connections.");
      server.closeAllConnections();
    }
    // Background jobs next: running handlers get up to 10 s, then are failed and retried after the restart.
    await jobs.stop({ graceful: true, timeoutMs: 10_000 });
    await tandem.close();
    await db.$disconnect();
    await embedded?.stop();
    log.info("Stopped.");
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));
  return { port, shutdown };
}

try {
  await main(loadEnv());
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    console.error("Tandem could not start:", error instanceof Error ? error.message : error);
    if (error instanceof Error && error.stack && process.env.LOG_LEVEL === "debug") console.error(error.stack);
  }
  process.exit(1);
}
