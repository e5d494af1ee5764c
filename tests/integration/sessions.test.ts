import { createHash } from "node:crypto";
import { decodeJwt } from "jose";
import { AccessToken, TokenVerifier, WebhookReceiver } from "livekit-server-sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { SessionType } from "../../server/db/client.ts";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { createCoach, createTenant, createUser } from "../helpers/factories.ts";

const LK = { SESSION_IDLE_MINUTES: "43200", SESSION_ABSOLUTE_HOURS: "8760", LIVEKIT_URL: "wss://livekit.example.test", LIVEKIT_API_KEY: "APItandemtest", LIVEKIT_API_SECRET: "a-livekit-secret-of-enough-length-0123456789" };
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
async function booking(c: C, clientId: string, inMinutes: number, options: { sessionType?: SessionType; status?: "PENDING" | "CONFIRMED" | "CANCELLED"; room?: string | null } = {}) {
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
      booking: { id: b.id, sessionType: "VIDEO", coach: { userId: coach.user.id, name: "Cora Coach" }, client: { userId: ann.user.id, name: "Ann Client" } },
    });
    if (!asClient.ok) throw new Error("expected access");
    expect(asClient.opensAt.getTime()).toBe(b.startsAt.getTime() - 10 * MIN);
    expect(asClient.closesAt.getTime()).toBe(b.endsAt.getTime() + 5 * MIN);
    expect(asClient).not.toHaveProperty("booking.room");
    expect(await (await api(coach)).sessions.room({ bookingId: b.id })).toMatchObject({ ok: true, role: "coach", peerUserId: ann.user.id });
  });

  it("refuses everyone else, and anyone outside the window, with a reason", async () => {
    const b = await booking(coach, ann.user.id, 5);
    const other = await booking(coach2, bob.user.id, 5 + 120);
    const notFound = { ok: false, reason: "NOT_FOUND", message: "This session was not found, or you are not one of its participants." };
    // The other party of another booking (client and coach), another tenant, a missing id: all alike.
    expect(await (await api(bob)).sessions.room({ bookingId: b.id })).toEqual(notFound);
    expect(await (await api(coach2)).sessions.room({ bookingId: b.id })).toEqual(notFound);
    expect(await (await api(clientB)).sessions.room({ bookingId: b.id })).toEqual(notFound);
    expect(await (await api(coachB)).sessions.room({ bookingId: b.id })).toEqual(notFound);
    expect(await (await api(ann)).sessions.room({ bookingId: crypto.randomUUID() })).toEqual(notFound);
    await expect((await app.as()).api.sessions.room({ bookingId: b.id })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    // Too early: the other booking starts in two hours.
    const early = await (await api(bob)).sessions.room({ bookingId: other.id });
    expect(early).toMatchObject({ ok: false, reason: "TOO_EARLY", opensAt: new Date(other.startsAt.getTime() - 10 * MIN) });
    // Not confirmed, cancelled, in person.
    const pending = await booking(coach, ann.user.id, 200, { status: "PENDING" });
    expect(await (await api(ann)).sessions.room({ bookingId: pending.id })).toMatchObject({ ok: false, reason: "NOT_CONFIRMED" });
    const cancelled = await booking(coach, ann.user.id, 300, { status: "CANCELLED" });
    expect(await (await api(ann)).sessions.room({ bookingId: cancelled.id })).toMatchObject({ ok: false, reason: "CANCELLED" });
    const inPerson = await booking(coach2, ann.user.id, 5, { sessionType: "IN_PERSON" });
    expect(await (await api(ann)).sessions.room({ bookingId: inPerson.id })).toMatchObject({ ok: false, reason: "IN_PERSON" });
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
    const id = await app.tandem.services.sessions.recordJoin({ tenantId: tenant.id, bookingId: b.id, userId: ann.user.id, transport: "p2p" });
    expect(await app.db.attendance.findUniqueOrThrow({ where: { id } })).toMatchObject({ bookingId: b.id, userId: ann.user.id, transport: "p2p", leftAt: null });
    expect(await app.tandem.services.sessions.recordLeave(id)).toEqual({ closed: true });
    expect(await app.tandem.services.sessions.recordLeave(id)).toEqual({ closed: false });
    await expect(app.tandem.services.sessions.recordJoin({ tenantId: tenant.id, bookingId: b.id, userId: bob.user.id, transport: "p2p" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(app.tandem.services.sessions.recordJoin({ tenantId: otherTenant.id, bookingId: b.id, userId: ann.user.id, transport: "p2p" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
