import pg from "pg";
import PgBoss from "pg-boss";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createTestDatabase } from "@tests/helpers/db.ts";
import { createLogger, type Logger } from "../log.ts";
import { createJobQueue, JobPayloadError, type JobQueue } from "./queue.ts";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
const open: JobQueue[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});

afterEach(async () => {
  for (const queue of open.splice(0)) await queue.stop({ graceful: false });
});

afterAll(async () => {
  await database?.drop();
});

/** A logger that keeps what it was told. */
function recordingLog() {
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    void lines.push({ level, message, fields });
  const log: Logger = { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
  return { log, lines };
}

function queue(log: Logger = createLogger("silent")): JobQueue {
  const q = createJobQueue({ connectionString: database.url, log, pollingIntervalSeconds: 0.5 });
  open.push(q);
  return q;
}

async function waitFor(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function jobRow(id: string): Promise<{ state: string; retry_count: number; data: unknown } | undefined> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ state: string; retry_count: number; data: unknown }>(
      "SELECT state::text, retry_count, data FROM pgboss.job WHERE id = $1",
      [id],
    );
    return rows[0];
  } finally {
    await client.end();
  }
}

const reminder = z.object({
  bookingId: z.string().min(1),
  remindAt: z.iso.datetime().transform((s) => new Date(s)),
  channels: z.array(z.enum(["email", "push"])).default(["email"]),
});

