import PgBoss from "pg-boss";
import type { z } from "zod";
import type { Logger } from "../log.ts";

/**
 * Background jobs on PostgreSQL through pg-boss (docs/decisions/006-job-queue.md): hold expiry,
 * reminders, status changes after a session window. Jobs are rows in the `pgboss` schema of the
 * application database, so they survive restarts and need no other service.
 *
 * Every job type is registered once with a zod schema and a handler. The payload is validated
 * when it is sent (a bad payload is a JobPayloadError for the sender, nothing is stored) and
 * again when it is received (a job that no longer fits its schema, say after a deploy changed it,
 * is logged and failed for good: no retries, the handler never sees it). Payloads are stored as
 * JSON, so what the schema checks at send is the JSON form that the handler will receive.
 */

export type QueuePolicy = "standard" | "short" | "singleton" | "stately";

export interface RegisterOptions {
  /** Retries after a handler error (default 3). */
  retryLimit?: number;
  /** Seconds before the first retry (default 10). */
  retryDelaySeconds?: number;
  /** Double the delay on every retry (default true). */
  retryBackoff?: boolean;
  /** A running job that takes longer is failed (and retried) (default 15 minutes). */
  expireInSeconds?: number;
  /**
   * pg-boss queue policy (default "standard"). "short" keeps at most one queued job per
   * singletonKey (later sends with the same key are ignored: `send` answers null); "singleton"
   * runs at most one job per key at a time; "stately" combines both.
   */
  policy?: QueuePolicy;
  /** Jobs of this type handled at once by this process (default 1). */
  concurrency?: number;
}

export interface SendOptions {
  /** Not before this moment (a Date) or this many seconds from now (a number). */
  startAfter?: Date | number;
  /** Deduplication key; see `RegisterOptions.policy` for what it means for each policy. */
  singletonKey?: string;
}

export interface JobContext {
  id: string;
  name: string;
  /** 0 on the first attempt. */
  retryCount: number;
}

export type JobHandler<T> = (payload: T, job: JobContext) => Promise<void>;

/** A registered job type; `send(type, payload)` checks the payload's type at compile time too. */
export interface JobType<Input> {
  readonly name: string;
  /** Type-level only. */
  readonly __input?: Input;
}

export interface JobQueue {
  /** Installs or migrates the `pgboss` schema if needed, creates the queues and starts the workers. */
  start(): Promise<void>;
  /**
   * Stops fetching jobs. Graceful (default): waits up to `timeoutMs` (default 10 s) for running
   * handlers, then fails what is still running so that it is retried after the restart.
   */
  stop(options?: { graceful?: boolean; timeoutMs?: number }): Promise<void>;
  /** Declares a job type with its payload schema and handler (before or after start). */
  register<S extends z.ZodType<object>>(
    name: string,
    schema: S,
    handler: JobHandler<z.output<S>>,
    options?: RegisterOptions,
  ): JobType<z.input<S>>;
  /**
   * Queues a job; answers its id, or null when a singleton policy dropped it as a duplicate.
   * Throws JobPayloadError when the payload does not fit the schema.
   */
  send<I>(job: JobType<I>, payload: I, options?: SendOptions): Promise<string | null>;
  send(name: string, payload: unknown, options?: SendOptions): Promise<string | null>;
}

export interface JobQueueOptions {
  connectionString: string;
  log: Logger;
  /** PostgreSQL schema for pg-boss's tables (default `pgboss`). */
  schema?: string;
  /** How often an idle worker polls (seconds, at least 0.5; default 2). */
  pollingIntervalSeconds?: number;
  /** Connections in pg-boss's own pool (default 4). */
  poolSize?: number;
}

export class JobPayloadError extends Error {
  override name = "JobPayloadError";
  constructor(
    readonly job: string,
    readonly fieldErrors: Record<string, string[]>,
  ) {
    super(
      `Invalid payload for job "${job}": ${Object.entries(fieldErrors)
        .map(([field, messages]) => `${field}: ${messages.join(", ")}`)
        .join("; ")}`,
    );
  }
}

/** Raised inside the worker for a stored job that does not fit its schema (the job is failed). */
class StoredPayloadInvalid extends Error {
  override name = "StoredPayloadInvalid";
}

