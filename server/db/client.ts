import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client.ts";

export type Db = PrismaClient;
export { Prisma } from "./generated/client.ts";
export type { Booking, Notification } from "./generated/client.ts";
export type { BookingStatus, CoachStatus, CredentialStatus, Delivery, Role, ServiceStatus, SessionType } from "./generated/enums.ts";

/** One Prisma client over the pg driver adapter. `schema` selects a PostgreSQL schema (tests). */
export function createDb(connectionString: string, options: { schema?: string } = {}): Db {
  const adapter = new PrismaPg({ connectionString, max: 10 }, options.schema ? { schema: options.schema } : undefined);
  return new PrismaClient({ adapter, transactionOptions: { timeout: 15_000, maxWait: 5_000 } });
}
