import { beforeAll, describe, expect, it } from "vitest";
import type { ChatMessage } from "@realtime/contracts.ts";
import { createCoach, createCompletedBooking, createTenant, createUser } from "../helpers/factories.ts";
import { useRealtimeServer } from "../helpers/realtime-server.ts";
import { nextEvent, type TestSocket } from "../helpers/sockets.ts";

const stack = useRealtimeServer();
const open = (token: string) => stack.open(token);

let tenant: Awaited<ReturnType<typeof createTenant>>;
let coach: Awaited<ReturnType<typeof createCoach>>;
let client: Awaited<ReturnType<typeof createUser>>;

beforeAll(async () => {
  tenant = await createTenant(stack.app);
  coach = await createCoach(stack.app, tenant, { name: "Coach Cleo" });
  client = await createUser(stack.app, tenant, "CLIENT", { name: "Client Cal" });
});

async function newThread() {
  const booking = await createCompletedBooking(stack.app, coach, client.user.id);
  return (
    await stack.app.tandem.services.sessions.sessionThread({ userId: client.user.id, tenantId: tenant.id }, booking.id)
  ).threadId;
}

/** Everything a socket receives for a thread, in arrival order. */
function collect(socket: TestSocket, threadId: string) {
  const received: ChatMessage[] = [];
  socket.on("chat:message", (m) => m.threadId === threadId && received.push(m));
  return received;
}

