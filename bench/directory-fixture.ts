/**
 * Data and query mix of the coach directory benchmark (bench/directory.ts, docs/performance.md):
 * a throwaway database, one tenant of 10,000 approved coaches (plus pending and suspended ones)
 * generated from a fixed seed, and the searches people run on the directory page.
 */
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { createTandem } from "../server/app.ts";
import { createDb, type Db } from "../server/db/client.ts";
import { applyMigrations } from "../server/db/migrations.ts";
import { loadEnv } from "../server/env.ts";
import { createJobQueue, type JobQueue } from "../server/jobs/queue.ts";
import { registerJobs } from "../server/jobs/registry.ts";
import { createLogger } from "../server/log.ts";
import type { RealtimeNotifier } from "../server/services/index.ts";
import type { EmbeddedDatabase } from "../server/db/embedded.ts";
import { type TOPICS } from "../server/services/coaches/service.ts";
import type { DirectoryQuery } from "../server/services/directory/service.ts";
import { directoryQuery } from "../server/trpc/routers/directory/index.ts";
import { freePort, withDatabase } from "../tests/setup/global-db.ts";

export const COACHES = 10_000;
const PENDING = 300;
const SUSPENDED = 100;

export const log = (line: string) => void process.stderr.write(`[bench] ${line}\n`);

// ---------------------------------------------------------------------------------------------
// Deterministic data (same seed every run, so that runs compare)

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(20261122);
const int = (min: number, max: number) => min + Math.floor(rand() * (max - min + 1));
const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
const pickSome = <T>(items: readonly T[], n: number): T[] => {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < n && pool.length) out.push(pool.splice(Math.floor(rand() * pool.length), 1)[0] as T);
  return out;
};
const weighted = <T>(entries: readonly (readonly [T, number])[]): T => {
  const total = entries.reduce((s, [, w]) => s + w, 0);
  let r = rand() * total;
  for (const [value, w] of entries) if ((r -= w) < 0) return value;
  return entries[entries.length - 1]![0];
};

const FIRST_NAMES =
  `Aaliyah Aaron Abdul Ada Adam Adrian Ahmed Aisha Alba Alejandro Alex Alice Amara Amelia Amir Ana Anders Andrea Anika Anna Anouk Antonio Arjun Astrid Ava Ayesha Beatriz Ben Bianca Bram Bruno Camila Carla Carlos Caroline Chen Chiara Chloe Claire Daan Daniel Daniela David Diego Dina Elena Elif Eliza Emil Emma Erik Esther Eva Fatima Felix Femke Finn Freya Gabriel Giulia Grace Hana Hannah Harper Hassan Helena Hugo Ibrahim Ida Ines Ingrid Isaac Isabel Ivan Jack Jakob James Jana Javier Jasmine Jesper Joanna Johan Jonas Jorge Jose Julia Julian Karim Karin Kasper Kate Kenji Khalid Lara Laura Lea Leila Lena Leo Liam Lina Lisa Lucas Lucia Luis Maja Malik Marco Maria Marta Mateo Matteo Maya Mei Mia Miguel Mila Mohammed Nadia Naomi Nina Noah Noor Nora Olivia Omar Oscar Paula Pedro Priya Rafael Rania Rosa Ruben Saanvi Sara Sebastian Sofia Sophie Stefan Tariq Thomas Tim Ursula Valentina Victor Wei Willem Yara Yusuf Zara Zoe`.split(
    " ",
  );
const LAST_NAMES =
  `Abbott Adeyemi Ahmed Alvarez Andersen Bakker Becker Bianchi Brown Bruno Castillo Chen Clarke Costa Cruz Da Silva De Boer De Jong De Vries Dekker Diaz Dijkstra Dubois Eriksson Evans Fernandes Fischer Fontaine Garcia Gomez Gonzalez Green Hansen Hassan Hoffmann Horvat Hughes Ivanova Jansen Jensen Johansson Jones Kaya Kim Koch Kowalski Kumar Larsen Laurent Lee Lefebvre Lopez Martin Martinez Meijer Meyer Moreau Moreno Mulder Muller Murphy Nakamura Nguyen Nielsen Novak Okafor Olsen Ortiz Patel Pereira Peters Petrov Popescu Ramos Reyes Ricci Richter Rivera Roberts Romano Rossi Ruiz Santos Sato Schmidt Schneider Schulz Silva Singh Smit Smith Sousa Suzuki Tanaka Taylor Thomas Torres Van Dam Van Dijk Van Leeuwen Visser Wagner Walker Wang Weber Williams Wilson Wolf Wong Yilmaz Young Zhang Zimmermann`
    .split(" ")
    .reduce<string[]>((names, word) => {
      // Re-join the two-word surnames ("De Vries", "Van Dijk", "Da Silva").
      const last = names.at(-1);
      if (last && /^(De|Van|Da)$/.test(last)) names[names.length - 1] = `${last} ${word}`;
      else names.push(word);
      return names;
    }, []);

