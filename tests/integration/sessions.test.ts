import { createHash } from "node:crypto";
import { decodeJwt } from "jose";
import { AccessToken, TokenVerifier, WebhookReceiver } from "livekit-server-sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { action as livekitWebhook } from "~/routes/webhooks.livekit.ts";
import { loadKeyring } from "@server/crypto/keyring.ts";
import type { SessionType } from "@server/db/client.ts";
import { createTestApp, type TestApp, withJobQueue } from "../helpers/app.ts";
import { createCoach, createTenant, createUser } from "../helpers/factories.ts";
import { inZone } from "@server/services/format.ts";

const LK = {
  SESSION_IDLE_MINUTES: "43200",
  SESSION_ABSOLUTE_HOURS: "8760",
  LIVEKIT_URL: "wss://livekit.example.test",
  LIVEKIT_API_KEY: "APItandemtest",
  LIVEKIT_API_SECRET: "a-livekit-secret-of-enough-length-0123456789",
};
const MIN = 60_000;
// Monday 1 June 2026, 09:00 UTC.
const T0 = new Date("2026-06-01T09:00:00Z");

let app: TestApp;
let tenant: Awaited<ReturnType<typeof createTenant>>;
let otherTenant: Awaited<ReturnType<typeof createTenant>>;
type C = Awaited<ReturnType<typeof createCoach>>;
type U = Awaited<ReturnType<typeof createUser>>;
let coach: C, coach2: C, coachB: C;
let ann: U, bob: U, clientB: U;
const api = async (u: U) => (await app.as(u.token)).api;

/** A confirmed booking starting `inMinutes` from the clock's now, lasting an hour. */
async function booking(
  c: C,
  clientId: string,
  inMinutes: number,
  options: { sessionType?: SessionType; status?: "PENDING" | "CONFIRMED" | "CANCELLED"; room?: string | null } = {},
) {
  const startsAt = new Date(app.clock.now().getTime() + inMinutes * MIN);
  return app.db.booking.create({
    data: {
      tenantId: c.profile.tenantId,
      coachProfileId: c.profile.id,
      clientId,
      serviceId: c.service?.id ?? null,
      status: options.status ?? "CONFIRMED",
      startsAt,
      endsAt: new Date(startsAt.getTime() + 60 * MIN),
      priceMinor: 0,
      sessionType: options.sessionType ?? "VIDEO",
      room: options.room === undefined ? `room-${crypto.randomUUID()}` : options.room,
      confirmedAt: app.clock.now(),
    },
  });
}

beforeAll(async () => {
  app = await createTestApp(LK);
  app.clock.advance(T0.getTime() - app.clock.now().getTime());
  tenant = await createTenant(app);
  otherTenant = await createTenant(app);
  coach = await createCoach(app, tenant, { name: "Cora Coach" });
  coach2 = await createCoach(app, tenant, { name: "Second Coach" });
  coachB = await createCoach(app, otherTenant, { name: "Beta Coach" });
  ann = await createUser(app, tenant, "CLIENT", { name: "Ann Client" });
  bob = await createUser(app, tenant, "CLIENT", { name: "Bob Client" });
  clientB = await createUser(app, otherTenant, "CLIENT", { name: "Beta Client" });
});
afterAll(() => app?.close());
// Each test starts six hours later, so that its bookings never overlap an earlier test's.
beforeEach(() => app.clock.advance(6 * 60 * MIN));

