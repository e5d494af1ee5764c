import { createHash } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { type Prisma, PrismaClient } from "./generated/client.ts";

/**
 * The Prisma client, plus the node-postgres pool under it (`$pg`) for the few hot statements
 * that `preparedQuery` runs (ADR 013). Both share the same connections.
 */
export type Db = PrismaClient & { readonly $pg: pg.Pool };
export { Prisma } from "./generated/client.ts";
export type { Booking, Notification } from "./generated/client.ts";
export type {
  BookingStatus,
  CoachStatus,
  CredentialStatus,
  Delivery,
  Role,
  ServiceStatus,
  SessionType,
} from "./generated/enums.ts";

/** One Prisma client over the pg driver adapter, on a pool we keep a handle to. `schema` selects a PostgreSQL schema (tests). */
export function createDb(connectionString: string, options: { schema?: string } = {}): Db {
  const pool = new pg.Pool({ connectionString, max: 10 });
  const adapter = new PrismaPg(pool, {
    disposeExternalPool: true,
    ...(options.schema ? { schema: options.schema } : {}),
  });
  const client = new PrismaClient({ adapter, transactionOptions: { timeout: 15_000, maxWait: 5_000 } });
  Object.defineProperty(client, "$pg", { value: pool, enumerable: false });
  return client as Db;
}

/** Statement text → its prepared name (the texts are a few fixed variants, so this stays small). */
const statementNames = new Map<string, string>();

/**
 * Runs a raw statement as a named prepared statement through node-postgres, skipping Prisma's
 * request pipeline: PostgreSQL parses and plans it once per connection, and the Node process
 * does a quarter of the work per call (bench/booking.ts). For the hottest statements only
 * (holding a time, a coach's schedule for free slots, storing chat); everything else goes through Prisma. The name carries a hash
 * of the text, so a statement whose text varies (an optional fragment) gets one prepared
 * statement per variant, and the number per connection stays small and known.
 *
 * Results come back as node-postgres parses them: timestamps as Date, json as objects, int4 as
 * number, int8 and numeric as string. Statements that must not be prepared per connection
 * (DDL, anything whose text is built from user input) do not belong here.
 */
export async function preparedQuery<T>(db: Db, name: string, sql: Prisma.Sql): Promise<T[]> {
  const text = sql.text;
  let statement = statementNames.get(text);
  if (!statement) {
    statement = `${name}_${createHash("sha1").update(text).digest("hex").slice(0, 16)}`;
    statementNames.set(text, statement);
  }
  const result = await db.$pg.query<T & pg.QueryResultRow>({ name: statement, text, values: sql.values as unknown[] });
  return result.rows;
}
