/**
 * Booking benchmark (docs/performance.md).
 *
 *   npm run bench:booking        # one JSON line on stdout, progress on stderr
 *
 * Uses the PostgreSQL server of DATABASE_URL when set (a fresh database `tandem_bench_<random>`,
 * dropped at the end) or else a throwaway embedded PostgreSQL, applies the migrations and drives
 * `tandem.services.bookings`, the code path behind the booking page's "Hold this time":
 *
 *   (a) contention: 100 clients at once try to book overlapping times with one coach; afterwards
 *       the database is asked for overlapping PENDING/CONFIRMED pairs (must be 0);
 *   (b) throughput: clients book distinct free slots of 40 coaches for 10 seconds, 16 at a time;
 *   (c) the slot engine: 30 days of free slots for a coach with weekly hours, date overrides,
 *       buffers, a daily cap and 50 busy bookings.
 *
 * Baseline, measured in the same run through the same Prisma client: `SELECT 1` round trips.
 * Throughput also reports the CPU time per booking of this process and of the host's PostgreSQL
 * processes (Linux, local server), which shows where a booking's cost lies.
 */
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { DateTime } from "luxon";
import type { Tandem } from "../server/app.ts";
import type { Db } from "../server/db/client.ts";
import type { Actor } from "../server/policies/coaching.ts";
import { benchApp, log, runOnFreshDatabase } from "./directory-fixture.ts";

const CONTENDERS = 100;
const THROUGHPUT_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const THROUGHPUT_CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const THROUGHPUT_COACHES = 40;
const SLOT_RUNS = 200;

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
const ms = (n: number) => Math.round(n * 100) / 100;
const sortNum = (xs: number[]) => [...xs].sort((a, b) => a - b);

const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7] as const;

async function createCoach(db: Db, tenantId: string, n: number, availability: Record<string, unknown>) {
  const user = await db.user.create({
    data: { email: `coach-${n}-${randomBytes(3).toString("hex")}@bench.test`, name: `Coach ${n}`, passwordHash: "-" },
  });
  await db.membership.create({ data: { tenantId, userId: user.id, role: "COACH" } });
  const profile = await db.coachProfile.create({
    data: {
      tenantId,
      userId: user.id,
      status: "APPROVED",
      motivation: "-",
      displayName: `Coach ${n}`,
      specialties: [],
      topics: [],
      languages: ["en"],
      sessionTypes: ["VIDEO"],
      timeZone: String(availability.timeZone),
    },
  });
  const service = await db.service.create({
    data: {
      tenantId,
      coachProfileId: profile.id,
      name: "Session",
      priceMinor: 6000,
      currency: "EUR",
      durationMinutes: 30,
      delivery: "ONLINE",
      sessionType: "VIDEO",
    },
  });
  return { user, profile, service, actor: { userId: user.id, tenantId, role: "COACH" } as Actor };
}

async function createClients(db: Db, tenantId: string, count: number): Promise<Actor[]> {
  const tag = randomBytes(3).toString("hex");
  await db.user.createMany({
    data: Array.from({ length: count }, (_, i) => ({
      email: `client-${tag}-${i}@bench.test`,
      name: `Client ${i}`,
      passwordHash: "-",
    })),
  });
  const users = await db.user.findMany({ where: { email: { startsWith: `client-${tag}-` } }, select: { id: true } });
  await db.membership.createMany({ data: users.map((u) => ({ tenantId, userId: u.id, role: "CLIENT" as const })) });
  return users.map((u) => ({ userId: u.id, tenantId, role: "CLIENT" as const }));
}

/**
 * CPU time (ms) used so far by every `postgres` process on this host, from /proc (Linux, a local
 * server); null elsewhere. It counts other databases' work on the same server too, so read it
 * next to a quiet machine's figures only.
 */
function postgresCpuMs(): number | null {
  try {
    const ticksPerMs = 100 / 1000; // USER_HZ is 100 on Linux
    let ticks = 0;
    for (const pid of readdirSync("/proc")) {
      if (!/^\d+$/.test(pid)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      } catch {
        continue; // exited meanwhile
      }
      if (!stat.includes("(postgres)")) continue;
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
    }
    return ticks > 0 ? ticks / ticksPerMs : null;
  } catch {
    return null;
  }
}

async function overlappingPairs(db: Db): Promise<number> {
  const [row] = await db.$queryRaw<{ n: bigint }[]>`
    SELECT count(*) AS n FROM "Booking" a JOIN "Booking" b
      ON a."coachProfileId" = b."coachProfileId" AND a.id < b.id
     AND tstzrange(a."startsAt", a."endsAt") && tstzrange(b."startsAt", b."endsAt")
     WHERE a.status IN ('PENDING', 'CONFIRMED') AND b.status IN ('PENDING', 'CONFIRMED')`;
  return Number(row?.n ?? 0);
}

async function baseline(db: Db, rounds: number) {
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    await db.$queryRaw`SELECT 1`;
    samples.push(performance.now() - t0);
  }
  return sortNum(samples);
}

