import { createHash, randomBytes } from "node:crypto";
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations, createMigration } from "./migrations.ts";

/** Runs against a real PostgreSQL: DATABASE_URL when set, else the local server. */
const adminUrl = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
const migrationsDir = path.resolve("prisma/migrations");
const schemaPath = path.resolve("prisma/schema.prisma");

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function migrationNames(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

async function shadowDatabases(admin: pg.Client): Promise<string[]> {
  const { rows } = await admin.query<{ datname: string }>(
    "SELECT datname FROM pg_database WHERE datname LIKE 'prisma_shadow_%'",
  );
  return rows.map((r) => r.datname);
}

describe("migrations (schema engine over the pg adapter)", () => {
  const dbName = `migrations_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  const dbUrl = withDatabase(adminUrl, dbName);
  const admin = new pg.Client({ connectionString: adminUrl });
  const tempDirs: string[] = [];

  async function tempCopyOfMigrations(): Promise<string> {
    const dir = await mkdtemp(path.join(os.tmpdir(), "migrations-test-"));
    tempDirs.push(dir);
    await cp(migrationsDir, path.join(dir, "migrations"), { recursive: true });
    return path.join(dir, "migrations");
  }

  beforeAll(async () => {
    await admin.connect();
    await admin.query(`CREATE DATABASE "${dbName}"`);
  });

  afterAll(async () => {
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.end();
    for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
  });

  it("applies the pending migrations once and records them like Prisma", async () => {
    const expected = await migrationNames(migrationsDir);
    expect(expected.length).toBeGreaterThan(0);

    const first = await applyMigrations({ connectionString: dbUrl });
    expect(first.applied).toEqual(expected);

    const db = new pg.Client({ connectionString: dbUrl });
    await db.connect();
    try {
      const tables = await db.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
      );
      expect(tables.rows.map((r) => r.table_name)).toEqual(
        expect.arrayContaining(["Tenant", "User", "Membership", "Session", "rate_limits", "_prisma_migrations"]),
      );

      const recorded = await db.query<{
        migration_name: string;
        checksum: string;
        finished_at: Date | null;
        rolled_back_at: Date | null;
        applied_steps_count: number;
      }>(
        "SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name",
      );
      expect(recorded.rows.map((r) => r.migration_name)).toEqual(expected);
      for (const row of recorded.rows) {
        expect(row.finished_at).toBeInstanceOf(Date);
        expect(row.rolled_back_at).toBeNull();
        expect(row.applied_steps_count).toBe(1);
        // Prisma's checksum: SHA-256 of migration.sql, so `prisma migrate deploy` agrees with us.
        const sql = await readFile(path.join(migrationsDir, row.migration_name, "migration.sql"));
        expect(row.checksum).toBe(createHash("sha256").update(sql).digest("hex"));
      }

      const second = await applyMigrations({ connectionString: dbUrl });
      expect(second.applied).toEqual([]);
      const count = await db.query<{ n: string }>("SELECT count(*) AS n FROM _prisma_migrations");
      expect(Number(count.rows[0]?.n)).toBe(expected.length);
    } finally {
      await db.end();
    }
  });

  it("migrates another PostgreSQL schema when asked", async () => {
    const first = await applyMigrations({ connectionString: dbUrl, schema: "tenant_b" });
    expect(first.applied).toEqual(await migrationNames(migrationsDir));
    expect((await applyMigrations({ connectionString: dbUrl, schema: "tenant_b" })).applied).toEqual([]);

    const db = new pg.Client({ connectionString: dbUrl });
    await db.connect();
    try {
      const tables = await db.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'tenant_b'",
      );
      expect(tables.rows.map((r) => r.table_name)).toEqual(
        expect.arrayContaining(["Tenant", "User", "Membership", "Session", "rate_limits", "_prisma_migrations"]),
      );
    } finally {
      await db.end();
    }
  });

  it("serialises concurrent runs (several app nodes starting at once)", async () => {
    const runs = await Promise.all(
      [1, 2, 3].map(() => applyMigrations({ connectionString: dbUrl, schema: "tenant_c" })),
    );
    expect(runs.flatMap((r) => r.applied).sort()).toEqual(await migrationNames(migrationsDir));
  });

  it("reports no changes when the schema matches the migrations", async () => {
    const dir = await tempCopyOfMigrations();
    const before = await migrationNames(dir);
    const shadowsBefore = await shadowDatabases(admin);

    const result = await createMigration({ name: "nothing", migrationsDir: dir, serverUrl: adminUrl });

    expect(result).toEqual({ dir: null, sql: "" });
    expect(await migrationNames(dir)).toEqual(before);
    const leftover = (await shadowDatabases(admin)).filter((name) => !shadowsBefore.includes(name));
    expect(leftover).toEqual([]);
  });

  it("writes the next migration for a schema change, and it applies", async () => {
    const dir = await tempCopyOfMigrations();
    const before = await migrationNames(dir);
    const changedSchema = path.join(path.dirname(dir), "schema.prisma");
    const original = await readFile(schemaPath, "utf8");
    const changed = original.replace(/(model Tenant \{\n)/, "$1  motto String?\n");
    expect(changed).not.toBe(original);
    await writeFile(changedSchema, changed);

    const result = await createMigration({
      name: "Add tenant motto",
      migrationsDir: dir,
      schemaPath: changedSchema,
      serverUrl: adminUrl,
    });

    expect(result.dir).not.toBeNull();
    const created = path.basename(result.dir ?? "");
    expect(created).toMatch(/^\d{14}_add_tenant_motto$/);
    expect(await migrationNames(dir)).toEqual([...before, created]);
    expect(result.sql).toContain('ALTER TABLE "Tenant" ADD COLUMN     "motto" TEXT;');
    expect(await readFile(path.join(dir, created, "migration.sql"), "utf8")).toBe(result.sql);
    expect(await readFile(path.join(dir, "migration_lock.toml"), "utf8")).toContain('provider = "postgresql"');

    // The new migration applies on top of the already migrated database.
    expect((await applyMigrations({ connectionString: dbUrl, migrationsDir: dir })).applied).toEqual([created]);
    // And the history is now in sync with the changed schema.
    expect(
      await createMigration({ name: "again", migrationsDir: dir, schemaPath: changedSchema, serverUrl: adminUrl }),
    ).toEqual({
      dir: null,
      sql: "",
    });
  });
});
