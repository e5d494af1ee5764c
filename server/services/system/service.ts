import type { ServiceDeps } from "../deps.ts";

export type DatabaseHealth = { status: "up"; latencyMs: number } | { status: "down"; error: string };

/** The process's own state, for operators: today whether the database answers (`/healthz`). */
export function createSystemService({ db }: Pick<ServiceDeps, "db">) {
  return {
    /** One round trip to the database, timed; a failure is reported, not thrown. */
    async health(): Promise<DatabaseHealth> {
      const t0 = Date.now();
      try {
        await db.$queryRaw`SELECT 1`;
        return { status: "up", latencyMs: Date.now() - t0 };
      } catch (error) {
        return { status: "down", error: error instanceof Error ? error.message : String(error) };
      }
    },
  };
}

export type SystemService = ReturnType<typeof createSystemService>;