describe("createJobQueue", () => {
  it("handles a sent job with the parsed payload", async () => {
    const jobs = queue();
    const seen: { payload: z.output<typeof reminder>; id: string; retryCount: number }[] = [];
    const type = jobs.register(
      "booking.reminder",
      reminder,
      async (payload, job) => void seen.push({ payload, id: job.id, retryCount: job.retryCount }),
    );
    await jobs.start();

    const id = await jobs.send(type, { bookingId: "b1", remindAt: "2030-01-01T09:00:00Z" });
    expect(id).toEqual(expect.any(String));
    await waitFor("the reminder", () => seen.length === 1);
    expect(seen[0]).toEqual({
      payload: { bookingId: "b1", remindAt: new Date("2030-01-01T09:00:00Z"), channels: ["email"] },
      id,
      retryCount: 0,
    });
    await waitFor("completion", async () => (await jobRow(id!))?.state === "completed");
  });

  it("does not handle a delayed job before its time", async () => {
    const jobs = queue();
    const handledAt: number[] = [];
    jobs.register("hold.expire", z.object({ bookingId: z.string() }), async () => void handledAt.push(Date.now()));
    await jobs.start();

    const startAfter = new Date(Date.now() + 3_000);
    await jobs.send("hold.expire", { bookingId: "b2" }, { startAfter });
    await new Promise((r) => setTimeout(r, 2_000));
    expect(handledAt).toEqual([]);
    await waitFor("the delayed job", () => handledAt.length === 1, 10_000);
    expect(handledAt[0]).toBeGreaterThanOrEqual(startAfter.getTime() - 50);
  });

  it("keeps a job across a restart: sent by one queue, handled by the next one on the same database", async () => {
    const schema = z.object({ sessionId: z.string() });
    const first = queue();
    const firstSeen: unknown[] = [];
    first.register("session.close", schema, async (p) => void firstSeen.push(p));
    await first.start();
    const id = await first.send("session.close", { sessionId: "s1" }, { startAfter: 1 });
    await first.stop();
    expect(firstSeen).toEqual([]);
    expect((await jobRow(id!))?.state).toBe("created");

    const second = queue();
    const secondSeen: unknown[] = [];
    second.register("session.close", schema, async (p) => void secondSeen.push(p));
    await second.start();
    await waitFor("the job after the restart", () => secondSeen.length === 1);
    expect(secondSeen).toEqual([{ sessionId: "s1" }]);
    expect(firstSeen).toEqual([]);
  });

  it("lets a running handler finish when stopped gracefully", async () => {
    const jobs = queue();
    const events: string[] = [];
    jobs.register("reminder.slow", z.object({ n: z.number() }), async () => {
      events.push("handler started");
      await new Promise((r) => setTimeout(r, 700));
      events.push("handler finished");
    });
    await jobs.start();
    const id = await jobs.send("reminder.slow", { n: 1 });
    await waitFor("the handler to start", () => events.length === 1);
    await jobs.stop({ graceful: true, timeoutMs: 5_000 });
    events.push("stopped");
    expect(events).toEqual(["handler started", "handler finished", "stopped"]);
    expect((await jobRow(id!))?.state).toBe("completed");
  });

  it("hands a job still running at the stop deadline to the next process", async () => {
    const options = { retryLimit: 3, retryDelaySeconds: 0, retryBackoff: false };
    const first = queue();
    let release = () => {};
    let started = false;
    first.register(
      "payout.stuck",
      z.object({ coachId: z.string() }),
      async () => {
        started = true;
        await new Promise<void>((r) => (release = r));
      },
      options,
    );
    await first.start();
    const id = await first.send("payout.stuck", { coachId: "c7" });
    await waitFor("the handler to start", () => started);
    const t0 = Date.now();
    await first.stop({ graceful: true, timeoutMs: 1_000 });
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect((await jobRow(id!))?.state).toBe("retry");

    const second = queue();
    const seen: { coachId: string; retryCount: number }[] = [];
    second.register(
      "payout.stuck",
      z.object({ coachId: z.string() }),
      async (p, job) => void seen.push({ ...p, retryCount: job.retryCount }),
      options,
    );
    await second.start();
    await waitFor("the job on the next process", () => seen.length === 1);
    expect(seen).toEqual([{ coachId: "c7", retryCount: 1 }]);
    release();
  });

  it("refuses an invalid payload at send and stores nothing", async () => {
    const jobs = queue();
    const handled: unknown[] = [];
    const type = jobs.register("booking.reminder.bad", reminder, async (p) => void handled.push(p));
    await jobs.start();

    const error = await jobs.send(type, { bookingId: "", remindAt: "next tuesday" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobPayloadError);
    expect((error as JobPayloadError).fieldErrors).toEqual({
      bookingId: [expect.any(String)],
      remindAt: [expect.any(String)],
    });
    expect((error as JobPayloadError).message).toContain('Invalid payload for job "booking.reminder.bad"');

    // Values that JSON cannot carry are refused too: the handler would get something else.
    await expect(
      jobs.send("booking.reminder.bad", {
        bookingId: "b",
        remindAt: new Date("2030-01-01T00:00:00Z"),
        channels: ["fax"],
      }),
    ).rejects.toThrow(/channels/);
    await expect(jobs.send("no.such.job", {})).rejects.toThrow('No job named "no.such.job" is registered');

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query("SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1", [
      "booking.reminder.bad",
    ]);
    await client.end();
    expect(rows[0].n).toBe(0);
    expect(handled).toEqual([]);
  });

  it("fails a stored job whose payload does not fit, once, without calling the handler", async () => {
    const { log, lines } = recordingLog();
    const jobs = queue(log);
    const handled: unknown[] = [];
    jobs.register("coach.notify", z.object({ coachId: z.string() }), async (p) => void handled.push(p), {
      retryLimit: 5,
      retryDelaySeconds: 0,
      retryBackoff: false,
    });
    await jobs.start();

    // Something other than our send (an older deploy, a hand-written row) queued a bad payload.
    const raw = new PgBoss({ connectionString: database.url });
    raw.on("error", () => undefined);
    await raw.start();
    const id = await raw.send("coach.notify", { coach: 42 });
    await raw.stop({ graceful: false });

    await waitFor("the failure", async () => (await jobRow(id!))?.state === "failed");
    // Give a would-be retry time to happen.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await jobRow(id!)).toMatchObject({ state: "failed", retry_count: 0 });
    expect(handled).toEqual([]);
    expect(lines.filter((l) => l.level === "error" && l.message.includes("invalid payload"))).toHaveLength(1);
    expect(lines.find((l) => l.message.includes("invalid payload"))?.fields).toEqual({
      fieldErrors: { coachId: [expect.any(String)] },
    });
  });

  it("retries a job whose handler fails, with the attempt number", async () => {
    const jobs = queue();
    const attempts: number[] = [];
    jobs.register(
      "payout.run",
      z.object({ coachId: z.string() }),
      async (_p, job) => {
        attempts.push(job.retryCount);
        if (job.retryCount === 0) throw new Error("Stripe is down");
      },
      { retryLimit: 2, retryDelaySeconds: 0, retryBackoff: false },
    );
    await jobs.start();
    const id = await jobs.send("payout.run", { coachId: "c1" });
    await waitFor("the retry", async () => (await jobRow(id!))?.state === "completed");
    expect(attempts).toEqual([0, 1]);
  });

  it("keeps one queued job per singleton key with the short policy", async () => {
    const jobs = queue();
    jobs.register("hold.expire.once", z.object({ bookingId: z.string() }), async () => undefined, { policy: "short" });
    await jobs.start();
    const first = await jobs.send("hold.expire.once", { bookingId: "b9" }, { startAfter: 60, singletonKey: "b9" });
    const again = await jobs.send("hold.expire.once", { bookingId: "b9" }, { startAfter: 60, singletonKey: "b9" });
    const other = await jobs.send("hold.expire.once", { bookingId: "b10" }, { startAfter: 60, singletonKey: "b10" });
    expect(first).toEqual(expect.any(String));
    expect(again).toBeNull();
    expect(other).toEqual(expect.any(String));
  });

  it("refuses to send before start and after stop, and job types registered after start work", async () => {
    const jobs = queue();
    jobs.register("early.job", z.object({ n: z.number() }), async () => undefined);
    await expect(jobs.send("early.job", { n: 1 })).rejects.toThrow("has not been started");
    await jobs.start();
    const seen: number[] = [];
    jobs.register("late.job", z.object({ n: z.number() }), async ({ n }) => void seen.push(n));
    await jobs.send("late.job", { n: 7 });
    await waitFor("the late job", () => seen.length === 1);
    expect(seen).toEqual([7]);
    await jobs.stop();
    await expect(jobs.send("late.job", { n: 8 })).rejects.toThrow("stopped");
    expect(() => jobs.register("Bad Name", z.object({}), async () => undefined)).toThrow(/Invalid job name/);
  });
});

describe("several nodes starting at once", () => {
  it("all start, each with the same job types, however their queue creation interleaves", async () => {
    const fresh = await createTestDatabase();
    const nodes = Array.from({ length: 4 }, () =>
      createJobQueue({ connectionString: fresh.url, log: createLogger("silent"), pollingIntervalSeconds: 0.5 }),
    );
    try {
      for (const node of nodes) {
        for (const name of ["a.first", "a.second", "a.third"])
          node.register(name, z.object({}), async () => {}, { policy: "short" });
      }
      const results = await Promise.allSettled(nodes.map((n) => n.start()));
      expect(results.map((r) => (r.status === "rejected" ? String(r.reason) : "ok"))).toEqual(["ok", "ok", "ok", "ok"]);
    } finally {
      for (const node of nodes) await node.stop({ graceful: false });
      await fresh.drop();
    }
  }, 60_000);
});