const JOB_NAME = /^[a-z][a-z0-9]*(?:[._-][a-z0-9]+)*$/;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

interface Registration {
  name: string;
  schema: z.ZodType<object>;
  handler: JobHandler<object>;
  options: RegisterOptions;
  /** Set once the queue exists and the workers run. */
  ready?: Promise<void>;
  workerIds: string[];
}

function fieldErrorsOf(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.map(String).join(".") : "(payload)";
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

/** The JSON form of a payload, as it will be stored and handed to the worker. */
function jsonForm(name: string, payload: unknown): unknown {
  let text: string | undefined;
  try {
    text = JSON.stringify(payload);
  } catch (error) {
    throw new JobPayloadError(name, { "(payload)": [`cannot be stored as JSON: ${(error as Error).message}`] });
  }
  if (text === undefined) throw new JobPayloadError(name, { "(payload)": ["cannot be stored as JSON"] });
  return JSON.parse(text) as unknown;
}

const isDeadlock = (error: unknown) =>
  typeof error === "object" && error !== null && (error as { code?: unknown }).code === "40P01";

export async function retryOnDeadlock<T>(work: () => Promise<T>, attempts = 8): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isDeadlock(error) || attempt >= attempts) throw error;
      await new Promise((r) => setTimeout(r, 50 * attempt + Math.random() * 100));
    }
  }
}

