/**
 * Chat benchmark (docs/performance.md).
 *
 *   npm run bench:chat                       # one JSON line on stdout, progress on stderr
 *   REDIS_URL=redis://127.0.0.1:6379 npm run bench:chat   # adds (d): two nodes behind the Redis adapter
 *
 * Uses the PostgreSQL server of DATABASE_URL when set (a fresh database `tandem_bench_<random>`,
 * dropped at the end) or else a throwaway embedded PostgreSQL. Starts the real server
 * (server/index.ts over the Remix build, as `npm start` does) as a child process, signs members
 * in with real session cookies and drives it through socket.io-client:
 *
 *   (a) latency: one member sends to a two-member thread at a steady BENCH_RATE (default 1,000)
 *       messages/s for BENCH_SECONDS; each message is timed from `chat:send` to the other
 *       member's `chat:message` (so: validated, sealed, sequenced, stored, delivered);
 *   (b) fan-out: messages to a 200-member thread, every member connected; deliveries per second;
 *   (c) loss and duplication: a sender and 20 members of a thread disconnect and reconnect at
 *       random while messages flow; receivers resume with `chat:join` after the last seq they
 *       hold (the ChatPanel's rule) and the sender resends unacknowledged messages with the same
 *       clientMessageId. Afterwards every receiver must hold every seq exactly once;
 *   (d) with REDIS_URL: (a) and (c) again with two server nodes sharing ENCRYPTION_KEYS,
 *       senders on one node and receivers on the other (reconnects switch nodes).
 *
 * Baseline, in the same run: a bare Socket.IO server (a child process, no auth, no database) that
 * relays an event to the other member of a room, driven at the same rate.
 */