describe("room access", () => {
  it("opens for the booking's coach and client inside the window, with the peer and the transport", async () => {
    const b = await booking(coach, ann.user.id, 5);
    const asClient = await (await api(ann)).sessions.room({ bookingId: b.id });
    expect(asClient).toMatchObject({
      ok: true,
      role: "client",
      peerUserId: coach.user.id,
      transport: "livekit",
      booking: {
        id: b.id,
        sessionType: "VIDEO",
        coach: { userId: coach.user.id, name: "Cora Coach" },
        client: { userId: ann.user.id, name: "Ann Client" },
      },
    });
    if (!asClient.ok) throw new Error("expected access");
    expect(asClient.opensAt.getTime()).toBe(b.startsAt.getTime() - 10 * MIN);
    expect(asClient.closesAt.getTime()).toBe(b.endsAt.getTime() + 5 * MIN);
    expect(asClient).not.toHaveProperty("booking.room");
    expect(await (await api(coach)).sessions.room({ bookingId: b.id })).toMatchObject({
      ok: true,
      role: "coach",
      peerUserId: ann.user.id,
    });
  });

  it("refuses everyone else, and anyone outside the window, with a reason", async () => {
    const b = await booking(coach, ann.user.id, 5);
    const other = await booking(coach2, bob.user.id, 5 + 120);
    const notFound = {
      ok: false,
      reason: "NOT_FOUND",
      message: "This session was not found, or you are not one of its participants.",
    };
    // The other party of another booking (client and coach), another tenant, a missing id: all alike.
    expect(await (await api(bob)).sessions.room({ bookingId: b.id })).toEqual(notFound);
    expect(await (await api(coach2)).sessions.room({ bookingId: b.id })).toEqual(notFound);
    expect(await (await api(clientB)).sessions.room({ bookingId: b.id })).toEqual(notFound);
    expect(await (await api(coachB)).sessions.room({ bookingId: b.id })).toEqual(notFound);
    expect(await (await api(ann)).sessions.room({ bookingId: crypto.randomUUID() })).toEqual(notFound);
    await expect((await app.as()).api.sessions.room({ bookingId: b.id })).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
    // Too early: the other booking starts in two hours.
    const early = await (await api(bob)).sessions.room({ bookingId: other.id });
    expect(early).toMatchObject({
      ok: false,
      reason: "TOO_EARLY",
      opensAt: new Date(other.startsAt.getTime() - 10 * MIN),
    });
    // The message gives the opening time in the viewer's own zone.
    await app.db.user.update({ where: { id: bob.user.id }, data: { timeZone: "Asia/Tokyo" } });
    const opens = new Intl.DateTimeFormat("en-GB", {
      dateStyle: "full",
      timeStyle: "short",
      timeZone: "Asia/Tokyo",
    }).format(new Date(other.startsAt.getTime() - 10 * MIN));
    expect(await (await api(bob)).sessions.room({ bookingId: other.id })).toMatchObject({
      message: `The room opens 10 minutes before the session starts: ${opens} (Asia/Tokyo).`,
    });
    // Not confirmed, cancelled, in person.
    const pending = await booking(coach, ann.user.id, 200, { status: "PENDING" });
    expect(await (await api(ann)).sessions.room({ bookingId: pending.id })).toMatchObject({
      ok: false,
      reason: "NOT_CONFIRMED",
    });
    const cancelled = await booking(coach, ann.user.id, 300, { status: "CANCELLED" });
    expect(await (await api(ann)).sessions.room({ bookingId: cancelled.id })).toMatchObject({
      ok: false,
      reason: "CANCELLED",
    });
    const inPerson = await booking(coach2, ann.user.id, 5, { sessionType: "IN_PERSON" });
    expect(await (await api(ann)).sessions.room({ bookingId: inPerson.id })).toMatchObject({
      ok: false,
      reason: "IN_PERSON",
    });
  });

  it("closes after the end plus the grace", async () => {
    const b = await booking(coach, ann.user.id, -64); // ended 4 minutes ago: still inside the 5-minute grace
    expect(await (await api(ann)).sessions.room({ bookingId: b.id })).toMatchObject({ ok: true });
    app.clock.advance(1 * MIN);
    expect(await (await api(ann)).sessions.room({ bookingId: b.id })).toMatchObject({ ok: false, reason: "ENDED" });
    app.clock.advance(-1 * MIN);
  });
});

