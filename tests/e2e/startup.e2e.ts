import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../setup/global-db.ts";
import { cookieToken, trpcHttp } from "../helpers/http.ts";
import { startServer } from "../helpers/server.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe("start-up configuration", () => {
  it("exits non-zero and names each invalid variable", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "server/index.ts"], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: "production",
        PORT: "eighty",
        SESSION_IDLE_MINUTES: "0",
        REDIS_URL: "http://not-redis",
      },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("Invalid configuration:");
    expect(run.stderr).toContain("PORT: must be a whole number from 0 to 65535");
    expect(run.stderr).toContain("SESSION_IDLE_MINUTES: must be a whole number from 1 to 43200");
    expect(run.stderr).toContain("REDIS_URL: must start with redis:// or rediss://");
  });
});

describe("with no DATABASE_URL", () => {
  it("runs on an embedded PostgreSQL whose data survives a restart, and shuts down cleanly", async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "tandem-embedded-"));
    dirs.push(dataDir);
    const env = { DATABASE_URL: undefined, DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()) };

    const first = await startServer(env, { timeoutMs: 120_000 });
    expect(first.output()).toContain("starting the embedded PostgreSQL");
    expect(first.output()).toMatch(/Seeded the demo organisation "demo"/);
    expect(first.output()).toMatch(/SYSTEM_ADMIN\s+sysadmin@tandem\.test\s+tandem-demo/);
    const health = (await (await fetch(`${first.url}/healthz`)).json()) as {
      status: string;
      database: { status: string; embedded: boolean };
    };
    expect(health).toMatchObject({ status: "ok", database: { status: "up", embedded: true } });

    const login = await trpcHttp(first.url, "auth.logIn", {
      mutation: true,
      input: { email: "sysadmin@tandem.test", password: "tandem-demo" },
    });
    expect(login.status).toBe(200);
    const token = cookieToken(login.headers);
    const created = await trpcHttp(first.url, "admin.createTenant", {
      mutation: true,
      token,
      input: { name: "Kept Across Restarts", slug: "kept" },
    });
    expect(created.status).toBe(200);

    expect(await first.stop("SIGTERM")).toBe(0);
    expect(first.output()).toContain("SIGTERM: shutting down");
    expect(first.output()).toContain("Stopped.");
    expect(existsSync(path.join(dataDir, "postgres", "postmaster.pid"))).toBe(false); // the database stopped too

    const second = await startServer(env, { timeoutMs: 120_000 });
    try {
      expect(second.output()).not.toContain("Seeded the demo organisation");
      const relogin = await trpcHttp(second.url, "auth.logIn", {
        mutation: true,
        input: { email: "sysadmin@tandem.test", password: "tandem-demo" },
      });
      const tenants = await trpcHttp<{ slug: string }[]>(second.url, "admin.tenants", {
        token: cookieToken(relogin.headers),
      });
      expect(tenants.body.result?.data.map((t) => t.slug)).toEqual(["demo", "kept"]);
    } finally {
      expect(await second.stop("SIGINT")).toBe(0);
    }
  }, 240_000);
});

describe("HTTP surface", () => {
  it("refuses a cross-site form post and answers /healthz", async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "tandem-embedded-"));
    dirs.push(dataDir);
    const server = await startServer(
      { DATABASE_URL: undefined, DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()), SEED_DEMO: "true" },
      { timeoutMs: 120_000 },
    );
    try {
      const crossSite = await fetch(`${server.url}/login`, {
        method: "POST",
        headers: { origin: "http://evil.test", "content-type": "application/x-www-form-urlencoded" },
        body: "email=sysadmin%40tandem.test&password=tandem-demo",
        redirect: "manual",
      });
      expect(crossSite.status).toBe(403);
      expect(crossSite.headers.get("set-cookie")).toBeNull();
      const sameSite = await fetch(`${server.url}/login`, {
        method: "POST",
        headers: { origin: server.url, "content-type": "application/x-www-form-urlencoded" },
        body: "email=sysadmin%40tandem.test&password=tandem-demo",
        redirect: "manual",
      });
      expect(sameSite.status).toBe(302);
      expect(sameSite.headers.get("set-cookie")).toMatch(
        /tandem_session=.+; Path=\/; Expires=.+; HttpOnly; SameSite=Lax/,
      );
    } finally {
      await server.stop();
    }
  }, 180_000);
});