/** Coaching areas: specialties, the TOPICS they map to, and bio sentences. */
type Topic = (typeof TOPICS)[number];
const AREAS: { specialties: string[]; topics: Topic[]; sentences: string[] }[] = [
  {
    specialties: ["nutrition coaching", "weight management", "plant-based eating", "gut health", "sports nutrition"],
    topics: ["nutrition", "fitness"],
    sentences: [
      "I help clients build sustainable eating habits without strict diets.",
      "Together we look at meal planning, cravings and the stories we tell ourselves about food.",
      "My work draws on plant-based nutrition and the latest research on gut health.",
      "I support busy professionals who want more energy from what they eat.",
      "We focus on small swaps that add up, not on counting every calorie.",
    ],
  },
  {
    specialties: ["strength training", "running", "mobility", "postnatal fitness", "healthy ageing"],
    topics: ["fitness", "stress"],
    sentences: [
      "I design strength and mobility routines that fit around work and family.",
      "Whether you are training for your first 10k or returning after an injury, we build up step by step.",
      "I coach parents who want to feel strong again after pregnancy.",
      "Movement is my favourite tool against stress and low mood.",
      "We set realistic training goals and track progress that you can feel.",
    ],
  },
  {
    specialties: ["career transition", "job search", "interview preparation", "returning to work", "personal branding"],
    topics: ["career", "communication"],
    sentences: [
      "I guide people through career changes, from the first doubt to the first day in a new role.",
      "We work on your CV, your story and how you present yourself in interviews.",
      "Many of my clients are returning to work after a long break or a burnout.",
      "I help graduates and mid-career professionals find work that matches their values.",
      "Negotiating salary and promotions is a skill we can practise together.",
    ],
  },
  {
    specialties: [
      "executive coaching",
      "leadership development",
      "team performance",
      "first-time managers",
      "women in leadership",
    ],
    topics: ["leadership", "communication", "career"],
    sentences: [
      "I coach executives and first-time managers on leading with clarity and care.",
      "My background is twenty years in corporate leadership and organisational psychology.",
      "We work on delegation, difficult conversations and building trust in your team.",
      "I support women in leadership who want to grow their influence without burning out.",
      "Strategic thinking and decision making under pressure are at the heart of my practice.",
    ],
  },
  {
    specialties: ["mindfulness", "meditation", "self-compassion", "anxiety", "resilience"],
    topics: ["mindfulness", "stress"],
    sentences: [
      "I teach practical mindfulness and meditation for people who think they cannot sit still.",
      "Self-compassion is the foundation of lasting change in my sessions.",
      "I help anxious overthinkers notice their patterns and respond rather than react.",
      "We build resilience through short daily practices that fit into real life.",
      "My approach combines breathing techniques with acceptance and commitment therapy.",
    ],
  },
  {
    specialties: ["sleep coaching", "insomnia", "shift work", "energy management"],
    topics: ["sleep", "stress"],
    sentences: [
      "I help people who struggle with insomnia and restless nights sleep better.",
      "We look at routines, light, caffeine and the worries that keep you awake.",
      "Shift workers and new parents get a sleep plan that respects their schedule.",
      "Better sleep is often the quickest way to more energy and a calmer mind.",
    ],
  },
  {
    specialties: ["stress management", "burnout recovery", "work-life balance", "time management"],
    topics: ["stress", "career"],
    sentences: [
      "I specialise in burnout recovery and preventing the next one.",
      "We map what drains you and what restores you, then redesign your week.",
      "Time management and clear boundaries at work are where we usually start.",
      "I work with healthcare workers, teachers and founders under chronic pressure.",
      "Work-life balance is not a fixed ratio; we find the one that works for you.",
    ],
  },
  {
    specialties: ["relationship coaching", "dating", "parenting", "family dynamics", "divorce recovery"],
    topics: ["relationships", "communication"],
    sentences: [
      "I coach couples and individuals who want closer, calmer relationships.",
      "Dating after a divorce or a long relationship can feel daunting; we take it one step at a time.",
      "Parents come to me for support with teenagers, routines and their own wellbeing.",
      "We explore attachment patterns and how they show up in your family.",
    ],
  },
  {
    specialties: ["public speaking", "assertiveness", "presentation skills", "intercultural communication"],
    topics: ["communication", "leadership"],
    sentences: [
      "I help people speak up in meetings and on stage with confidence.",
      "Assertiveness is learnable; we rehearse the conversations you keep postponing.",
      "Presentation skills, storytelling and handling questions are part of every programme.",
      "I support international teams with intercultural communication.",
    ],
  },
  {
    specialties: ["conflict resolution", "mediation", "difficult conversations", "negotiation"],
    topics: ["conflict resolution", "communication", "relationships"],
    sentences: [
      "As a trained mediator I help people resolve conflict at work and at home.",
      "We prepare difficult conversations so that both sides feel heard.",
      "Negotiation is about interests, not positions; I teach a simple framework for it.",
      "I work with teams stuck in recurring disagreements.",
    ],
  },
];
const GENERIC = [
  "Sessions are warm, structured and practical.",
  "I am a certified coach with a background in psychology.",
  "Expect honest feedback and clear next steps after every session.",
  "I have coached more than two hundred clients across Europe.",
  "My clients describe me as calm, curious and direct.",
  "We start with a free introductory call to see whether we are a good fit.",
  "Between sessions you get short exercises and a check-in message.",
  "I believe change happens in small steps that you repeat.",
];
const LANGUAGES: (readonly [string, number])[] = [
  ["en", 60],
  ["nl", 8],
  ["de", 8],
  ["fr", 6],
  ["es", 6],
  ["it", 3],
  ["pt", 3],
  ["pl", 2],
  ["sv", 1],
  ["da", 1],
  ["tr", 1],
  ["ar", 1],
  ["hi", 1],
  ["zh", 1],
  ["ja", 0.5],
];
const CITIES =
  `Amsterdam Rotterdam Utrecht The Hague Eindhoven Groningen Antwerp Brussels Ghent Berlin Hamburg Munich Cologne Frankfurt Vienna Zurich Paris Lyon Madrid Barcelona Lisbon Porto Milan Rome Copenhagen Stockholm Oslo Dublin London Manchester`
    .split(" ")
    .reduce<string[]>((cities, word) => {
      if (cities.at(-1) === "The") cities[cities.length - 1] = `The ${word}`;
      else cities.push(word);
      return cities;
    }, []);