export function createJobQueue(options: JobQueueOptions): JobQueue {
  const { log } = options;
  const schemaName = options.schema ?? "pgboss";
  if (!SCHEMA_NAME.test(schemaName)) throw new Error(`Invalid job queue schema name ${JSON.stringify(schemaName)}`);
  const pollingIntervalSeconds = options.pollingIntervalSeconds ?? 2;

  const boss = new PgBoss({
    connectionString: options.connectionString,
    schema: schemaName,
    application_name: "tandem-jobs",
    max: options.poolSize ?? 4,
    // Recurring (cron) schedules are not used yet; maintenance (expiry of stuck jobs, archiving) is.
    schedule: false,
    supervise: true,
    migrate: true,
  });
  boss.on("error", (error) => {
    const details = error as Error & { queue?: string };
    log.error(`Job queue: ${details.message}`, details.queue ? { job: details.queue } : undefined);
  });

  const registrations = new Map<string, Registration>();
  let state: "new" | "starting" | "started" | "stopped" = "new";
  let starting: Promise<void> | undefined;

  /** Creates (or updates) the queue and starts this process's workers for it. */
  async function activate(reg: Registration): Promise<void> {
    const o = reg.options;
    const queue: PgBoss.Queue = {
      name: reg.name,
      policy: o.policy ?? "standard",
      retryLimit: o.retryLimit ?? 3,
      retryDelay: o.retryDelaySeconds ?? 10,
      retryBackoff: o.retryBackoff ?? true,
      expireInSeconds: o.expireInSeconds ?? 15 * 60,
    };
    // Nodes starting together create the same queue at once; PostgreSQL may end that in a
    // deadlock for one of them, which is safe to retry.
    await retryOnDeadlock(async () => {
      await boss.createQueue(reg.name, queue);
      await boss.updateQueue(reg.name, queue);
    });
    for (let i = 0; i < (o.concurrency ?? 1); i++) {
      const id = await boss.work<unknown>(
        reg.name,
        { batchSize: 1, includeMetadata: true, pollingIntervalSeconds },
        async (jobs) => {
          for (const job of jobs) await run(reg, job);
        },
      );
      reg.workerIds.push(id);
    }
  }

  async function run(reg: Registration, job: PgBoss.JobWithMetadata<unknown>): Promise<void> {
    const parsed = reg.schema.safeParse(job.data);
    if (!parsed.success) {
      const fieldErrors = fieldErrorsOf(parsed.error);
      log.error(`Job ${reg.name} ${job.id} has an invalid payload; failing it without retries`, { fieldErrors });
      // No retry can fix a payload: use up the job's retries before pg-boss records the failure.
      await boss
        .getDb()
        .executeSql(`UPDATE ${schemaName}.job SET retry_limit = retry_count WHERE name = $1 AND id = $2`, [
          reg.name,
          job.id,
        ]);
      throw new StoredPayloadInvalid(`Invalid payload: ${JSON.stringify(fieldErrors)}`);
    }
    const started = Date.now();
    try {
      await reg.handler(parsed.data, { id: job.id, name: reg.name, retryCount: job.retryCount });
      log.debug(`Job ${reg.name} ${job.id} done in ${Date.now() - started} ms`);
    } catch (error) {
      const willRetry = job.retryCount < job.retryLimit;
      log[willRetry ? "warn" : "error"](
        `Job ${reg.name} ${job.id} failed${willRetry ? " (will retry)" : " for good"}: ${error instanceof Error ? error.message : String(error)}`,
        {
          attempt: job.retryCount + 1,
          retryLimit: job.retryLimit,
        },
      );
      throw error;
    }
  }

  async function waitUntilReady(reg: Registration): Promise<void> {
    if (state === "stopped") throw new Error("The job queue is stopped.");
    if (state === "new") throw new Error(`The job queue has not been started; cannot send "${reg.name}".`);
    if (starting) await starting;
    await reg.ready;
  }

  const queue: JobQueue = {
    async start() {
      if (state !== "new") return starting;
      state = "starting";
      starting = (async () => {
        const t0 = Date.now();
        await boss.start();
        for (const reg of registrations.values()) reg.ready = activate(reg);
        await Promise.all([...registrations.values()].map((r) => r.ready));
        state = "started";
        log.info(`Job queue started (schema ${schemaName}, ${registrations.size} job type(s), ${Date.now() - t0} ms)`);
      })();
      return starting;
    },

    async stop(stopOptions = {}) {
      if (state === "new" || state === "stopped") {
        state = "stopped";
        return;
      }
      if (starting) await starting.catch(() => undefined);
      state = "stopped";
      await boss.stop({
        graceful: stopOptions.graceful ?? true,
        timeout: stopOptions.timeoutMs ?? 10_000,
        wait: true,
        close: true,
      });
      log.info("Job queue stopped");
    },

    register(name, schema, handler, registerOptions = {}) {
      if (!JOB_NAME.test(name))
        throw new Error(`Invalid job name ${JSON.stringify(name)}: use lowercase words joined by ".", "_" or "-"`);
      if (registrations.has(name)) throw new Error(`The job "${name}" is already registered`);
      const reg: Registration = {
        name,
        schema,
        handler: handler as JobHandler<object>,
        options: registerOptions,
        workerIds: [],
      };
      registrations.set(name, reg);
      if (state === "starting" || state === "started")
        reg.ready = (starting ?? Promise.resolve()).then(() => activate(reg));
      return { name };
    },

    async send(job: JobType<unknown> | string, payload: unknown, sendOptions: SendOptions = {}) {
      const name = typeof job === "string" ? job : job.name;
      const reg = registrations.get(name);
      if (!reg) throw new Error(`No job named "${name}" is registered`);
      const stored = jsonForm(name, payload);
      const parsed = reg.schema.safeParse(stored);
      if (!parsed.success) throw new JobPayloadError(name, fieldErrorsOf(parsed.error));
      if (stored === null || typeof stored !== "object" || Array.isArray(stored)) {
        throw new JobPayloadError(name, { "(payload)": ["must be an object"] });
      }
      const { startAfter, singletonKey } = sendOptions;
      if (startAfter instanceof Date && Number.isNaN(startAfter.getTime()))
        throw new Error("startAfter is an invalid date");
      if (typeof startAfter === "number" && !(Number.isFinite(startAfter) && startAfter >= 0))
        throw new Error("startAfter must be a number of seconds >= 0");
      await waitUntilReady(reg);
      const id = await boss.send(name, stored, {
        ...(startAfter !== undefined ? { startAfter } : {}),
        ...(singletonKey !== undefined ? { singletonKey } : {}),
      });
      // Wake this process's idle worker at once instead of at its next poll.
      const due =
        startAfter === undefined ||
        (startAfter instanceof Date ? startAfter.getTime() <= Date.now() : startAfter === 0);
      if (id && due) for (const workerId of reg.workerIds) boss.notifyWorker(workerId);
      return id;
    },
  };
  return queue;
}