/** (a) Many clients, one coach, overlapping start times (30-minute sessions every 15 minutes). */
async function contention(tandem: Tandem, db: Db, tenantId: string) {
  const coach = await createCoach(db, tenantId, 0, { timeZone: "Europe/Stockholm" });
  await tandem.services.bookings.setAvailability(coach.actor, {
    timeZone: "Europe/Stockholm",
    weekly: EVERY_DAY.map((weekday) => ({ weekday, start: "09:00", end: "12:00" })),
    overrides: [],
    bufferBeforeMinutes: 0,
    bufferAfterMinutes: 0,
    minNoticeMinutes: 0,
    horizonDays: 30,
    dailyCap: null,
    slotStepMinutes: 15,
  });
  const day = DateTime.now().setZone("Europe/Stockholm").plus({ days: 2 }).startOf("day");
  // 10:00, 10:15, 10:30, 10:45: every pair of neighbours overlaps.
  const starts = [0, 15, 30, 45].map((m) => day.set({ hour: 10, minute: m }).toJSDate());
  const clients = await createClients(db, tenantId, CONTENDERS);
  const outcomes = await Promise.allSettled(
    clients.map((client, i) =>
      tandem.services.bookings.hold(client, {
        serviceId: coach.service.id,
        startsAt: starts[i % starts.length]!,
        topic: "",
        clientNotes: "",
      }),
    ),
  );
  const won = outcomes.filter((o) => o.status === "fulfilled").length;
  const refused = outcomes.filter(
    (o) => o.status === "rejected" && /taken|no longer available/.test(String((o.reason as Error).message)),
  ).length;
  const other = outcomes.length - won - refused;
  if (other)
    log(
      `contention: ${other} attempts failed for another reason: ${String((outcomes.find((o) => o.status === "rejected") as PromiseRejectedResult).reason)}`,
    );
  return { attempts: outcomes.length, won, refused, other };
}