const REMOTE_TYPES = ["VIDEO", "PHONE", "CHAT"] as const;

interface CoachSeed {
  displayName: string;
  bio: string;
  specialties: string[];
  topics: string[];
  languages: string[];
  sessionTypes: ("VIDEO" | "PHONE" | "CHAT" | "IN_PERSON")[];
  location: string | null;
  minPriceMinor: number | null;
  ratingAvg: number;
  ratingCount: number;
  yearsExperience: number;
  certified: boolean;
}

function makeCoach(): CoachSeed {
  const displayName = `${pick(FIRST_NAMES)} ${pick(LAST_NAMES)}`;
  const areas = pickSome(
    AREAS,
    weighted([
      [1, 55],
      [2, 35],
      [3, 10],
    ]),
  );
  const specialties = [...new Set(areas.flatMap((a) => pickSome(a.specialties, int(1, 2))))].slice(0, int(1, 4));
  const topics = [...new Set(areas.flatMap((a) => pickSome(a.topics, int(1, a.topics.length))))].slice(0, 4);
  const sentences = [...areas.flatMap((a) => pickSome(a.sentences, int(1, 3))), ...pickSome(GENERIC, int(1, 3))];
  const languages = new Set<string>();
  if (rand() < 0.82) languages.add("en");
  const wanted = weighted([
    [1, 50],
    [2, 38],
    [3, 12],
  ]);
  while (languages.size < wanted) languages.add(weighted(LANGUAGES));
  const sessionTypes: CoachSeed["sessionTypes"] = pickSome(
    REMOTE_TYPES,
    weighted([
      [1, 40],
      [2, 40],
      [3, 20],
    ]),
  );
  if (!sessionTypes.includes("VIDEO") && rand() < 0.6) sessionTypes.unshift("VIDEO");
  const inPerson = rand() < 0.2;
  if (inPerson) sessionTypes.push("IN_PERSON");
  const ratingCount = rand() < 0.15 ? 0 : Math.floor(Math.pow(rand(), 2.5) * 250) + 1;
  const ratingAvg =
    ratingCount === 0
      ? 0
      : Math.round(Math.min(5, Math.max(1, 5 - Math.pow(rand(), 1.8) * 2.2 + (rand() - 0.5) * 0.4)) * 100) / 100;
  return {
    displayName,
    bio: sentences.join(" "),
    specialties,
    topics,
    languages: [...languages],
    sessionTypes,
    location: inPerson ? pick(CITIES) : null,
    // 2% have no active service yet (no price); the rest 30.00 to 200.00 in steps of 5.00.
    minPriceMinor: rand() < 0.02 ? null : int(6, 40) * 500,
    ratingAvg,
    ratingCount,
    yearsExperience: int(1, 30),
    certified: rand() < 0.1,
  };
}

