/**
 * Coach directory benchmark (docs/performance.md).
 *
 *   npm run bench:directory                 # one JSON line on stdout, progress on stderr
 *   npm run bench:directory -- --explain    # also EXPLAIN (ANALYZE, BUFFERS) of each query shape, on stderr
 *
 * Uses the PostgreSQL server of DATABASE_URL when set (a fresh database `tandem_bench_<random>`,
 * dropped at the end) or else a throwaway embedded PostgreSQL; applies the migrations, seeds one
 * tenant with 10,000 approved coaches (plus pending and suspended ones), and times
 * `tandem.services.directory.search`, the code path behind the directory page, against
 * `SELECT 1` round trips through the same Prisma client.
 */
import { performance } from "node:perf_hooks";
import type { Tandem } from "../server/app.ts";
import { type Db, Prisma } from "../server/db/client.ts";
import { benchApp, COACHES, log, parsed, runOnFreshDatabase, SHAPES, seed } from "./directory-fixture.ts";

const WARMUP_ROUNDS = 3; // every query shape this many times before timing
const TIMED_QUERIES = 400;
const EXPLAIN = process.argv.includes("--explain");

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
const ms = (n: number) => Math.round(n * 100) / 100;

async function measure(tandem: Tandem, db: Db, tenantId: string) {
  const schedule = SHAPES.map((s) => ({ ...s, variants: s.variants.map(parsed) }));
  const cursor = new Map<string, number>();
  const next = (shape: (typeof schedule)[number]) => {
    const i = cursor.get(shape.name) ?? 0;
    cursor.set(shape.name, i + 1);
    return shape.variants[i % shape.variants.length]!;
  };

  log("warming up");
  for (let round = 0; round < WARMUP_ROUNDS; round++) {
    for (const shape of schedule)
      for (const variant of shape.variants) await tandem.services.directory.search(tenantId, variant);
    await db.$queryRaw`SELECT 1`;
  }
  // Sanity: the mix returns results, and every shape matches something.
  for (const shape of schedule) {
    const result = await tandem.services.directory.search(tenantId, shape.variants[0]!);
    log(
      `  ${shape.name.padEnd(18)} total ${String(result.total).padStart(5)}  first: ${result.results[0]?.displayName ?? "(none)"}`,
    );
  }

  log(`timing ${TIMED_QUERIES} searches and ${TIMED_QUERIES} SELECT 1 round trips, interleaved`);
  const all: number[] = [];
  const baseline: number[] = [];
  const perShape = new Map<string, number[]>();
  for (let i = 0; i < TIMED_QUERIES; i++) {
    const shape = schedule[i % schedule.length]!;
    const query = next(shape);
    let t0 = performance.now();
    await tandem.services.directory.search(tenantId, query);
    const took = performance.now() - t0;
    all.push(took);
    const samples = perShape.get(shape.name) ?? [];
    samples.push(took);
    perShape.set(shape.name, samples);

    t0 = performance.now();
    await db.$queryRaw`SELECT 1`;
    baseline.push(performance.now() - t0);
  }
  all.sort((a, b) => a - b);
  baseline.sort((a, b) => a - b);

  // For context only (not in the JSON): the directory page also loads these on every visit.
  for (const [name, call] of [
    ["featured", () => tandem.services.directory.featured(tenantId)],
    ["facets", () => tandem.services.directory.facets(tenantId)],
  ] as const) {
    const samples: number[] = [];
    for (let i = 0; i < 50; i++) {
      const t0 = performance.now();
      await call();
      samples.push(performance.now() - t0);
    }
    samples.sort((a, b) => a - b);
    log(
      `also on the directory page: ${name} p50 ${ms(quantile(samples, 0.5))} ms, p95 ${ms(quantile(samples, 0.95))} ms`,
    );
  }
  const per_query: Record<string, { p50_ms: number; p95_ms: number }> = {};
  for (const [name, samples] of perShape) {
    samples.sort((a, b) => a - b);
    per_query[name] = { p50_ms: ms(quantile(samples, 0.5)), p95_ms: ms(quantile(samples, 0.95)) };
  }
  return {
    coaches: COACHES,
    queries: all.length,
    p50_ms: ms(quantile(all, 0.5)),
    p95_ms: ms(quantile(all, 0.95)),
    p99_ms: ms(quantile(all, 0.99)),
    max_ms: ms(all.at(-1) ?? 0),
    baseline_p50_ms: ms(quantile(baseline, 0.5)),
    baseline_p95_ms: ms(quantile(baseline, 0.95)),
    per_query,
  };
}

// ---------------------------------------------------------------------------------------------
// EXPLAIN: capture the SQL the service really sends, then explain it with the same parameters

/** A view of the Prisma client that records every `$queryRaw` (the directory's only query). */
function recordingDb(db: Db, sink: Prisma.Sql[]): Db {
  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop === "$queryRaw") {
        return (strings: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) => {
          const sql = Array.isArray(strings)
            ? Prisma.sql(strings as TemplateStringsArray, ...values)
            : (strings as Prisma.Sql);
          sink.push(sql);
          return target.$queryRaw(sql);
        };
      }
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

async function explain(makeTandem: (db: Db) => Tandem, db: Db, tenantId: string) {
  const captured: Prisma.Sql[] = [];
  const recording = makeTandem(recordingDb(db, captured));
  try {
    for (const shape of SHAPES) {
      const query = parsed(shape.variants[0]!);
      captured.length = 0;
      await recording.services.directory.search(tenantId, query);
      const sql = captured[0];
      if (!sql) throw new Error(`No SQL captured for ${shape.name}`);
      const rows = await db.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(
        `EXPLAIN (ANALYZE, BUFFERS) ${sql.text}`,
        ...sql.values,
      );
      process.stderr.write(`\n=== ${shape.name} ${JSON.stringify(query)}\n`);
      if (shape.name === "browse_rating_p1" || shape.name === "text_word" || shape.name === "combined_filters") {
        process.stderr.write(`${sql.text.replace(/^\s*\n/, "")}\n-- parameters: ${JSON.stringify(sql.values)}\n`);
      }
      process.stderr.write(`${rows.map((r) => r["QUERY PLAN"]).join("\n")}\n`);
    }
  } finally {
    await recording.close();
  }
}

// ---------------------------------------------------------------------------------------------

await runOnFreshDatabase(async (database) => {
  const app = await benchApp(database);
  try {
    const { db, tandem, makeTandem } = app;
    const tenantId = await seed(db);
    const result = await measure(tandem, db, tenantId);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    if (EXPLAIN) await explain(makeTandem, db, tenantId);
    return 0;
  } finally {
    await app.close();
  }
});