describe("attendance", () => {
  it("records joins and leaves; a second leave changes nothing; strangers cannot join", async () => {
    const b = await booking(coach, ann.user.id, 0);
    const id = await app.tandem.services.sessions.recordJoin({
      tenantId: tenant.id,
      bookingId: b.id,
      userId: ann.user.id,
      transport: "p2p",
    });
    expect(await app.db.attendance.findUniqueOrThrow({ where: { id } })).toMatchObject({
      bookingId: b.id,
      userId: ann.user.id,
      transport: "p2p",
      leftAt: null,
    });
    expect(await app.tandem.services.sessions.recordLeave(id)).toEqual({ closed: true });
    expect(await app.tandem.services.sessions.recordLeave(id)).toEqual({ closed: false });
    await expect(
      app.tandem.services.sessions.recordJoin({
        tenantId: tenant.id,
        bookingId: b.id,
        userId: bob.user.id,
        transport: "p2p",
      }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(
      app.tandem.services.sessions.recordJoin({
        tenantId: otherTenant.id,
        bookingId: b.id,
        userId: ann.user.id,
        transport: "p2p",
      }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("LiveKit tokens", () => {
  const verifier = () => new TokenVerifier(LK.LIVEKIT_API_KEY, LK.LIVEKIT_API_SECRET);
  const cases: [SessionType, string[]][] = [
    ["VIDEO", ["camera", "microphone", "screen_share", "screen_share_audio"]],
    ["PHONE", ["microphone"]],
    ["CHAT", []],
  ];
  for (const [sessionType, sources] of cases) {
    it(`grants ${sessionType} sessions ${sources.join(", ") || "no media"} for coach and client, in the booking's room, with one shared E2EE key`, async () => {
      const b = await booking(coach, ann.user.id, 3, { sessionType });
      const keys: string[] = [];
      for (const [u, role, name] of [
        [coach, "coach", "Cora Coach"],
        [ann, "client", "Ann Client"],
      ] as const) {
        const result = await (await api(u)).sessions.livekitToken({ bookingId: b.id });
        expect(result.url).toBe(LK.LIVEKIT_URL);
        const claims = await verifier().verify(result.token); // signed with our key and secret
        expect(claims).toMatchObject({ sub: u.user.id, iss: LK.LIVEKIT_API_KEY, name });
        expect(JSON.parse(claims.metadata!)).toEqual({ role, bookingId: b.id });
        expect(claims.exp! - claims.nbf!).toBe(600);
        const raw = decodeJwt(result.token) as { video: Record<string, unknown> };
        expect(raw.video).toEqual({
          room: b.room,
          roomJoin: true,
          canSubscribe: true,
          canPublishData: true,
          canPublish: sources.length > 0,
          canPublishSources: sources,
          canUpdateOwnMetadata: false,
          roomAdmin: false,
          hidden: false,
        });
        keys.push(result.e2eeKey);
      }
      expect(Buffer.from(keys[0]!, "base64")).toHaveLength(32);
      expect(keys[1]).toBe(keys[0]);
      // Sealed at rest, bound to this booking: the column is not the key, and opens only with the booking id.
      const sealed = (await app.db.booking.findUniqueOrThrow({ where: { id: b.id } })).e2eeKeySealed!;
      expect(sealed).not.toContain(keys[0]);
      expect(loadKeyring(app.tandem.env).open(Buffer.from(sealed, "base64"), b.id).toString("base64")).toBe(keys[0]);
      expect(() => loadKeyring(app.tandem.env).open(Buffer.from(sealed, "base64"), crypto.randomUUID())).toThrow();
    });
  }

  it("gives each booking its own key, and sets an unguessable room on old bookings without one", async () => {
    const b1 = await booking(coach, ann.user.id, 3, { room: null });
    const b2 = await booking(coach2, bob.user.id, 3);
    const t1 = await (await api(ann)).sessions.livekitToken({ bookingId: b1.id });
    const t2 = await (await api(bob)).sessions.livekitToken({ bookingId: b2.id });
    expect(t1.e2eeKey).not.toBe(t2.e2eeKey);
    const room = (await app.db.booking.findUniqueOrThrow({ where: { id: b1.id } })).room!;
    expect(Buffer.from(room, "base64url")).toHaveLength(16);
    expect((decodeJwt(t1.token) as { video: { room: string } }).video.room).toBe(room);
  });

  it("refuses strangers, other tenants, the wrong time, and says so when LiveKit is not configured", async () => {
    const b = await booking(coach, ann.user.id, 3);
    for (const u of [bob, coach2, clientB])
      await expect((await api(u)).sessions.livekitToken({ bookingId: b.id })).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
    const later = await booking(coach2, ann.user.id, 60);
    await expect((await api(ann)).sessions.livekitToken({ bookingId: later.id })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("opens 10 minutes before"),
    });
    expect((await app.db.booking.findUniqueOrThrow({ where: { id: later.id } })).e2eeKeySealed).toBeNull();
    const plain = await createTestApp({ SESSION_IDLE_MINUTES: "43200", SESSION_ABSOLUTE_HOURS: "8760" });
    try {
      plain.clock.advance(app.clock.now().getTime() - plain.clock.now().getTime());
      const t = await createTenant(plain);
      const c = await createCoach(plain, t);
      const client = await createUser(plain, t);
      const startsAt = new Date(plain.clock.now().getTime() + 3 * MIN);
      const pb = await plain.db.booking.create({
        data: {
          tenantId: t.id,
          coachProfileId: c.profile.id,
          clientId: client.user.id,
          status: "CONFIRMED",
          startsAt,
          endsAt: new Date(startsAt.getTime() + 60 * MIN),
          room: "r-plain",
        },
      });
      expect(await (await plain.as(client.token)).api.sessions.room({ bookingId: pb.id })).toMatchObject({
        ok: true,
        transport: "p2p",
      });
      await expect(
        (await plain.as(client.token)).api.sessions.livekitToken({ bookingId: pb.id }),
      ).rejects.toMatchObject({ code: "PRECONDITION_FAILED", message: expect.stringContaining("not configured") });
    } finally {
      await plain.close();
    }
  });
});

describe("LiveKit webhook", () => {
  let seq = 0;
  const event = (type: string, room: string, identity?: string) =>
    JSON.stringify({
      event: type,
      id: `EV_test_${++seq}_${crypto.randomUUID()}`,
      createdAt: String(Math.floor(app.clock.now().getTime() / 1000)),
      room: { sid: "RM_test", name: room },
      ...(identity ? { participant: { sid: `PA_${identity.slice(0, 8)}`, identity, name: "someone" } } : {}),
    });
  const sign = async (body: string, secret = LK.LIVEKIT_API_SECRET) => {
    const token = new AccessToken(LK.LIVEKIT_API_KEY, secret);
    token.sha256 = createHash("sha256").update(body).digest("base64");
    return token.toJwt();
  };
  const deliver = async (body: string, authorization: string | null) => {
    const headers = new Headers({ "content-type": "application/webhook+json" });
    if (authorization) headers.set("authorization", authorization);
    const request = new Request("http://localhost/webhooks/livekit", { method: "POST", headers, body });
    return livekitWebhook({ request, context: { tandem: app.tandem, clientIp: "127.0.0.1" }, params: {} });
  };

  it("accepts what the SDK's own receiver accepts", async () => {
    const body = event("room_started", "any-room");
    const received = await new WebhookReceiver(LK.LIVEKIT_API_KEY, LK.LIVEKIT_API_SECRET).receive(
      body,
      await sign(body),
    );
    expect(received.event).toBe("room_started");
  });

  it("records joins and leaves as attendance, once per event; refuses tampered and unsigned bodies", async () => {
    const b = await booking(coach, ann.user.id, 0);
    const joined = event("participant_joined", b.room!, ann.user.id);
    const auth = await sign(joined);
    const first = await deliver(joined, auth);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ duplicate: false, outcome: "JOINED" });
    // The same delivery again: 200 and nothing new.
    const replay = await deliver(joined, auth);
    expect(replay.status).toBe(200);
    expect(await replay.json()).toMatchObject({ duplicate: true });
    expect(await app.db.attendance.count({ where: { bookingId: b.id } })).toBe(1);
    expect(await app.db.webhookEvent.count({ where: { provider: "livekit", bookingId: b.id } })).toBe(1);

    // Tampered: the body no longer matches the signed hash. Wrong secret. No signature.
    const tampered = joined.replace(ann.user.id, coach.user.id);
    const bad = await deliver(tampered, auth);
    expect(bad.status).toBe(401);
    expect(await bad.text()).toContain("signature is not valid");
    const other = event("participant_joined", b.room!, coach.user.id);
    expect((await deliver(other, await sign(other, "another-secret-of-enough-length-0123456789"))).status).toBe(401);
    expect((await deliver(other, null)).status).toBe(401);
    expect(await app.db.attendance.count({ where: { bookingId: b.id } })).toBe(1);

    // A stranger's identity in the room is stored but never becomes attendance.
    const stranger = event("participant_joined", b.room!, bob.user.id);
    expect(await (await deliver(stranger, await sign(stranger))).json()).toMatchObject({ outcome: "NOT_PARTICIPANT" });

    app.clock.advance(20 * MIN);
    const left = event("participant_left", b.room!, ann.user.id);
    expect(await (await deliver(left, await sign(left))).json()).toMatchObject({ outcome: "LEFT" });
    const row = await app.db.attendance.findFirstOrThrow({ where: { bookingId: b.id } });
    expect(row).toMatchObject({ userId: ann.user.id, transport: "livekit" });
    expect(row.leftAt!.getTime() - row.joinedAt.getTime()).toBe(20 * MIN);

    // An event stored but never finished (the server failed midway) is finished on redelivery.
    const unfinished = event("participant_joined", b.room!, coach.user.id);
    await app.db.webhookEvent.create({
      data: { provider: "livekit", eventId: JSON.parse(unfinished).id, type: "participant_joined", payload: {} },
    });
    expect(await (await deliver(unfinished, await sign(unfinished))).json()).toMatchObject({
      duplicate: false,
      outcome: "JOINED",
    });
    expect(await (await deliver(unfinished, await sign(unfinished))).json()).toMatchObject({
      duplicate: true,
      outcome: "JOINED",
    });
    await app.db.attendance.deleteMany({ where: { bookingId: b.id, userId: coach.user.id } });

    // room_finished closes whatever is still open.
    const coachJoined = event("participant_joined", b.room!, coach.user.id);
    await deliver(coachJoined, await sign(coachJoined));
    const finished = event("room_finished", b.room!);
    expect(await (await deliver(finished, await sign(finished))).json()).toMatchObject({ outcome: "ROOM_FINISHED:1" });
    expect(await app.db.attendance.count({ where: { bookingId: b.id, leftAt: null } })).toBe(0);
  });
});

describe("outcome after the window", () => {
  const sessions = () => app.tandem.services.sessions;
  const join = (bookingId: string, userId: string, transport: "p2p" | "livekit" = "p2p") =>
    sessions().recordJoin({ tenantId: tenant.id, bookingId, userId, transport });
  /** A session of Cora's starting in 5 minutes that the client paid 50.00 EUR for through the test checkout. */
  async function paidBooking(client: U) {
    const startsAt = new Date(app.clock.now().getTime() + 5 * MIN);
    const b = await app.db.booking.create({
      data: {
        tenantId: tenant.id,
        coachProfileId: coach.profile.id,
        clientId: client.user.id,
        status: "PENDING",
        startsAt,
        endsAt: new Date(startsAt.getTime() + 60 * MIN),
        priceMinor: 5000,
        platformFeeMinor: 500,
        coachPayoutMinor: 4500,
        room: `room-${crypto.randomUUID()}`,
        holdExpiresAt: new Date(app.clock.now().getTime() + 10 * MIN),
      },
    });
    await (await api(client)).payments.payLocal({ bookingId: b.id });
    expect((await app.db.booking.findUniqueOrThrow({ where: { id: b.id } })).status).toBe("CONFIRMED");
    return b;
  }
  /** A paid package of three of Cora's sessions with `credits` left. */
  async function packagePurchase(client: U, credits: number) {
    const pkg = await app.db.package.create({
      data: {
        tenantId: tenant.id,
        coachProfileId: coach.profile.id,
        serviceId: coach.service!.id,
        name: "Three sessions",
        sessionCount: 3,
        priceMinor: 15000,
        currency: "EUR",
      },
    });
    return app.db.packagePurchase.create({
      data: {
        tenantId: tenant.id,
        packageId: pkg.id,
        clientId: client.user.id,
        coachProfileId: coach.profile.id,
        serviceId: coach.service!.id,
        status: "PAID",
        sessionsTotal: 3,
        creditsRemaining: credits,
        priceMinor: 15000,
        platformFeeMinor: 2250,
        coachPayoutMinor: 12750,
        currency: "EUR",
        paidAt: app.clock.now(),
      },
    });
  }

  it("completes a session both attended, with each person's minutes, and tells the coach; repeating changes nothing", async () => {
    const b = await booking(coach, ann.user.id, 0);
    const c1 = await join(b.id, coach.user.id, "livekit");
    app.clock.advance(2 * MIN);
    const a1 = await join(b.id, ann.user.id);
    app.clock.advance(30 * MIN);
    await sessions().recordLeave(a1);
    app.clock.advance(5 * MIN);
    await join(b.id, ann.user.id); // came back, still there when the room closes
    expect(await sessions().decideOutcome(b.id)).toEqual({ outcome: "NOT_DUE" });
    app.clock.advance(30 * MIN); // 67 minutes after the start: the room closed at 65
    await sessions().recordLeave(c1);
    const result = await sessions().decideOutcome(b.id);
    expect(result.outcome).toBe("COMPLETED");
    const after = await app.db.booking.findUniqueOrThrow({ where: { id: b.id } });
    expect(after.status).toBe("COMPLETED");
    expect(after.outcomeAt).toEqual(app.clock.now());
    // Coach: 0–65 (the room's close) = 65 min; client: 2–32 and 37–65 = 58 min.
    expect(after.outcomeSummary).toBe("Cora Coach: attended, 65 min. Ann Client: attended, 58 min.");
    const note = await app.db.notification.findFirstOrThrow({
      where: { userId: coach.user.id, kind: "session.completed" },
      orderBy: { createdAt: "desc" },
    });
    expect(note).toMatchObject({ title: "Session completed", body: after.outcomeSummary, link: `/bookings/${b.id}` });
    expect(await sessions().decideOutcome(b.id)).toEqual({ outcome: "ALREADY_DECIDED" });
    expect(await app.db.notification.count({ where: { userId: coach.user.id, kind: "session.completed" } })).toBe(1);
  });

  it("marks a no-show when the client never came (no refund)", async () => {
    const b = await booking(coach, ann.user.id, -70);
    await app.db.attendance.create({
      data: {
        tenantId: tenant.id,
        bookingId: b.id,
        userId: coach.user.id,
        transport: "p2p",
        joinedAt: b.startsAt,
        leftAt: new Date(b.startsAt.getTime() + 20 * MIN),
      },
    });
    // Attendance of the client at another time does not count.
    await app.db.attendance.create({
      data: {
        tenantId: tenant.id,
        bookingId: b.id,
        userId: ann.user.id,
        transport: "p2p",
        joinedAt: new Date(b.startsAt.getTime() - 60 * MIN),
        leftAt: new Date(b.startsAt.getTime() - 30 * MIN),
      },
    });
    expect(await sessions().decideOutcome(b.id)).toMatchObject({ outcome: "NO_SHOW" });
    const after = await app.db.booking.findUniqueOrThrow({ where: { id: b.id } });
    expect(after).toMatchObject({
      status: "NO_SHOW",
      outcomeSummary: "Cora Coach: attended, 20 min. Ann Client: did not join.",
    });
    expect(await app.db.ledgerEntry.count({ where: { bookingId: b.id, kind: "REFUND" } })).toBe(0);
    expect(await app.db.notification.count({ where: { userId: coach.user.id, kind: "session.no_show" } })).toBe(1);
    // The client is told too, in-app and by mail; a free session has no refund to speak of.
    const toClient = await app.db.notification.findMany({
      where: { userId: ann.user.id, link: `/bookings/${b.id}`, NOT: { kind: "booking.confirmed" } },
    });
    expect(toClient).toEqual([
      expect.objectContaining({
        kind: "session.no_show",
        title: "Your session was recorded as a no-show",
        readAt: null,
      }),
    ]);
    expect(toClient[0]!.body).toBe(
      `You did not join your session with Cora Coach on ${inZone(b.startsAt, "UTC")}, so it was recorded as a no-show. If you think this is wrong, write to your coach from the booking page.`,
    );
    expect(
      await app.db.outboxMessage.count({ where: { to: ann.email, subject: "Your session was recorded as a no-show" } }),
    ).toBe(1);
    expect(await sessions().decideOutcome(b.id)).toEqual({ outcome: "ALREADY_DECIDED" });
    expect(
      await app.db.notification.count({
        where: { userId: ann.user.id, link: `/bookings/${b.id}`, NOT: { kind: "booking.confirmed" } },
      }),
    ).toBe(1);
  });

  it("tells a client who paid and missed the session, in their own zone, that no refund is given (in-app and by mail)", async () => {
    const dee = await createUser(app, tenant, "CLIENT", { name: "Dee Client" });
    await app.db.user.update({ where: { id: dee.user.id }, data: { timeZone: "Europe/Amsterdam" } });
    const b = await paidBooking(dee);
    app.clock.advance(70 * MIN); // nobody came; the room closed
    expect(await sessions().decideOutcome(b.id)).toMatchObject({ outcome: "NO_SHOW" });
    expect(await app.db.ledgerEntry.count({ where: { bookingId: b.id, kind: "REFUND" } })).toBe(0);
    const note = await app.db.notification.findFirstOrThrow({
      where: { userId: dee.user.id, kind: "session.no_show" },
    });
    expect(note).toMatchObject({
      title: "Your session was recorded as a no-show",
      link: `/bookings/${b.id}`,
      readAt: null,
    });
    expect(note.body).toBe(
      `You did not join your session with Cora Coach on ${inZone(b.startsAt, "Europe/Amsterdam")}, so it was recorded as a no-show. Under the cancellation policy, no refund is given for a missed session. If you think this is wrong, write to your coach from the booking page.`,
    );
    const mail = await app.db.outboxMessage.findFirstOrThrow({
      where: { to: dee.email, subject: "Your session was recorded as a no-show" },
    });
    expect(mail.text).toContain("no refund is given for a missed session");
    expect(mail.text).toContain(`/bookings/${b.id}`);
  });

  it("tells a client who missed a session booked with a package credit that the credit is not returned", async () => {
    const eve = await createUser(app, tenant, "CLIENT", { name: "Eve Client" });
    const purchase = await packagePurchase(eve, 2);
    const b = await app.db.booking.update({
      where: { id: (await booking(coach, eve.user.id, -70)).id },
      data: { packagePurchaseId: purchase.id },
    });
    expect(await sessions().decideOutcome(b.id)).toMatchObject({ outcome: "NO_SHOW" });
    expect((await app.db.packagePurchase.findUniqueOrThrow({ where: { id: purchase.id } })).creditsRemaining).toBe(2);
    const note = await app.db.notification.findFirstOrThrow({
      where: { userId: eve.user.id, kind: "session.no_show" },
    });
    expect(note.body).toContain(
      "so it was recorded as a no-show. Under the cancellation policy, a missed session uses its package credit: the credit is not returned.",
    );
    expect(
      await app.db.outboxMessage.count({ where: { to: eve.email, subject: "Your session was recorded as a no-show" } }),
    ).toBe(1);
  });

  it("cancels with a full refund, as the coach's cancellation, when only the client came", async () => {
    const startsAt = new Date(app.clock.now().getTime() + 5 * MIN);
    const b = await app.db.booking.create({
      data: {
        tenantId: tenant.id,
        coachProfileId: coach.profile.id,
        clientId: ann.user.id,
        status: "PENDING",
        startsAt,
        endsAt: new Date(startsAt.getTime() + 60 * MIN),
        priceMinor: 5000,
        platformFeeMinor: 500,
        coachPayoutMinor: 4500,
        room: `room-${crypto.randomUUID()}`,
        holdExpiresAt: new Date(app.clock.now().getTime() + 10 * MIN),
      },
    });
    await (await api(ann)).payments.payLocal({ bookingId: b.id });
    expect((await app.db.booking.findUniqueOrThrow({ where: { id: b.id } })).status).toBe("CONFIRMED");
    app.clock.advance(5 * MIN);
    const a1 = await join(b.id, ann.user.id);
    app.clock.advance(15 * MIN);
    await sessions().recordLeave(a1);
    app.clock.advance(60 * MIN);
    expect(await sessions().decideOutcome(b.id)).toMatchObject({ outcome: "COACH_ABSENT" });
    const after = await app.db.booking.findUniqueOrThrow({ where: { id: b.id } });
    expect(after).toMatchObject({
      status: "CANCELLED",
      cancelledById: coach.user.id,
      cancellationReason: "The coach did not join the session.",
      outcomeSummary: "Cora Coach: did not join. Ann Client: attended, 15 min.",
    });
    expect(await app.db.ledgerEntry.findFirst({ where: { bookingId: b.id, kind: "REFUND" } })).toMatchObject({
      amountMinor: 5000,
    });
    const toClient = await app.db.notification.findMany({
      where: { userId: ann.user.id, link: `/bookings/${b.id}`, NOT: { kind: "booking.confirmed" } },
    });
    expect(toClient).toEqual([
      expect.objectContaining({ kind: "booking.cancelled", title: "Your coach missed the session" }),
    ]);
    expect(toClient[0]!.body).toBe(
      `Cora Coach did not join your session on ${inZone(b.startsAt, "UTC")}, so it is cancelled. You are refunded in full: 50.00 EUR.`,
    );
    expect(
      (
        await app.db.outboxMessage.findFirstOrThrow({
          where: { to: ann.email, subject: "Your coach missed the session" },
        })
      ).text,
    ).toContain("You are refunded in full: 50.00 EUR.");
    expect(await app.db.notification.count({ where: { userId: coach.user.id, kind: "session.coach_absent" } })).toBe(1);
    expect(await sessions().decideOutcome(b.id)).toEqual({ outcome: "ALREADY_DECIDED" });
    expect(
      await app.db.notification.count({
        where: { userId: ann.user.id, link: `/bookings/${b.id}`, NOT: { kind: "booking.confirmed" } },
      }),
    ).toBe(1);
  });

  it("returns the package credit when only the client came to a session booked with one, and tells the client", async () => {
    const fay = await createUser(app, tenant, "CLIENT", { name: "Fay Client" });
    const purchase = await packagePurchase(fay, 2);
    const b = await app.db.booking.update({
      where: { id: (await booking(coach, fay.user.id, -70)).id },
      data: { packagePurchaseId: purchase.id },
    });
    await app.db.attendance.create({
      data: {
        tenantId: tenant.id,
        bookingId: b.id,
        userId: fay.user.id,
        transport: "p2p",
        joinedAt: b.startsAt,
        leftAt: new Date(b.startsAt.getTime() + 15 * MIN),
      },
    });
    expect(await sessions().decideOutcome(b.id)).toMatchObject({ outcome: "COACH_ABSENT" });
    expect((await app.db.booking.findUniqueOrThrow({ where: { id: b.id } })).status).toBe("CANCELLED");
    expect((await app.db.packagePurchase.findUniqueOrThrow({ where: { id: purchase.id } })).creditsRemaining).toBe(3);
    const note = await app.db.notification.findFirstOrThrow({
      where: { userId: fay.user.id, link: `/bookings/${b.id}`, NOT: { kind: "booking.confirmed" } },
    });
    expect(note).toMatchObject({ kind: "booking.cancelled", title: "Your coach missed the session" });
    expect(note.body).toBe(
      `Cora Coach did not join your session on ${inZone(b.startsAt, "UTC")}, so it is cancelled. Your package credit is returned, so you can book another session with it.`,
    );
    expect(
      await app.db.outboxMessage.count({ where: { to: fay.email, subject: "Your coach missed the session" } }),
    ).toBe(1);
    expect(await app.db.notification.count({ where: { userId: fay.user.id, kind: "session.no_show" } })).toBe(0);
  });

  it("sweeps every confirmed booking whose room closed without an outcome, and leaves the rest", async () => {
    const done = await booking(coach, ann.user.id, -70);
    const running = await booking(coach2, bob.user.id, -30);
    const inPerson = await booking(coach2, ann.user.id, -200, { sessionType: "IN_PERSON" });
    const { results } = await sessions().decideDueOutcomes();
    expect(results[done.id]).toBe("NO_SHOW");
    expect(results[inPerson.id]).toBe("COMPLETED");
    expect(results[running.id]).toBeUndefined();
    expect((await app.db.booking.findUniqueOrThrow({ where: { id: running.id } })).status).toBe("CONFIRMED");
    expect((await app.db.booking.findUniqueOrThrow({ where: { id: inPerson.id } })).outcomeSummary).toBe(
      "In-person session: attendance is not recorded online.",
    );
    expect(Object.keys((await sessions().decideDueOutcomes()).results)).not.toContain(done.id);
  });

  it("is scheduled through the job queue when a booking is confirmed, and decided when its job runs", async () => {
    const { jobs, tandem: withJobs, stop } = await withJobQueue(app);
    try {
      const startsAt = new Date(app.clock.now().getTime() + 30 * MIN);
      const b = await app.db.booking.create({
        data: {
          tenantId: tenant.id,
          coachProfileId: coach.profile.id,
          clientId: ann.user.id,
          status: "PENDING",
          startsAt,
          endsAt: new Date(startsAt.getTime() + 60 * MIN),
          room: `room-${crypto.randomUUID()}`,
        },
      });
      await withJobs.services.bookings.confirmPaid(b.id);
      const [queued] = await app.db.$queryRawUnsafe<{ start_after: Date }[]>(
        `SELECT start_after FROM pgboss.job WHERE name = 'sessions.outcome' AND data->>'bookingId' = $1`,
        b.id,
      );
      expect(queued?.start_after).toEqual(new Date(b.endsAt.getTime() + 5 * MIN));
      await join(b.id, coach.user.id);
      await join(b.id, ann.user.id);
      app.clock.advance(2 * 60 * MIN);
      await jobs.send("sessions.outcome", { bookingId: b.id });
      const deadline = Date.now() + 15_000;
      let status: string = "CONFIRMED";
      while (status === "CONFIRMED" && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        status = (await app.db.booking.findUniqueOrThrow({ where: { id: b.id } })).status;
      }
      expect(status).toBe("COMPLETED");
    } finally {
      await stop();
    }
  }, 40_000);
});
