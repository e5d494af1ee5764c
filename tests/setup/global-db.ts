import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { type EmbeddedDatabase, startEmbeddedPostgres } from "../../server/db/embedded.ts";
import { applyMigrations } from "../../server/db/migrations.ts";

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

export default async function setup(project: TestProject) {
  let embedded: EmbeddedDatabase | undefined;
  let tmp: string | undefined;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    tmp = await mkdtemp(path.join(os.tmpdir(), "tandem-test-pg-"));
    embedded = await startEmbeddedPostgres({ dataDir: tmp, port: await freePort(), ephemeral: true });
    adminUrl = embedded.adminConnectionString;
    console.log(`[tests] DATABASE_URL is not set: using an embedded PostgreSQL in ${tmp}`);
  } else {
    console.log(`[tests] using the PostgreSQL at ${new URL(adminUrl).host} (DATABASE_URL)`);
  }

  const template = `tandem_tpl_${process.pid}_${project.name}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(`The test PostgreSQL at ${new URL(adminUrl).host} cannot be reached: ${(error as Error).message}`);
  }
  await admin.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${template}"`);
  await applyMigrations({ connectionString: withDatabase(adminUrl, template) });

  project.provide("dbAdminUrl", adminUrl);
  project.provide("dbTemplate", template);

  return async () => {
    const leftovers = await admin.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE $1", [`tandem_t_${process.pid}_%`]);
    for (const { datname } of leftovers.rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    await admin.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
    await admin.end();
    await embedded?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  };
}
