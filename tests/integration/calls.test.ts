import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attachRealtime, type Realtime } from "@realtime/server.ts";
import { originAllowed } from "@server/http/origin.ts";
import { createLogger } from "@server/log.ts";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { createCoach, createTenant, createUser } from "../helpers/factories.ts";
import { connect, connected, nextEvent, type TestSocket } from "../helpers/sockets.ts";

let app: TestApp;
let realtime: Realtime;
let server: http.Server;
let url: string;
const sockets: TestSocket[] = [];
const open = async (token: string) => {
  const s = connect(url, token);
  sockets.push(s);
  await connected(s);
  return s;
};

beforeAll(async () => {
  app = await createTestApp();
  server = http.createServer();
  realtime = await attachRealtime(server, {
    auth: app.tandem.services.auth,
    services: app.tandem.services,
    log: createLogger("silent"),
    originAllowed: (origin, host) => originAllowed(undefined, origin, host),
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await realtime?.close();
  await app?.close();
});

/** A confirmed video booking whose room is open now (it started 5 minutes ago on the test clock). */
async function openSession(sessionType: "VIDEO" | "CHAT" = "VIDEO", startsInMs = -5 * 60_000) {
  const tenant = await createTenant(app);
  const coach = await createCoach(app, tenant, { name: "Cas Coach" });
  const client = await createUser(app, tenant, "CLIENT", { name: "Cleo Client" });
  const outsider = await createUser(app, tenant, "CLIENT", { name: "Otto Outsider" });
  const startsAt = new Date(app.clock.now().getTime() + startsInMs);
  const booking = await app.db.booking.create({
    data: {
      tenantId: tenant.id,
      coachProfileId: coach.profile.id,
      clientId: client.user.id,
      serviceId: coach.service!.id,
      status: "CONFIRMED",
      sessionType,
      startsAt,
      endsAt: new Date(startsAt.getTime() + 3_600_000),
    },
  });
  return { tenant, coach, client, outsider, booking };
}

const offer = { type: "offer" as const, sdp: "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n" };

describe("call signalling", () => {
  it("lets the two participants in, relays signals to the other one only, and records attendance", async () => {
    const { coach, client, booking } = await openSession();
    const coachSocket = await open(coach.token);
    const coachTab2 = await open(coach.token);
    const clientSocket = await open(client.token);

    const first = await coachSocket.emitWithAck("call:join", { bookingId: booking.id });
    expect(first).toEqual({ ok: true, data: { peers: [] } });

    const coachSeesClient = nextEvent(coachSocket, "call:peer", (p) => p.present);
    const joined = await clientSocket.emitWithAck("call:join", { bookingId: booking.id });
    expect(joined).toEqual({
      ok: true,
      data: { peers: [{ userId: coach.user.id, name: "Cas Coach", socketId: coachSocket.id }] },
    });
    expect((await coachSeesClient).peer).toEqual({
      userId: client.user.id,
      name: "Cleo Client",
      socketId: clientSocket.id,
    });

    // The client's offer reaches the coach's socket in the call, never the client's own socket nor the coach's other tab.
    const echoes: unknown[] = [];
    clientSocket.on("call:signal", (s) => echoes.push(s));
    coachTab2.on("call:signal", (s) => echoes.push(s));
    const atCoach = nextEvent(coachSocket, "call:signal");
    expect(await clientSocket.emitWithAck("call:signal", { bookingId: booking.id, description: offer })).toEqual({
      ok: true,
      data: null,
    });
    expect(await atCoach).toEqual({
      bookingId: booking.id,
      description: offer,
      from: { userId: client.user.id, name: "Cleo Client", socketId: clientSocket.id },
    });

    const candidate = {
      candidate: "candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host",
      sdpMid: "0",
      sdpMLineIndex: 0,
      usernameFragment: "abcd",
    };
    const atClient = nextEvent(clientSocket, "call:signal");
    expect(
      await coachSocket.emitWithAck("call:signal", { bookingId: booking.id, to: clientSocket.id, candidate }),
    ).toEqual({ ok: true, data: null });
    expect(await atClient).toEqual({
      bookingId: booking.id,
      to: clientSocket.id,
      candidate,
      from: { userId: coach.user.id, name: "Cas Coach", socketId: coachSocket.id },
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(echoes).toHaveLength(1); // only the coach's answer-side candidate reached the client

    const rows = await app.db.attendance.findMany({ where: { bookingId: booking.id }, orderBy: { joinedAt: "asc" } });
    expect(rows.map((r) => [r.userId, r.transport, r.leftAt])).toEqual([
      [coach.user.id, "p2p", null],
      [client.user.id, "p2p", null],
    ]);

    // Leaving tells the other side and closes the attendance row; a disconnect does the same.
    const coachSeesLeave = nextEvent(coachSocket, "call:peer", (p) => !p.present);
    expect(await clientSocket.emitWithAck("call:leave", { bookingId: booking.id })).toEqual({ ok: true, data: null });
    expect((await coachSeesLeave).peer.userId).toBe(client.user.id);
    expect(await clientSocket.emitWithAck("call:signal", { bookingId: booking.id, description: offer })).toMatchObject({
      ok: false,
      error: { code: "FORBIDDEN" },
    });

    await clientSocket.emitWithAck("call:join", { bookingId: booking.id });
    const coachSeesDrop = nextEvent(coachSocket, "call:peer", (p) => !p.present);
    clientSocket.disconnect();
    await coachSeesDrop;
    await expect
      .poll(
        async () =>
          (await app.db.attendance.findMany({ where: { bookingId: booking.id, userId: client.user.id, leftAt: null } }))
            .length,
      )
      .toBe(0);
    expect(await app.db.attendance.count({ where: { bookingId: booking.id, userId: client.user.id } })).toBe(2);
  });

  it("refuses someone who is not a participant, and signals from a socket that has not joined", async () => {
    const { coach, outsider, booking } = await openSession();
    const coachSocket = await open(coach.token);
    await coachSocket.emitWithAck("call:join", { bookingId: booking.id });
    const outsiderSocket = await open(outsider.token);
    const overheard: unknown[] = [];
    outsiderSocket.on("call:signal", (s) => overheard.push(s));
    outsiderSocket.on("call:peer", (s) => overheard.push(s));

    const refused = await outsiderSocket.emitWithAck("call:join", { bookingId: booking.id });
    expect(refused).toEqual({
      ok: false,
      error: { code: "FORBIDDEN", message: expect.stringMatching(/not found|not one of its participants/i) },
    });
    expect(
      await outsiderSocket.emitWithAck("call:signal", { bookingId: booking.id, description: offer }),
    ).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    await coachSocket.emitWithAck("call:signal", { bookingId: booking.id, description: offer });

    // Another tenant's member with a booking id of this tenant: the same refusal.
    const other = await createUser(app, await createTenant(app));
    const otherSocket = await open(other.token);
    expect(await otherSocket.emitWithAck("call:join", { bookingId: booking.id })).toMatchObject({
      ok: false,
      error: { code: "FORBIDDEN" },
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(overheard).toEqual([]);
    expect(
      await app.db.attendance.count({
        where: { bookingId: booking.id, userId: { in: [outsider.user.id, other.user.id] } },
      }),
    ).toBe(0);
  });

  it("refuses before the room opens and for a chat session", async () => {
    const early = await openSession("VIDEO", 60 * 60_000);
    const s = await open(early.client.token);
    expect(await s.emitWithAck("call:join", { bookingId: early.booking.id })).toEqual({
      ok: false,
      error: { code: "FORBIDDEN", message: expect.stringMatching(/opens/) },
    });
    const chat = await openSession("CHAT");
    const c = await open(chat.client.token);
    expect(await c.emitWithAck("call:join", { bookingId: chat.booking.id })).toMatchObject({
      ok: false,
      error: { code: "FORBIDDEN", message: expect.stringMatching(/chat/) },
    });
  });

  it("answers invalid payloads with BAD_REQUEST and relays nothing", async () => {
    const { coach, client, booking } = await openSession();
    const coachSocket = await open(coach.token);
    const clientSocket = await open(client.token);
    await coachSocket.emitWithAck("call:join", { bookingId: booking.id });
    await clientSocket.emitWithAck("call:join", { bookingId: booking.id });
    const received: unknown[] = [];
    coachSocket.on("call:signal", (s) => received.push(s));

    const send = (payload: unknown) => clientSocket.emitWithAck("call:signal", payload as never);
    expect(await clientSocket.emitWithAck("call:join", { bookingId: "nope" })).toMatchObject({
      ok: false,
      error: { code: "BAD_REQUEST", fieldErrors: { bookingId: ["Not a booking id."] } },
    });
    expect(await send({ bookingId: booking.id })).toMatchObject({ ok: false, error: { code: "BAD_REQUEST" } });
    expect(await send({ bookingId: booking.id, description: offer, candidate: { candidate: "x" } })).toMatchObject({
      ok: false,
      error: { code: "BAD_REQUEST" },
    });
    expect(await send({ bookingId: booking.id, description: { type: "pranswer-ish", sdp: "x" } })).toMatchObject({
      ok: false,
      error: { code: "BAD_REQUEST" },
    });
    expect(
      await send({ bookingId: booking.id, description: { type: "offer", sdp: "x".repeat(100_001) } }),
    ).toMatchObject({
      ok: false,
      error: { code: "BAD_REQUEST", fieldErrors: { "description.sdp": ["Session description too large."] } },
    });
    expect(await send({ bookingId: booking.id, candidate: { candidate: "x".repeat(2_001) } })).toMatchObject({
      ok: false,
      error: { code: "BAD_REQUEST" },
    });
    expect(
      await send({ bookingId: booking.id, description: { type: "offer", sdp: "v=0", extra: "no" } }),
    ).toMatchObject({ ok: false, error: { code: "BAD_REQUEST" } });
    await new Promise((r) => setTimeout(r, 200));
    expect(received).toEqual([]);
  });
});
