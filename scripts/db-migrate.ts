/**
 * Applies pending Prisma migrations (prisma/migrations) to DATABASE_URL, offline.
 *   DATABASE_URL=postgresql://… tsx scripts/db-migrate.ts
 * The app applies them at start as well; this is for ops. See server/db/migrations.ts.
 */
import { applyMigrations } from "../server/db/migrations.ts";

const connectionString = process.env.DATABASE_URL;
if (!connectionString) {
  console.error("DATABASE_URL is not set.");
  process.exit(2);
}

try {
  const { applied } = await applyMigrations({ connectionString });
  console.log(
    applied.length ? `Applied ${applied.length} migration(s):\n  ${applied.join("\n  ")}` : "No pending migrations",
  );
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