// ---------------------------------------------------------------------------------------------
// Database lifecycle

export interface BenchDatabase {
  url: string;
  /** Drops the database, stops the embedded server and removes its directory. */
  cleanup(): Promise<void>;
}

/** A fresh `tandem_bench_<random>` database on DATABASE_URL's server, or on a throwaway embedded one. */
export async function openDatabase(): Promise<BenchDatabase> {
  let serverUrl = process.env.DATABASE_URL;
  let embedded: EmbeddedDatabase | undefined;
  let tmp: string | undefined;
  const steps: (() => Promise<void>)[] = [];
  const cleanup = async () => {
    for (const step of steps.reverse()) {
      await step().catch((error: unknown) => log(`cleanup: ${error instanceof Error ? error.message : String(error)}`));
    }
    steps.length = 0;
  };
  try {
    if (!serverUrl) {
      tmp = await mkdtemp(path.join(os.tmpdir(), "tandem-bench-pg-"));
      const dir = tmp;
      steps.push(() => rm(dir, { recursive: true, force: true }));
      // Last resort should the process end some other way.
      process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
      const { startEmbeddedPostgres } = await import("../server/db/embedded.ts");
      log(`DATABASE_URL is not set: starting an embedded PostgreSQL in ${tmp}`);
      // stopOnSignals false: bench/directory.ts cleans up on SIGINT/SIGTERM itself, in order.
      embedded = await startEmbeddedPostgres({
        dataDir: tmp,
        port: await freePort(),
        database: "postgres",
        ephemeral: true,
        stopOnSignals: false,
      });
      const server = embedded;
      steps.push(() => server.stop());
      serverUrl = embedded.adminConnectionString;
    } else {
      log(`using the PostgreSQL at ${new URL(serverUrl).host} (DATABASE_URL)`);
    }
    const name = `tandem_bench_${randomBytes(5).toString("hex")}`;
    const admin = async (sql: string) => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    };
    await admin(`CREATE DATABASE "${name}"`);
    steps.push(async () => {
      await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      log(`dropped database ${name}`);
    });
    log(`created database ${name}`);
    return { url: withDatabase(serverUrl, name), cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Seeding

export async function seed(db: Db): Promise<string> {
  const started = performance.now();
  const tenant = await db.tenant.create({
    data: { name: "Benchmark Coaching", slug: `bench-${randomBytes(3).toString("hex")}` },
  });
  const total = COACHES + PENDING + SUSPENDED;
  const statuses = [
    ...Array<"APPROVED">(COACHES).fill("APPROVED"),
    ...Array<"PENDING">(PENDING).fill("PENDING"),
    ...Array<"SUSPENDED">(SUSPENDED).fill("SUSPENDED"),
  ];
  // Interleaved, as applications arrive over time (Fisher-Yates).
  for (let i = statuses.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [statuses[i], statuses[j]] = [statuses[j]!, statuses[i]!];
  }
  const BATCH = 1000;
  for (let offset = 0; offset < total; offset += BATCH) {
    const n = Math.min(BATCH, total - offset);
    const coaches = Array.from({ length: n }, makeCoach);
    const users = coaches.map((c, i) => ({
      id: crypto.randomUUID(),
      email: `coach-${offset + i}@bench.example`,
      name: c.displayName,
      passwordHash: "!", // never signs in
    }));
    await db.user.createMany({ data: users });
    await db.membership.createMany({
      data: users.map((u) => ({ tenantId: tenant.id, userId: u.id, role: "COACH" as const })),
    });
    const appliedAt = (i: number) => new Date(Date.UTC(2025, 0, 1) + (offset + i) * 45 * 60_000);
    await db.coachProfile.createMany({
      data: coaches.map((c, i) => {
        const status = statuses[offset + i]!;
        return {
          id: crypto.randomUUID(),
          tenantId: tenant.id,
          userId: users[i]!.id,
          status,
          motivation: "I would like to coach clients on this platform.",
          appliedAt: appliedAt(i),
          decidedAt: status === "PENDING" ? null : new Date(appliedAt(i).getTime() + 86_400_000),
          displayName: c.displayName,
          bio: c.bio,
          specialties: c.specialties,
          topics: c.topics,
          languages: c.languages,
          location: c.location,
          timeZone: "Europe/Amsterdam",
          yearsExperience: c.yearsExperience,
          sessionTypes: c.sessionTypes,
          minPriceMinor: c.minPriceMinor,
          ratingAvg: status === "PENDING" ? 0 : c.ratingAvg,
          ratingCount: status === "PENDING" ? 0 : c.ratingCount,
          certifiedAt: status === "APPROVED" && c.certified ? new Date(Date.UTC(2026, 0, 1)) : null,
        };
      }),
    });
    log(`seeded ${Math.min(offset + n, total)}/${total} coach profiles`);
  }
  // Credentials for about a third of the coaches (the "verified" badge is an EXISTS per card).
  await db.$executeRaw`
    INSERT INTO "Credential" ("id", "tenantId", "coachProfileId", "type", "issuer", "expiresOn", "status", "createdAt")
    SELECT gen_random_uuid(), c."tenantId", c."id", 'Coaching certificate', 'ICF',
           CASE WHEN random() < 0.2 THEN current_date - 30 WHEN random() < 0.5 THEN NULL ELSE current_date + 365 END,
           (CASE WHEN random() < 0.7 THEN 'VERIFIED' ELSE 'UNVERIFIED' END)::"CredentialStatus", now()
    FROM "CoachProfile" c WHERE c."tenantId" = ${tenant.id}::uuid AND random() < 0.35`;
  // A few featured coaches, as an admin would curate them.
  await db.$executeRaw`
    UPDATE "CoachProfile" SET "featuredRank" = r.rank
    FROM (SELECT "id", row_number() OVER (ORDER BY "ratingCount" DESC) AS rank FROM "CoachProfile"
          WHERE "tenantId" = ${tenant.id}::uuid AND "status" = 'APPROVED' LIMIT 6) r
    WHERE "CoachProfile"."id" = r."id"`;
  // VACUUM as well as ANALYZE: a live table is kept vacuumed by autovacuum (which PostgreSQL 13+
  // also triggers on inserts), so its visibility map is mostly set (index-only scans) and the
  // GIN indexes' pending lists are merged. Right after a bulk load neither is true, and the plans
  // would describe a state production does not run in.
  await db.$executeRawUnsafe("VACUUM ANALYZE");
  log(`seeded, vacuumed and analysed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return tenant.id;
}

// ---------------------------------------------------------------------------------------------
// The query mix: what people do on the directory page

export interface Shape {
  name: string;
  /** Variants cycle, so that one shape is not one cached answer. */
  variants: DirectoryQuery[];
}

export const SHAPES: Shape[] = [
  { name: "browse_rating_p1", variants: [{}] },
  { name: "browse_rating_p5", variants: [{ page: 5 }] },
  { name: "browse_price_p1", variants: [{ sort: "price" }] },
  { name: "browse_price_p5", variants: [{ sort: "price", page: 5 }] },
  {
    name: "text_word",
    variants: [
      "anxiety",
      "burnout",
      "nutrition",
      "leadership",
      "insomnia",
      "mediation",
      "teenagers",
      "negotiation",
    ].map((q) => ({ q })),
  },
  {
    name: "text_words",
    variants: [
      "career change",
      "public speaking confidence",
      "strength training parents",
      "difficult conversations at work",
    ].map((q) => ({ q })),
  },
  { name: "text_name", variants: ["nadia", "pedro", "ingrid", "okafor"].map((q) => ({ q })) },
  { name: "text_word_p5", variants: ["stress", "career"].map((q) => ({ q, page: 5 })) },
  { name: "text_sort_rating", variants: ["mindfulness", "interview"].map((q) => ({ q, sort: "rating" as const })) },
  { name: "text_sort_price", variants: ["fitness", "relationships"].map((q) => ({ q, sort: "price" as const })) },
  {
    name: "specialty",
    variants: ["executive coaching", "burnout recovery", "running", "mediation"].map((specialty) => ({ specialty })),
  },
  {
    name: "topic",
    variants: (["mindfulness", "career", "sleep", "conflict resolution"] as const).map((topic) => ({ topic })),
  },
  { name: "language_en", variants: [{ language: "en" }] },
  { name: "language_other", variants: ["nl", "de", "fr", "ja"].map((language) => ({ language })) },
  { name: "session_type", variants: (["PHONE", "CHAT", "IN_PERSON"] as const).map((sessionType) => ({ sessionType })) },
  {
    name: "price_range",
    variants: [{ minPriceMinor: 5000, maxPriceMinor: 9000, sort: "price" }, { maxPriceMinor: 6000 }],
  },
  { name: "min_rating", variants: [{ minRating: 4.5 }, { minRating: 4, sort: "price" }] },
  { name: "location", variants: ["amsterdam", "Berlin", "lisbon"].map((location) => ({ location })) },
  {
    name: "combined_text",
    variants: [
      { q: "stress", language: "en", maxPriceMinor: 10000 },
      { q: "leadership", sessionType: "VIDEO", minRating: 4 },
    ],
  },
  {
    name: "combined_filters",
    variants: [
      { specialty: "career transition", topic: "career", sessionType: "VIDEO", minRating: 4 },
      { topic: "fitness", language: "de", maxPriceMinor: 12000, sort: "price" },
      { location: "utrecht", topic: "stress", sort: "price" },
    ],
  },
];

/** Normalise each query exactly as the tRPC procedure does before it calls the service. */
export function parsed(query: DirectoryQuery): DirectoryQuery {
  return directoryQuery.parse(query);
}

/**
 * Runs a benchmark on a fresh database (openDatabase) and removes it afterwards, also when the
 * run is interrupted (SIGINT/SIGTERM: `onInterrupt` first, e.g. stopping child servers, then
 * the database; exit 130). `body` resolves with the exit code; a failure is logged and exits 1.
 */
export async function runOnFreshDatabase(
  body: (database: BenchDatabase) => Promise<number>,
  options: { onInterrupt?: () => Promise<unknown> } = {},
): Promise<void> {
  const opening = openDatabase();
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    log(`${signal}: cleaning up`);
    void Promise.resolve(options.onInterrupt?.())
      .catch(() => {})
      .then(() => opening)
      .then((database) => database.cleanup())
      .catch(() => {})
      .finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const database = await opening;
  let exitCode: number;
  try {
    exitCode = await body(database);
  } catch (error) {
    exitCode = 1;
    if (!interrupted) log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  } finally {
    if (!interrupted) await database.cleanup();
  }
  // When interrupted, the signal handler exits once its cleanup is done.
  if (!interrupted) process.exit(exitCode);
}

/**
 * The app's object graph on the benchmark database (migrated first; silent logs, no realtime). With `jobs`, the pg-boss queue runs as in
 * server/index.ts (job types registered, workers started; the recurring jobs are left out), so
 * that paths which queue jobs pay for it as they do in the app.
 */
export async function benchApp(database: BenchDatabase, options: { jobs?: boolean } = {}) {
  log("applying migrations");
  await applyMigrations({ connectionString: database.url });
  const db = createDb(database.url);
  // DATA_DIR only feeds the local file storage and the local encryption key.
  const env = loadEnv({
    NODE_ENV: "test",
    LOG_LEVEL: "silent",
    SEED_DEMO: "false",
    DATABASE_URL: database.url,
    DATA_DIR: path.join(os.tmpdir(), "tandem-bench-data"),
  });
  const realtime: RealtimeNotifier = {
    disconnectSessions: () => {},
    emitToTenant: () => {},
    emitToUser: () => {},
    emitToThread: () => {},
  };
  const logger = createLogger("silent");
  const jobs: JobQueue | undefined = options.jobs
    ? createJobQueue({ connectionString: database.url, log: logger })
    : undefined;
  const makeTandem = (client: Db) =>
    createTandem({ env, db: client, databaseUrl: database.url, log: logger, realtime, jobs });
  const tandem = makeTandem(db);
  if (jobs) {
    registerJobs(jobs, tandem.services, logger);
    await jobs.start();
  }
  return {
    db,
    tandem,
    makeTandem,
    async close() {
      await jobs?.stop({ graceful: false }).catch(() => {});
      await tandem.close().catch(() => {});
      await db.$disconnect().catch(() => {});
    },
  };
}