/** (b) Distinct free slots, many coaches, a fixed number of clients booking at once. */
async function throughput(tandem: Tandem, db: Db, tenantId: string) {
  const coaches = [];
  for (let i = 0; i < THROUGHPUT_COACHES; i++) {
    const coach = await createCoach(db, tenantId, i + 1, { timeZone: "America/New_York" });
    await tandem.services.bookings.setAvailability(coach.actor, {
      timeZone: "America/New_York",
      weekly: EVERY_DAY.map((weekday) => ({ weekday, start: "06:00", end: "22:00" })),
      overrides: [],
      bufferBeforeMinutes: 0,
      bufferAfterMinutes: 0,
      minNoticeMinutes: 0,
      horizonDays: 365,
      dailyCap: null,
      slotStepMinutes: 30,
    });
    coaches.push(coach);
  }
  // Non-overlapping starts per coach, interleaved across coaches.
  // 60 days of slots per coach is far more than 10 s of booking can use.
  const until = new Date(Date.now() + 60 * 86_400_000);
  const perCoach = await Promise.all(
    coaches.map((c) => tandem.services.bookings.slotsForService(tenantId, c.service.id, { to: until })),
  );
  const queue: { serviceId: string; startsAt: Date }[] = [];
  for (let i = 0; ; i++) {
    let any = false;
    for (let c = 0; c < coaches.length; c++) {
      const slot = perCoach[c]![i];
      if (slot) {
        queue.push({ serviceId: coaches[c]!.service.id, startsAt: slot.start });
        any = true;
      }
    }
    if (!any) break;
  }
  const clients = await createClients(db, tenantId, THROUGHPUT_CONCURRENCY);
  log(
    `throughput: ${queue.length} free slots across ${coaches.length} coaches, ${THROUGHPUT_CONCURRENCY} clients for ${THROUGHPUT_SECONDS} s`,
  );

  // Warm-up: a few bookings outside the timed window.
  let next = 0;
  for (; next < 20; next++)
    await tandem.services.bookings.hold(clients[0]!, { ...queue[next]!, topic: "", clientNotes: "" });

  const latencies: number[] = [];
  let failures = 0;
  const cpuBefore = process.cpuUsage();
  const postgresBefore = postgresCpuMs();
  const deadline = performance.now() + THROUGHPUT_SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    clients.map(async (client) => {
      while (performance.now() < deadline) {
        // An index, not queue.shift(): shifting a 77,000-element array costs the client noticeably.
        const slot = queue[next++];
        if (!slot) return;
        const t0 = performance.now();
        try {
          await tandem.services.bookings.hold(client, { ...slot, topic: "", clientNotes: "" });
          latencies.push(performance.now() - t0);
        } catch (error) {
          failures++;
          if (failures <= 3)
            log(`throughput: booking failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const postgresAfter = postgresCpuMs();
  const sorted = sortNum(latencies);
  return {
    bookings: latencies.length,
    failures,
    seconds,
    perSecond: latencies.length / seconds,
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    nodeCpuMs: (cpu.user + cpu.system) / 1000 / Math.max(1, latencies.length),
    postgresCpuMs:
      postgresBefore !== null && postgresAfter !== null
        ? (postgresAfter - postgresBefore) / Math.max(1, latencies.length)
        : null,
  };
}

/** (c) 30 days of slots for a coach with every rule and 50 busy bookings. */
async function slotEngine(tandem: Tandem, db: Db, tenantId: string) {
  const coach = await createCoach(db, tenantId, 999, { timeZone: "Australia/Sydney" });
  const zone = "Australia/Sydney";
  const today = DateTime.now().setZone(zone).startOf("day");
  await tandem.services.bookings.setAvailability(coach.actor, {
    timeZone: zone,
    weekly: ([1, 2, 3, 4, 5] as const).flatMap((weekday) => [
      { weekday, start: "08:00", end: "12:00" },
      { weekday, start: "13:00", end: "19:00" },
    ]),
    overrides: [3, 10, 17, 24].map((d) => ({
      date: today.plus({ days: d }).toISODate()!,
      intervals: d === 10 ? [] : [{ start: "10:00", end: "16:00" }],
    })),
    bufferBeforeMinutes: 10,
    bufferAfterMinutes: 10,
    minNoticeMinutes: 120,
    horizonDays: 60,
    dailyCap: 6,
    slotStepMinutes: 15,
  });
  // 50 confirmed bookings spread over the 30 days, inside working hours.
  const rows = [];
  for (let i = 0; i < 50; i++) {
    const start = today.plus({ days: 1 + ((i * 7) % 30) }).set({ hour: 8 + (i % 10), minute: (i % 4) * 15 });
    rows.push({
      tenantId,
      coachProfileId: coach.profile.id,
      clientId: coach.user.id,
      status: "CONFIRMED" as const,
      startsAt: start.toJSDate(),
      endsAt: start.plus({ minutes: 30 }).toJSDate(),
    });
  }
  // Inserted one by one: a generated start may overlap another; the exclusion constraint refuses it.
  let inserted = 0;
  for (const row of rows) {
    try {
      await db.booking.create({ data: row });
      inserted++;
    } catch {
      /* overlapping sample: skipped */
    }
  }
  const from = new Date();
  const to = new Date(from.getTime() + 30 * 86_400_000);
  let count = 0;
  for (let i = 0; i < 20; i++)
    count = (await tandem.services.bookings.slotsForService(tenantId, coach.service.id, { from, to })).length;
  const samples: number[] = [];
  for (let i = 0; i < SLOT_RUNS; i++) {
    const t0 = performance.now();
    await tandem.services.bookings.slotsForService(tenantId, coach.service.id, { from, to });
    samples.push(performance.now() - t0);
  }
  const sorted = sortNum(samples);
  return { busy: inserted, slots: count, p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95) };
}

await runOnFreshDatabase(async (database) => {
  // With the job queue, as in the app (a hold queues no job of its own; see ADR 013).
  const app = await benchApp(database, { jobs: true });
  try {
    const { db, tandem } = app;
    const tenant = await db.tenant.create({
      data: { name: "Booking benchmark", slug: `bench-${randomBytes(3).toString("hex")}` },
    });

    const before = await baseline(db, 200);
    log("(a) contention");
    const a = await contention(tandem, db, tenant.id);
    log(`    ${a.won} of ${a.attempts} won, ${a.refused} told the time was taken`);
    log("(b) throughput");
    const b = await throughput(tandem, db, tenant.id);
    log(`    ${b.bookings} bookings in ${b.seconds.toFixed(1)} s (${b.failures} failed)`);
    log("(c) slot engine");
    const c = await slotEngine(tandem, db, tenant.id);
    log(`    ${c.slots} slots around ${c.busy} busy bookings`);
    const after = await baseline(db, 200);
    const overlaps = await overlappingPairs(db);

    const base = sortNum([...before, ...after]);
    process.stdout.write(
      `${JSON.stringify({
        overlaps,
        contention_attempts: a.attempts,
        contention_won: a.won,
        contention_refused: a.refused,
        contention_other_errors: a.other,
        bookings: b.bookings,
        booking_failures: b.failures,
        bookings_per_s: Math.round(b.perSecond),
        book_p50_ms: ms(b.p50),
        book_p99_ms: ms(b.p99),
        node_cpu_ms_per_booking: ms(b.nodeCpuMs),
        postgres_cpu_ms_per_booking: b.postgresCpuMs === null ? null : ms(b.postgresCpuMs),
        slots_30d_count: c.slots,
        slots_30d_p50_ms: ms(c.p50),
        slots_30d_p95_ms: ms(c.p95),
        baseline_select1_p50_ms: ms(quantile(base, 0.5)),
        baseline_select1_p99_ms: ms(quantile(base, 0.99)),
      })}\n`,
    );
    return overlaps === 0 ? 0 : 2;
  } finally {
    await app.close();
  }
});