import { type ChildProcess, fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { Server } from "socket.io";
import { io as connectSocket, type Socket } from "socket.io-client";
import { resumePoint } from "../app/components/chat/merge.ts";
import type { ChatMessage, ClientToServerEvents, ServerToClientEvents } from "../realtime/contracts.ts";
import { createDb, type Db } from "../server/db/client.ts";
import { applyMigrations } from "../server/db/migrations.ts";
import { hashSessionToken, newSessionToken } from "../server/services/auth/sessions.ts";
import { type RunningServer, startServer } from "../tests/helpers/server.ts";
import { type BenchDatabase, log, runOnFreshDatabase } from "./directory-fixture.ts";

type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const RATE = Number(process.env.BENCH_RATE ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const FANOUT_MEMBERS = 200;
const FANOUT_MESSAGES = Number(process.env.BENCH_FANOUT_MESSAGES ?? 100);
const CHURN_RECEIVERS = 20;
const CHURN_MESSAGES = Number(process.env.BENCH_CHURN_MESSAGES ?? 2000);
const CHURN_RATE = 400;

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
const ms = (n: number) => Math.round(n * 100) / 100;
const sleep = (millis: number) => new Promise((r) => setTimeout(r, millis));
const summary = (samples: number[]) => {
  const s = [...samples].sort((a, b) => a - b);
  return { p50_ms: ms(quantile(s, 0.5)), p99_ms: ms(quantile(s, 0.99)), max_ms: ms(s.at(-1) ?? 0), samples: s.length };
};

// ---- the bare Socket.IO baseline runs in its own process, like the real server ----
if (process.argv.includes("--echo-server")) {
  const server = http.createServer();
  const io = new Server(server, { serveClient: false });
  io.on("connection", (socket) => {
    socket.on("join", async (room: string, ack: () => void) => {
      await socket.join(room);
      ack();
    });
    socket.on("echo", (payload: { room: string }, ack: (r: { ok: true }) => void) => {
      io.to(payload.room).emit("echo", payload);
      ack({ ok: true });
    });
  });
  server.listen(0, "127.0.0.1", () => process.send?.({ port: (server.address() as AddressInfo).port }));
} else {
  await main();
}

/** Calls `fn(i)` for i = 0..total-1 at `rate` per second, evenly (1 ms timer ticks). */
function steady(rate: number, total: number, fn: (i: number) => void): Promise<void> {
  return new Promise((resolve) => {
    const start = performance.now();
    let i = 0;
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
      while (i < due) fn(i++);
      if (i >= total) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
}

function open(url: string, token?: string): Promise<ChatSocket> {
  const socket: ChatSocket = connectSocket(url, {
    path: "/socket.io",
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
    extraHeaders: token ? { cookie: `tandem_session=${token}` } : {},
  });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

async function members(db: Db, tenantId: string, count: number, tag: string) {
  const tokens = Array.from({ length: count }, () => newSessionToken());
  await db.user.createMany({
    data: tokens.map((_, i) => ({ email: `${tag}-${i}@bench.test`, name: `${tag} ${i}`, passwordHash: "-" })),
  });
  const users = await db.user.findMany({
    where: { email: { startsWith: `${tag}-` } },
    select: { id: true, email: true },
  });
  users.sort(
    (a, b) => Number(a.email.split("-").at(-1)!.split("@")[0]) - Number(b.email.split("-").at(-1)!.split("@")[0]),
  );
  await db.membership.createMany({ data: users.map((u) => ({ tenantId, userId: u.id, role: "CLIENT" as const })) });
  const expiresAt = new Date(Date.now() + 86_400_000);
  await db.session.createMany({
    data: users.map((u, i) => ({ userId: u.id, tenantId, tokenHash: hashSessionToken(tokens[i]!), expiresAt })),
  });
  return users.map((u, i) => ({ id: u.id, token: tokens[i]! }));
}

async function thread(db: Db, tenantId: string, kind: "DIRECT" | "GROUP", userIds: string[]) {
  return (
    await db.thread.create({
      data: { tenantId, kind, members: { create: userIds.map((userId) => ({ userId })) } },
      select: { id: true },
    })
  ).id;
}

async function join(socket: ChatSocket, threadId: string, afterSeq = 0) {
  const res = await socket.timeout(10_000).emitWithAck("chat:join", { threadId, afterSeq });
  if (!res.ok) throw new Error(`chat:join refused: ${res.error.message}`);
  return res.data;
}

/** (a) send → stored → delivered latency between two members at a steady rate. */
async function latency(sendUrl: string, receiveUrl: string, db: Db, tenantId: string, tag: string) {
  const [a, b] = await members(db, tenantId, 2, tag);
  const threadId = await thread(db, tenantId, "DIRECT", [a!.id, b!.id]);
  const sender = await open(sendUrl, a!.token);
  const receiver = await open(receiveUrl, b!.token);
  await join(sender, threadId);
  await join(receiver, threadId);
  const sentAt = new Map<string, number>();
  const delivered: number[] = [];
  const acked: number[] = [];
  let failures = 0;
  let done: () => void = () => {};
  const all = new Promise<void>((r) => (done = r));
  const total = RATE * SECONDS;
  receiver.on("chat:message", (m) => {
    const t0 = sentAt.get(m.clientMessageId);
    if (t0 === undefined) return;
    delivered.push(performance.now() - t0);
    if (delivered.length + failures >= total) done();
  });
  // Warm-up (JIT, pools), not timed.
  for (let i = 0; i < 200; i++)
    await sender.emitWithAck("chat:send", { threadId, clientMessageId: `warm-${i}`, text: "warm-up" });
  await sleep(200);
  const started = performance.now();
  await steady(RATE, total, (i) => {
    const id = `m-${i}`;
    const t0 = performance.now();
    sentAt.set(id, t0);
    sender.emit("chat:send", { threadId, clientMessageId: id, text: `message ${i} ${"x".repeat(60)}` }, (res) => {
      if (res.ok) acked.push(performance.now() - t0);
      else if (++failures && delivered.length + failures >= total) done();
    });
  });
  const sendSeconds = (performance.now() - started) / 1000;
  await Promise.race([all, sleep(30_000)]);
  sender.disconnect();
  receiver.disconnect();
  return {
    ...summary(delivered),
    ack: summary(acked),
    sent: total,
    delivered: delivered.length,
    failures,
    achieved_rate: Math.round(total / sendSeconds),
  };
}

/** The same pattern against a bare Socket.IO relay. */
async function echoBaseline() {
  const child: ChildProcess = fork(import.meta.filename, ["--echo-server"], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once("message", (m) => resolve((m as { port: number }).port));
      child.once("exit", (code) => reject(new Error(`echo server exited with ${code}`)));
    });
    const url = `http://127.0.0.1:${port}`;
    const raw = () => connectSocket(url, { transports: ["websocket"], reconnection: false, forceNew: true });
    const [a, b] = [raw(), raw()];
    await Promise.all([a, b].map((s) => new Promise((r) => s.once("connect", () => r(null)))));
    await Promise.all([a, b].map((s) => s.emitWithAck("join", "room")));
    const sentAt = new Map<string, number>();
    const delivered: number[] = [];
    const total = RATE * SECONDS;
    let done: () => void = () => {};
    const all = new Promise<void>((r) => (done = r));
    b.on("echo", (p: { id: string }) => {
      const t0 = sentAt.get(p.id);
      if (t0 === undefined) return;
      delivered.push(performance.now() - t0);
      if (delivered.length >= total) done();
    });
    for (let i = 0; i < 200; i++) await a.emitWithAck("echo", { room: "room", id: `warm-${i}`, text: "warm-up" });
    await steady(RATE, total, (i) => {
      const id = `m-${i}`;
      sentAt.set(id, performance.now());
      a.emit("echo", { room: "room", id, text: `message ${i} ${"x".repeat(60)}` }, () => {});
    });
    await Promise.race([all, sleep(30_000)]);
    a.disconnect();
    b.disconnect();
    return summary(delivered);
  } finally {
    child.kill();
  }
}

/** (b) one sender, a 200-member thread, every member connected. */
async function fanout(url: string, db: Db, tenantId: string) {
  const people = await members(db, tenantId, FANOUT_MEMBERS, "fan");
  const threadId = await thread(
    db,
    tenantId,
    "GROUP",
    people.map((p) => p.id),
  );
  const sockets: ChatSocket[] = [];
  for (let i = 0; i < people.length; i += 20)
    sockets.push(...(await Promise.all(people.slice(i, i + 20).map((p) => open(url, p.token)))));
  await Promise.all(sockets.map((s) => join(s, threadId)));
  const expected = FANOUT_MEMBERS * FANOUT_MESSAGES;
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let last = 0;
  let done: () => void = () => {};
  const all = new Promise<void>((r) => (done = r));
  for (const s of sockets) {
    s.on("chat:message", (m) => {
      const t0 = sentAt.get(m.clientMessageId);
      if (t0 === undefined) return;
      last = performance.now();
      latencies.push(last - t0);
      if (latencies.length >= expected) done();
    });
  }
  const sender = sockets[0]!;
  const started = performance.now();
  await steady(RATE / 10, FANOUT_MESSAGES, (i) => {
    const id = `f-${i}`;
    sentAt.set(id, performance.now());
    sender.emit("chat:send", { threadId, clientMessageId: id, text: `to everyone ${i}` }, () => {});
  });
  await Promise.race([all, sleep(60_000)]);
  for (const s of sockets) s.disconnect();
  return {
    deliveries: latencies.length,
    expected,
    deliveries_per_s: Math.round(latencies.length / ((last - started) / 1000)),
    latency: summary(latencies),
    messages_per_s: RATE / 10,
  };
}

/** (c) random disconnects of the sender and of the receivers; resume by seq, resend by clientMessageId. */
async function churn(urls: string[], db: Db, tenantId: string, tag: string) {
  const people = await members(db, tenantId, CHURN_RECEIVERS + 1, tag);
  const threadId = await thread(
    db,
    tenantId,
    "GROUP",
    people.map((p) => p.id),
  );
  const pick = () => urls[Math.floor(Math.random() * urls.length)]!;
  let stopping = false;
  let reconnects = 0;

  // Receivers: hold messages by seq, count copies of a seq and distinct seqs of one clientMessageId.
  const receivers = people
    .slice(1)
    .map((p) => ({ person: p, bySeq: new Map<number, ChatMessage>(), copies: 0, socket: null as ChatSocket | null }));
  const sorted = (r: (typeof receivers)[number]) => [...r.bySeq.values()].sort((a, b) => a.seq - b.seq);
  const take = (r: (typeof receivers)[number], m: ChatMessage) => {
    if (m.threadId !== threadId) return;
    if (r.bySeq.has(m.seq)) r.copies++;
    else r.bySeq.set(m.seq, m);
  };
  async function connectReceiver(r: (typeof receivers)[number]): Promise<void> {
    // A client that fails to (re)join tries again on a new connection, as the ChatPanel does.
    for (let attempt = 0; ; attempt++) {
      try {
        const socket = await open(pick(), r.person.token);
        socket.on("chat:message", (m) => take(r, m));
        r.socket = socket;
        for (;;) {
          const page = await join(socket, threadId, resumePoint(sorted(r)));
          for (const m of page.messages) take(r, m);
          if (!page.hasMore) return;
        }
      } catch (error) {
        r.socket?.disconnect();
        if (attempt >= 5) throw error;
        await sleep(200);
      }
    }
  }
  await Promise.all(receivers.map(connectReceiver));

  // Sender: resends what was not acknowledged, with the same clientMessageId, after each reconnect.
  const unacked = new Map<string, string>();
  let sender = await open(pick(), people[0]!.token);
  await join(sender, threadId);
  const inFlight = new Set<string>();
  const transmit = (id: string) => {
    if (inFlight.has(id)) return;
    inFlight.add(id);
    sender.timeout(10_000).emit("chat:send", { threadId, clientMessageId: id, text: `churn ${id}` }, (err, res) => {
      inFlight.delete(id);
      if (!err && res.ok) unacked.delete(id);
    });
  };
  const senderChurn = (async () => {
    while (!stopping) {
      await sleep(300 + Math.random() * 700);
      if (stopping) break;
      sender.disconnect();
      inFlight.clear(); // their acks will not come: resend them on the new connection
      await sleep(20 + Math.random() * 200);
      sender = await open(pick(), people[0]!.token).catch(() => open(pick(), people[0]!.token));
      reconnects++;
      for (const id of unacked.keys()) transmit(id);
    }
  })();
  const receiverChurn = receivers.map(async (r) => {
    while (!stopping) {
      await sleep(200 + Math.random() * 1500);
      if (stopping) break;
      r.socket?.disconnect();
      await sleep(20 + Math.random() * 300);
      await connectReceiver(r);
      reconnects++;
    }
  });

  await steady(CHURN_RATE, CHURN_MESSAGES, (i) => {
    const id = `c-${i}`;
    unacked.set(id, id);
    if (sender.connected) transmit(id);
  });
  // Churn stops with the sending; the sender resends what is unacknowledged, then every receiver resumes once more.
  stopping = true;
  await senderChurn;
  await Promise.all(receiverChurn);
  for (let i = 0; i < 300 && unacked.size > 0; i++) {
    if (sender.connected) for (const id of unacked.keys()) transmit(id);
    await sleep(200);
  }
  await sleep(500);
  await Promise.all(
    receivers.map(async (r) => {
      const page = await join(r.socket!, threadId, resumePoint(sorted(r)));
      for (const m of page.messages) take(r, m);
    }),
  );
  await sleep(300);

  const stored = await db.message.findMany({
    where: { threadId, clientMessageId: { startsWith: "c-" } },
    select: { seq: true, clientMessageId: true },
  });
  const storedIds = new Set(stored.map((m) => m.clientMessageId));
  const lastSeq = (await db.thread.findUniqueOrThrow({ where: { id: threadId } })).lastSeq;
  let lost = CHURN_MESSAGES - storedIds.size; // never stored despite resends
  let duplicated = stored.length - storedIds.size; // one clientMessageId stored twice
  let redelivered = 0;
  for (const r of receivers) {
    for (let seq = 1; seq <= lastSeq; seq++) if (!r.bySeq.has(seq)) lost++;
    const ids = new Map<string, number>();
    for (const m of r.bySeq.values()) ids.set(m.clientMessageId, (ids.get(m.clientMessageId) ?? 0) + 1);
    for (const n of ids.values()) if (n > 1) duplicated += n - 1;
    redelivered += r.copies;
    r.socket?.disconnect();
  }
  sender.disconnect();
  return {
    messages: CHURN_MESSAGES,
    receivers: CHURN_RECEIVERS,
    reconnects,
    stored: stored.length,
    lost,
    duplicated,
    redelivered_same_seq: redelivered,
    unacked_at_end: unacked.size,
  };
}

async function main() {
  const servers: RunningServer[] = [];
  await runOnFreshDatabase(async (database) => run(database, servers), {
    onInterrupt: () => Promise.all(servers.map((s) => s.stop())),
  });
}

async function run(database: BenchDatabase, servers: RunningServer[]): Promise<number> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "tandem-bench-chat-"));
  let db: Db | undefined;
  try {
    log("applying migrations");
    await applyMigrations({ connectionString: database.url });
    db = createDb(database.url);
    const tenant = await db.tenant.create({
      data: { name: "Chat benchmark", slug: `bench-${randomBytes(3).toString("hex")}` },
    });
    // Every node must open what the others sealed: one key ring for all of them.
    const env = {
      DATABASE_URL: database.url,
      DATA_DIR: dataDir,
      SEED_DEMO: "false",
      ENCRYPTION_KEYS: `bench:${randomBytes(32).toString("base64")}`,
    };
    log("starting the server");
    const node1 = await startServer(env);
    servers.push(node1);

    log("baseline: bare Socket.IO relay");
    const baseline = await echoBaseline();
    log(`    p50 ${baseline.p50_ms} ms, p99 ${baseline.p99_ms} ms`);
    log(`(a) latency at ${RATE} messages/s for ${SECONDS} s`);
    const a = await latency(node1.url, node1.url, db, tenant.id, "lat");
    log(
      `    p50 ${a.p50_ms} ms, p99 ${a.p99_ms} ms, ack p99 ${a.ack.p99_ms} ms, ${a.delivered}/${a.sent} delivered at ${a.achieved_rate}/s`,
    );
    log(`(b) fan-out to ${FANOUT_MEMBERS} members`);
    const b = await fanout(node1.url, db, tenant.id);
    log(`    ${b.deliveries}/${b.expected} deliveries, ${b.deliveries_per_s}/s, p99 ${b.latency.p99_ms} ms`);
    log(`(c) ${CHURN_MESSAGES} messages while the sender and ${CHURN_RECEIVERS} members reconnect at random`);
    const c = await churn([node1.url], db, tenant.id, "churn");
    log(
      `    lost ${c.lost}, duplicated ${c.duplicated} (${c.reconnects} reconnects, ${c.redelivered_same_seq} same-seq copies dropped by the client)`,
    );

    let d: Record<string, unknown> | null = null;
    if (process.env.REDIS_URL) {
      log("(d) two nodes behind the Redis adapter");
      const node2 = await startServer({ ...env, REDIS_URL: process.env.REDIS_URL });
      servers.push(node2);
      // node1 was started without Redis: restart it with the adapter.
      await node1.stop();
      servers.splice(servers.indexOf(node1), 1);
      const node1r = await startServer({ ...env, REDIS_URL: process.env.REDIS_URL });
      servers.push(node1r);
      const lat = await latency(node1r.url, node2.url, db, tenant.id, "lat2");
      log(`    latency across nodes: p50 ${lat.p50_ms} ms, p99 ${lat.p99_ms} ms (${lat.delivered}/${lat.sent})`);
      const ch = await churn([node1r.url, node2.url], db, tenant.id, "churn2");
      log(`    churn across nodes: lost ${ch.lost}, duplicated ${ch.duplicated} (${ch.reconnects} reconnects)`);
      d = {
        p50_ms: lat.p50_ms,
        p99_ms: lat.p99_ms,
        delivered: lat.delivered,
        sent: lat.sent,
        lost: ch.lost,
        duplicated: ch.duplicated,
        reconnects: ch.reconnects,
      };
    } else {
      log("(d) skipped: REDIS_URL is not set");
    }

    const result = {
      p50_ms: a.p50_ms,
      p99_ms: a.p99_ms,
      baseline_p50_ms: baseline.p50_ms,
      baseline_p99_ms: baseline.p99_ms,
      rate_per_s: RATE,
      achieved_rate_per_s: a.achieved_rate,
      delivered: a.delivered,
      sent: a.sent,
      ack_p99_ms: a.ack.p99_ms,
      fanout_members: FANOUT_MEMBERS,
      fanout_deliveries_per_s: b.deliveries_per_s,
      fanout_p99_ms: b.latency.p99_ms,
      fanout_delivered: b.deliveries,
      fanout_expected: b.expected,
      lost: c.lost + ((d?.lost as number | undefined) ?? 0),
      duplicated: c.duplicated + ((d?.duplicated as number | undefined) ?? 0),
      churn: c,
      two_nodes: d,
      cpus: os.cpus().length,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  } catch (error) {
    // The servers' last words help more than the stack alone (runOnFreshDatabase logs that).
    for (const s of servers) log(s.output().split("\n").slice(-20).join("\n"));
    throw error;
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await db?.$disconnect();
    await rm(dataDir, { recursive: true, force: true });
  }
}
