/**
 * Creates the next Prisma migration from prisma/schema.prisma, offline.
 *   tsx scripts/db-migration.ts <name>
 * Shadow databases are created (and dropped) on the server of DATABASE_URL, or on a temporary
 * embedded PostgreSQL when DATABASE_URL is unset. See server/db/migrations.ts.
 */
import path from "node:path";
import { createMigration } from "../server/db/migrations.ts";

const name = process.argv.slice(2).join(" ").trim();
if (!name) {
  console.error("Usage: tsx scripts/db-migration.ts <name>");
  process.exit(2);
}

try {
  const { dir, sql } = await createMigration({ name });
  if (dir === null) {
    console.log("No schema changes");
  } else {
    console.log(`Wrote ${path.relative(process.cwd(), path.join(dir, "migration.sql"))}:\n`);
    console.log(sql);
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
