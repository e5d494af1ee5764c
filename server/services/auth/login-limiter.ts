import pg from "pg";
import { RateLimiterPostgres, type RateLimiterRes } from "rate-limiter-flexible";
import type { Env } from "@server/env.ts";

/**
 * Failed sign-in counters per account and per client IP, kept in PostgreSQL (table
 * `rate_limits`, created by the migrations) so that every app node shares them.
 */
export interface LoginLimiter {
  /** Throws a LoginBlocked when either counter is exhausted. */
  check(email: string, ip: string): Promise<void>;
  recordFailure(email: string, ip: string): Promise<void>;
  recordSuccess(email: string): Promise<void>;
  close(): Promise<void>;
}

export class LoginBlocked extends Error {
  constructor(
    readonly scope: "account" | "ip",
    readonly retryAfterMs: number,
  ) {
    const minutes = Math.max(1, Math.ceil(retryAfterMs / 60_000));
    const wait = `Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
    super(
      scope === "account"
        ? `Too many failed sign-in attempts for this account. ${wait}`
        : `Too many failed sign-in attempts from your network. ${wait}`,
    );
  }
}

const HOUR = 60 * 60;

export function createLoginLimiter(connectionString: string, env: Env, schema?: string): LoginLimiter {
  const pool = new pg.Pool({ connectionString, max: 3 });
  // An idle connection the server drops (restart, failover, shutdown) must not crash the process;
  // the pool replaces it on the next query.
  pool.on("error", (error) => console.warn(`login limiter: idle database connection lost: ${error.message}`));
  const common = {
    storeClient: pool,
    storeType: "pool",
    tableName: "rate_limits",
    tableCreated: true,
    duration: HOUR,
    ...(schema ? { schemaName: schema } : {}),
  };
  const perAccount = new RateLimiterPostgres({
    ...common,
    keyPrefix: "login_account",
    points: env.LOGIN_MAX_FAILURES_PER_ACCOUNT,
  });
  const perIp = new RateLimiterPostgres({ ...common, keyPrefix: "login_ip", points: env.LOGIN_MAX_FAILURES_PER_IP });

  const exhausted = (res: RateLimiterRes | null, limit: number) => res !== null && res.consumedPoints >= limit;

  return {
    async check(email, ip) {
      const [account, network] = await Promise.all([perAccount.get(email), perIp.get(ip)]);
      if (account && exhausted(account, env.LOGIN_MAX_FAILURES_PER_ACCOUNT))
        throw new LoginBlocked("account", account.msBeforeNext);
      if (network && exhausted(network, env.LOGIN_MAX_FAILURES_PER_IP))
        throw new LoginBlocked("ip", network.msBeforeNext);
    },
    async recordFailure(email, ip) {
      // consume() rejects once the points are used up; the count is still recorded.
      await Promise.all([perAccount.consume(email).catch(() => undefined), perIp.consume(ip).catch(() => undefined)]);
    },
    async recordSuccess(email) {
      await perAccount.delete(email);
    },
    async close() {
      await pool.end();
    },
  };
}
