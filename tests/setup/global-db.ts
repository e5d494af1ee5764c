import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { type EmbeddedDatabase, startEmbeddedPostgres } from "@server/db/embedded.ts";
import { applyMigrations } from "@server/db/migrations.ts";

/**
 * One PostgreSQL for the whole run: DATABASE_URL when set (CI points it at the machine's
 * server), otherwise an embedded one in a throwaway directory. The migrations are applied once
 * to a template database; each test file then gets its own copy (CREATE DATABASE … TEMPLATE).
 */
declare module "vitest" {
  export interface ProvidedContext {
    dbAdminUrl: string;
    dbTemplate: string;
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** One embedded server for every project of the run (their global setups share this process). */
interface SharedServer {
  ready: Promise<{ adminUrl: string; embedded?: EmbeddedDatabase; tmp?: string }>;
  users: number;
}
const SHARED = Symbol.for("tandem.testPostgres");

async function startServer(): Promise<{ adminUrl: string; embedded?: EmbeddedDatabase; tmp?: string }> {
  if (process.env.DATABASE_URL) {
    console.log(`[tests] using the PostgreSQL at ${new URL(process.env.DATABASE_URL).host} (DATABASE_URL)`);
    return { adminUrl: process.env.DATABASE_URL };
  }
  const tmp = await mkdtemp(path.join(os.tmpdir(), "tandem-test-pg-"));
  const embedded = await startEmbeddedPostgres({ dataDir: tmp, port: await freePort(), ephemeral: true });
  console.log(`[tests] DATABASE_URL is not set: using an embedded PostgreSQL in ${tmp}`);
  return { adminUrl: embedded.adminConnectionString, embedded, tmp };
}

export default async function setup(project: TestProject) {
  const holder = globalThis as unknown as Record<symbol, SharedServer | undefined>;
  const shared = (holder[SHARED] ??= { ready: startServer(), users: 0 });
  shared.users++;
  const { adminUrl, embedded, tmp } = await shared.ready;

  const template = `tandem_tpl_${process.pid}_${project.name}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(`The test PostgreSQL at ${new URL(adminUrl).host} cannot be reached: ${(error as Error).message}`, {
      cause: error,
    });
  }
  await admin.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${template}"`);
  await applyMigrations({ connectionString: withDatabase(adminUrl, template) });

  project.provide("dbAdminUrl", adminUrl);
  project.provide("dbTemplate", template);

  return async () => {
    await admin.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
    const last = --shared.users === 0;
    if (last) {
      // Databases a crashed test file left behind (named after this run's process).
      const leftovers = await admin.query<{ datname: string }>(
        "SELECT datname FROM pg_database WHERE datname LIKE $1",
        [`tandem_t_${process.pid}_%`],
      );
      for (const { datname } of leftovers.rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
    await admin.end();
    if (!last) return; // another project still uses the server
    holder[SHARED] = undefined;
    await embedded?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  };
}
