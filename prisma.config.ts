import { defineConfig } from "prisma/config";

// The Prisma CLI is used here only for `prisma generate`; migrations are created and
// applied by server/db/migrations.ts (see docs/decisions/001-offline-migrations.md).
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://placeholder@localhost:5432/placeholder" },
});