describe("chat over Socket.IO", () => {
  it("acknowledges a send with its seq and delivers it to the other member", async () => {
    const threadId = await newThread();
    const [c, k] = await Promise.all([open(client.token), open(coach.token)]);
    expect(await c.emitWithAck("chat:join", { threadId, afterSeq: 0 })).toEqual({
      ok: true,
      data: { messages: [], hasMore: false, lastSeq: 0, reads: expect.any(Array) },
    });
    expect(await k.emitWithAck("chat:join", { threadId, afterSeq: 0 })).toMatchObject({ ok: true });
    const delivered = nextEvent(k, "chat:message", (m) => m.threadId === threadId);
    const ack = await c.emitWithAck("chat:send", { threadId, clientMessageId: "hello-1", text: "Hello coach" });
    expect(ack).toEqual({ ok: true, data: { seq: 1, id: expect.any(String), createdAt: expect.any(String) } });
    const message = await delivered;
    expect(message).toMatchObject({
      seq: 1,
      text: "Hello coach",
      senderId: client.user.id,
      clientMessageId: "hello-1",
    });
    if (ack.ok) expect(message.id).toBe(ack.data.id);

    // A resend after a lost ack gets the same answer and is not delivered again.
    const coachSees = collect(k, threadId);
    const again = await c.emitWithAck("chat:send", { threadId, clientMessageId: "hello-1", text: "Hello coach" });
    expect(again).toEqual(ack);
    await k.emitWithAck("chat:send", { threadId, clientMessageId: "reply", text: "Hi!" });
    await new Promise((r) => setTimeout(r, 100));
    expect(coachSees.map((m) => m.seq)).toEqual([2]);
  });

  it("refuses non-members and bad payloads with codes", async () => {
    const threadId = await newThread();
    const outsider = await createUser(stack.app, tenant);
    const o = await open(outsider.token);
    expect(await o.emitWithAck("chat:join", { threadId, afterSeq: 0 })).toMatchObject({
      ok: false,
      error: { code: "FORBIDDEN" },
    });
    expect(await o.emitWithAck("chat:send", { threadId, clientMessageId: "x", text: "let me in" })).toMatchObject({
      ok: false,
      error: { code: "FORBIDDEN" },
    });
    expect(await o.emitWithAck("chat:read", { threadId, seq: 1 })).toMatchObject({
      ok: false,
      error: { code: "FORBIDDEN" },
    });
    expect(await o.emitWithAck("chat:typing", { threadId, typing: true })).toMatchObject({
      ok: false,
      error: { code: "FORBIDDEN" },
    });
    const c = await open(client.token);
    const bad = await c.emitWithAck("chat:send", { threadId, clientMessageId: "", text: "" } as never);
    expect(bad).toMatchObject({ ok: false, error: { code: "BAD_REQUEST" } });
    if (bad.ok) throw new Error("unreachable");
    expect(Object.keys(bad.error.fieldErrors ?? {})).toContain("clientMessageId");
    expect(await c.emitWithAck("chat:join", { threadId: "nope", afterSeq: -1 } as never)).toMatchObject({
      ok: false,
      error: { code: "BAD_REQUEST", fieldErrors: { threadId: expect.any(Array), afterSeq: expect.any(Array) } },
    });
    expect(await stack.app.db.message.count({ where: { threadId } })).toBe(0);
  });

  it("resumes after a disconnect from the last seq seen, without loss or duplicates", async () => {
    const threadId = await newThread();
    const k = await open(coach.token);
    await k.emitWithAck("chat:join", { threadId, afterSeq: 0 });
    let c = await open(client.token);
    const seen = new Map<number, ChatMessage>();
    let copies = 0;
    const take = (m: ChatMessage) => {
      if (m.threadId !== threadId) return;
      if (seen.has(m.seq)) copies++;
      seen.set(m.seq, m);
    };
    c.on("chat:message", take);
    await c.emitWithAck("chat:join", { threadId, afterSeq: 0 });

    let sent = 0;
    const send = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const res = await k.emitWithAck("chat:send", {
          threadId,
          clientMessageId: `m-${++sent}`,
          text: `message ${sent}`,
        });
        expect(res.ok).toBe(true);
      }
    };
    await send(10);
    await new Promise((r) => setTimeout(r, 100));
    expect([...seen.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));

    // Offline while 15 more are sent; messages keep flowing while the client comes back.
    c.disconnect();
    await send(15);
    const during = send(15);
    c = await open(client.token);
    c.on("chat:message", take);
    const last = Math.max(...seen.keys());
    const joined = await c.emitWithAck("chat:join", { threadId, afterSeq: last });
    if (!joined.ok) throw new Error(joined.error.message);
    expect(joined.data.messages[0]?.seq).toBe(last + 1);
    for (const m of joined.data.messages) take(m);
    await during;
    await new Promise((r) => setTimeout(r, 200));

    const seqs = [...seen.keys()].sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(seqs.map((s) => seen.get(s)!.text)).toEqual(Array.from({ length: 40 }, (_, i) => `message ${i + 1}`));
    // Overlap between the resume answer and live delivery is possible only for messages sent while joining.
    expect(copies).toBeLessThanOrEqual(15);
    expect(await stack.app.db.message.count({ where: { threadId } })).toBe(40);
  });

  it("relays typing and read receipts to the other member", async () => {
    const threadId = await newThread();
    const [c, k] = await Promise.all([open(client.token), open(coach.token)]);
    await Promise.all([
      c.emitWithAck("chat:join", { threadId, afterSeq: 0 }),
      k.emitWithAck("chat:join", { threadId, afterSeq: 0 }),
    ]);
    const typing = nextEvent(k, "chat:typing", (p) => p.threadId === threadId);
    c.emit("chat:typing", { threadId, typing: true });
    expect(await typing).toEqual({ threadId, userId: client.user.id, name: "Client Cal", typing: true });

    await k.emitWithAck("chat:send", { threadId, clientMessageId: "r1", text: "Read me" });
    const receipt = nextEvent(k, "chat:read", (p) => p.threadId === threadId);
    expect(await c.emitWithAck("chat:read", { threadId, seq: 1 })).toEqual({ ok: true, data: { lastReadSeq: 1 } });
    expect(await receipt).toEqual({ threadId, userId: client.user.id, lastReadSeq: 1 });
    // Going back is ignored.
    expect(await c.emitWithAck("chat:read", { threadId, seq: 0 })).toEqual({ ok: true, data: { lastReadSeq: 1 } });
  });
});

describe("broadcasts from the chat service", () => {
  it("delivers a message stored without a socket (tRPC, a job) to the members who joined", async () => {
    const threadId = await newThread();
    const k = await open(coach.token);
    expect(await k.emitWithAck("chat:join", { threadId, afterSeq: 0 })).toMatchObject({ ok: true });
    const delivered = nextEvent(k, "chat:message", (m) => m.threadId === threadId);
    const { message } = await stack.app.tandem.services.chat.send(
      { userId: client.user.id, tenantId: tenant.id },
      { threadId, clientMessageId: "from-a-job", text: "Stored by the service" },
    );
    expect(await delivered).toEqual(message);
  });
});
