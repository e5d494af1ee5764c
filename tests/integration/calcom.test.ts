import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { action as calcomWebhook } from "~/routes/webhooks.calcom.ts";
import { loadKeyring } from "@server/crypto/keyring.ts";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { createCoach, createTenant, createUser, WEEKDAY_MORNINGS } from "../helpers/factories.ts";
import { fakeCalcom, GOOD_KEY } from "../helpers/fake-calcom.ts";

/**
 * The optional Cal.com connection against a small fake Cal.com API (node:http) that records
 * every request, through Tandem's own fetch client; webhooks signed the way Cal.com signs them
 * (hex HMAC-SHA256 of the raw body) and delivered to the real route.
 */

// ---------------------------------------------------------------- shared setup

const SECRET = "calcom-site-secret-for-tests";
const sign = (body: string, secret = SECRET) => createHmac("sha256", secret).update(body).digest("hex");
// Monday 1 June 2026, 06:00 UTC; the coach works 09:00–12:00 Amsterdam time (07:00–10:00Z).
const MONDAY = new Date("2026-06-01T06:00:00Z");
const offering = {
  name: "Deep Work Sprint",
  description: "Plan a focused week.",
  priceMinor: 8000,
  durationMinutes: 45,
  delivery: "ONLINE" as const,
  sessionType: "VIDEO" as const,
  premiumOnly: false,
};

type U = Awaited<ReturnType<typeof createUser>>;

describe("Cal.com (fake Cal.com API, signed webhooks)", () => {
  const cal = fakeCalcom();
  let app: TestApp;
  let tenant: Awaited<ReturnType<typeof createTenant>>;
  let coach: Awaited<ReturnType<typeof createCoach>>;
  let other: Awaited<ReturnType<typeof createCoach>>;
  let ann: U, bob: U;
  const api = async (u: { token: string }) => (await app.as(u.token)).api;

  const deliver = async (event: unknown, options: { signature?: string | null; coach?: string; raw?: string } = {}) => {
    const body = options.raw ?? JSON.stringify(event);
    const headers = new Headers({ "content-type": "application/json" });
    const signature = options.signature === undefined ? sign(body) : options.signature;
    if (signature !== null) headers.set("x-cal-signature-256", signature);
    const url = `http://localhost/webhooks/calcom${options.coach ? `?coach=${options.coach}` : ""}`;
    return calcomWebhook({
      request: new Request(url, { method: "POST", headers, body }),
      context: { tandem: app.tandem, clientIp: "127.0.0.1" },
      params: {},
    });
  };
  const event = (
    triggerEvent: string,
    payload: Record<string, unknown>,
    createdAt = app.clock.now().toISOString(),
  ) => ({ triggerEvent, createdAt, payload });
  const calcomEvents = () =>
    app.db.webhookEvent.findMany({ where: { provider: "calcom" }, orderBy: { receivedAt: "asc" } });

  /** A confirmed (paid) booking of `client` with `c`'s first service. */
  const confirmed = async (c: typeof coach, client: U, startsAt: string) => {
    const booking = await (
      await api(client)
    ).bookings.hold({ serviceId: c.service!.id, startsAt, topic: "", clientNotes: "" });
    await (await api(client)).payments.payLocal({ bookingId: booking.id });
    return app.db.booking.findUniqueOrThrow({ where: { id: booking.id } });
  };

  beforeAll(async () => {
    const port = await cal.listen();
    app = await createTestApp({ CALCOM_API_URL: `http://127.0.0.1:${port}`, CALCOM_WEBHOOK_SECRET: SECRET });
    app.clock.advance(MONDAY.getTime() - app.clock.now().getTime());
    tenant = await createTenant(app);
    coach = await createCoach(app, tenant, { name: "Cal Coach", priceMinor: 6000 });
    other = await createCoach(app, tenant, { name: "Other Coach", priceMinor: 6000 });
    ann = await createUser(app, tenant, "CLIENT", { name: "Ann" });
    bob = await createUser(app, tenant, "CLIENT", { name: "Bob" });
    for (const c of [coach, other]) await (await api(c)).bookings.setAvailability(WEEKDAY_MORNINGS);
  });
  afterAll(async () => {
    await app?.close();
    await cal.close();
  });

  // ---------------------------------------------------------------- connecting

  it("refuses a key Cal.com does not accept, naming Cal.com's answer, and stores nothing", async () => {
    const attempt = (await api(coach)).calcom.connect({ apiKey: "cal_live_wrong_key_000" });
    await expect(attempt).rejects.toMatchObject({
      code: "BAD_REQUEST",
      cause: { fieldErrors: { apiKey: [expect.stringContaining("Invalid API Key")] } },
    });
    expect(cal.requests("GET", "/v2/me").at(-1)!.headers.authorization).toBe("Bearer cal_live_wrong_key_000");
    const profile = await app.db.coachProfile.findUniqueOrThrow({ where: { id: coach.profile.id } });
    expect(profile).toMatchObject({ calcomApiKeySealed: null, calcomConnectedAt: null });
    expect((await (await api(coach)).calcom.status()).connected).toBe(false);
    // Clients have nothing to connect.
    await expect((await api(ann)).calcom.connect({ apiKey: GOOD_KEY })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("verifies a good key with GET /v2/me, keeps it sealed, and shows only its last four characters", async () => {
    const result = await (await api(coach)).calcom.connect({ apiKey: `  ${GOOD_KEY} ` });
    expect(result).toEqual({ connected: true, keyHint: "WXYZ", username: "fake-coach" });
    const me = cal.requests("GET", "/v2/me").at(-1)!;
    expect(me.headers.authorization).toBe(`Bearer ${GOOD_KEY}`);

    // At rest: no plaintext anywhere in the row, and it opens only for this coach's profile.
    const rows = await app.db.$queryRawUnsafe<{ row: string }[]>(
      `SELECT row_to_json(c)::text AS row FROM "CoachProfile" c WHERE id = $1::uuid`,
      coach.profile.id,
    );
    expect(rows[0]!.row).not.toContain(GOOD_KEY);
    expect(rows[0]!.row).not.toContain("fake0123456789");
    const sealed = (await app.db.coachProfile.findUniqueOrThrow({ where: { id: coach.profile.id } }))
      .calcomApiKeySealed!;
    const keyring = loadKeyring(app.tandem.env); // the key the app generated under its DATA_DIR
    expect(keyring.openText(sealed, `calcom-api-key:${coach.profile.id}`)).toBe(GOOD_KEY);
    expect(() => keyring.openText(sealed, `calcom-api-key:${other.profile.id}`)).toThrow(/failed authentication/);

    const status = await (await api(coach)).calcom.status();
    expect(status).toMatchObject({
      connected: true,
      keyHint: "WXYZ",
      webhookPath: `/webhooks/calcom?coach=${coach.profile.id}`,
    });
    expect(status.connectedAt).toEqual(MONDAY);
    expect(status.webhookSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(status)).not.toContain(GOOD_KEY);
  });

  // ---------------------------------------------------------------- event types

  let serviceId: string;
  let eventTypeId: number;

  it("creates the matching Cal.com event type with a new service and stores its id", async () => {
    const service = await (await api(coach)).offerings.create(offering);
    const [sent] = cal.requests("POST", "/v2/event-types");
    expect(sent!.headers.authorization).toBe(`Bearer ${GOOD_KEY}`);
    expect(sent!.headers["cal-api-version"]).toBe("2024-06-14");
    expect(sent!.headers["content-type"]).toBe("application/json");
    expect(sent!.body).toEqual({
      title: "Deep Work Sprint",
      slug: `deep-work-sprint-${service.id.slice(0, 8)}`,
      lengthInMinutes: 45,
      description: "Plan a focused week.",
      hidden: false,
    });
    expect(service.calcomEventTypeId).toBeGreaterThan(100);
    expect(cal.eventTypes.has(service.calcomEventTypeId!)).toBe(true);
    serviceId = service.id;
    eventTypeId = service.calcomEventTypeId!;
    // A coach who did not connect Cal.com creates services without any Cal.com call.
    const before = cal.seen.length;
    const plain = await (await api(other)).offerings.create({ ...offering, name: "Plain service" });
    expect(plain.calcomEventTypeId).toBeNull();
    expect(cal.seen.length).toBe(before);
  });

  it("keeps the event type in step on update and archive (hidden in Cal.com)", async () => {
    await (
      await api(coach)
    ).offerings.update({ ...offering, serviceId, name: "Deep Work Sprint XL", durationMinutes: 60 });
    const patch = cal.requests("PATCH", `/v2/event-types/${eventTypeId}`).at(-1)!;
    expect(patch.body).toEqual({
      title: "Deep Work Sprint XL",
      lengthInMinutes: 60,
      description: "Plan a focused week.",
      hidden: false,
    });
    expect(patch.headers["cal-api-version"]).toBe("2024-06-14");
    await (await api(coach)).offerings.setArchived({ serviceId, archived: true });
    expect(cal.eventTypes.get(eventTypeId)).toMatchObject({ hidden: true, title: "Deep Work Sprint XL" });
    await (await api(coach)).offerings.setArchived({ serviceId, archived: false });
    expect(cal.eventTypes.get(eventTypeId)).toMatchObject({ hidden: false });
    expect((await app.db.service.findUniqueOrThrow({ where: { id: serviceId } })).calcomEventTypeId).toBe(eventTypeId);
  });

  it("writes nothing and says what Cal.com answered when Cal.com fails", async () => {
    const before = await app.db.service.count({ where: { coachProfileId: coach.profile.id } });
    cal.failNext("POST /v2/event-types");
    const attempt = (await api(coach)).offerings.create({ ...offering, name: "Will fail" });
    await expect(attempt).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(
        /^The Cal\.com event type could not be saved: Cal\.com is unavailable \(500: Temporary failure \(fake\)\)\. Nothing was saved/,
      ),
    });
    expect(await app.db.service.count({ where: { coachProfileId: coach.profile.id } })).toBe(before);

    // An update Cal.com refuses leaves the service as it was.
    cal.failNext(`PATCH /v2/event-types/${eventTypeId}`);
    await expect(
      (await api(coach)).offerings.update({ ...offering, serviceId, name: "Renamed" }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    expect((await app.db.service.findUniqueOrThrow({ where: { id: serviceId } })).name).toBe("Deep Work Sprint XL");

    // Invalid input is refused before anything is sent to Cal.com.
    const sent = cal.seen.length;
    await expect((await api(coach)).offerings.create({ ...offering, premiumOnly: true })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    expect(cal.seen.length).toBe(sent);
  });

  it("disconnects: the key is gone and new services no longer reach Cal.com", async () => {
    await (await api(coach)).calcom.disconnect();
    expect(
      (await app.db.coachProfile.findUniqueOrThrow({ where: { id: coach.profile.id } })).calcomApiKeySealed,
    ).toBeNull();
    expect(await (await api(coach)).calcom.status()).toMatchObject({ connected: false, keyHint: null });
    const sent = cal.seen.length;
    expect(
      (await (await api(coach)).offerings.create({ ...offering, name: "Offline only" })).calcomEventTypeId,
    ).toBeNull();
    expect(cal.seen.length).toBe(sent);
    await (await api(coach)).calcom.connect({ apiKey: GOOD_KEY });
  });

  // ---------------------------------------------------------------- webhooks

  let booking: Awaited<ReturnType<typeof confirmed>>;

  it("refuses unsigned and tampered deliveries and records nothing", async () => {
    booking = await confirmed(coach, ann, "2026-06-03T07:00:00.000Z");
    const body = JSON.stringify(
      event("BOOKING_CREATED", { uid: "cal-uid-1", metadata: { tandemBookingId: booking.id } }),
    );
    const missing = await deliver(null, { raw: body, signature: null });
    expect(missing.status).toBe(401);
    expect(await missing.text()).toContain("X-Cal-Signature-256 header is missing");
    const tampered = await deliver(null, { raw: body.replace("cal-uid-1", "cal-uid-X"), signature: sign(body) });
    expect(tampered.status).toBe(401);
    expect(await tampered.text()).toContain("does not match");
    const wrongSecret = await deliver(null, { raw: body, signature: sign(body, "another-secret") });
    expect(wrongSecret.status).toBe(401);
    // A coach's URL needs that coach's own secret, not the site's.
    expect((await deliver(null, { raw: body, coach: coach.profile.id })).status).toBe(401);
    expect(await calcomEvents()).toHaveLength(0);
    expect((await app.db.booking.findUniqueOrThrow({ where: { id: booking.id } })).calcomUid).toBeNull();
  });

  it("links the Cal.com booking by the id in its metadata, once", async () => {
    const created = event("BOOKING_CREATED", {
      uid: "cal-uid-1",
      startTime: "2026-06-03T07:00:00.000Z",
      endTime: "2026-06-03T08:00:00.000Z",
      metadata: { tandemBookingId: booking.id },
    });
    const res = await deliver(created);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true, duplicate: false, outcome: "LINKED" });
    expect((await app.db.booking.findUniqueOrThrow({ where: { id: booking.id } })).calcomUid).toBe("cal-uid-1");
    // The same delivery again is a no-op.
    expect(await (await deliver(created)).json()).toEqual({ received: true, duplicate: true, outcome: "LINKED" });
    const stored = await calcomEvents();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      type: "BOOKING_CREATED",
      outcome: "LINKED",
      bookingId: booking.id,
      tenantId: tenant.id,
      eventId: expect.stringMatching(/^site:[0-9a-f]{64}$/),
    });
  });

  it("answers 200 and records IGNORED for bookings Tandem does not know", async () => {
    const res = await deliver(event("BOOKING_CANCELLED", { uid: "made-in-cal-only", cancelledBy: "someone@cal.test" }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true, duplicate: false, outcome: "IGNORED" });
    const row = (await calcomEvents()).at(-1)!;
    expect(row).toMatchObject({
      outcome: "IGNORED",
      bookingId: null,
      error: expect.stringContaining("made-in-cal-only"),
    });
    // Triggers Tandem does not act on are recorded the same way.
    expect(await (await deliver(event("PING", {}))).json()).toMatchObject({ outcome: "IGNORED" });
  });

  it("moves the booking on BOOKING_RESCHEDULED and follows the new uid", async () => {
    const moved = event("BOOKING_RESCHEDULED", {
      uid: "cal-uid-2",
      rescheduleUid: "cal-uid-1",
      startTime: "2026-06-04T08:00:00.000Z",
      endTime: "2026-06-04T09:00:00.000Z",
      rescheduledBy: ann.email,
    });
    expect(await (await deliver(moved)).json()).toEqual({ received: true, duplicate: false, outcome: "RESCHEDULED" });
    const after = await app.db.booking.findUniqueOrThrow({ where: { id: booking.id } });
    expect(after).toMatchObject({
      status: "CONFIRMED",
      calcomUid: "cal-uid-2",
      startsAt: new Date("2026-06-04T08:00:00.000Z"),
      endsAt: new Date("2026-06-04T09:00:00.000Z"),
    });
    // The client moved it in Cal.com, so the coach is told.
    expect(await app.db.notification.count({ where: { userId: coach.user.id, kind: "booking.moved" } })).toBe(1);
    expect(await (await deliver(moved)).json()).toMatchObject({ duplicate: true });
    expect((await app.db.booking.findUniqueOrThrow({ where: { id: booking.id } })).startsAt).toEqual(
      new Date("2026-06-04T08:00:00.000Z"),
    );
  });

  it("records a reschedule onto a taken time as the event's outcome and keeps the booking", async () => {
    await confirmed(coach, bob, "2026-06-05T07:00:00.000Z");
    const clash = event("BOOKING_RESCHEDULED", {
      uid: "cal-uid-3",
      rescheduleUid: "cal-uid-2",
      startTime: "2026-06-05T07:00:00.000Z",
      endTime: "2026-06-05T08:00:00.000Z",
    });
    const res = await deliver(clash);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true, duplicate: false, outcome: "RESCHEDULE_CONFLICT" });
    expect((await app.db.booking.findUniqueOrThrow({ where: { id: booking.id } })).startsAt).toEqual(
      new Date("2026-06-04T08:00:00.000Z"),
    );
    expect((await calcomEvents()).at(-1)).toMatchObject({
      outcome: "RESCHEDULE_CONFLICT",
      error: "This time was just taken. Please choose another time.",
    });
    expect(
      await app.db.notification.findFirst({ where: { userId: coach.user.id, kind: "calcom.sync" } }),
    ).toMatchObject({ title: "A Cal.com reschedule was not applied" });
  });

  it("records the meeting's start and end as attendance of both participants, once", async () => {
    const started = event(
      "MEETING_STARTED",
      { uid: "cal-uid-3", startTime: "2026-06-04T08:00:00.000Z" },
      "2026-06-04T08:01:00.000Z",
    );
    expect(await (await deliver(started)).json()).toMatchObject({ outcome: "MEETING_STARTED" });
    expect(await (await deliver(started)).json()).toMatchObject({ duplicate: true });
    let rows = await app.db.attendance.findMany({ where: { bookingId: booking.id }, orderBy: { userId: "asc" } });
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => r.userId).sort()).toEqual([ann.user.id, coach.user.id].sort());
    expect(
      rows.every(
        (r) => r.transport === "calcom" && r.joinedAt.toISOString() === "2026-06-04T08:01:00.000Z" && r.leftAt === null,
      ),
    ).toBe(true);
    const ended = event("MEETING_ENDED", { uid: "cal-uid-3" }, "2026-06-04T08:58:00.000Z");
    expect(await (await deliver(ended)).json()).toMatchObject({ outcome: "MEETING_ENDED" });
    rows = await app.db.attendance.findMany({ where: { bookingId: booking.id } });
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.leftAt?.toISOString() === "2026-06-04T08:58:00.000Z")).toBe(true);
  });

  it("cancels by the client's own policy when the client cancelled in Cal.com, in full otherwise", async () => {
    // Ann cancels her (paid, 6000) booking less than 24 hours before: the tenant's 50% applies.
    const late = await confirmed(coach, ann, "2026-06-01T08:00:00.000Z");
    await deliver(event("BOOKING_CREATED", { uid: "cal-late", metadata: { tandemBookingId: late.id } }));
    const cancel = event("BOOKING_CANCELLED", {
      uid: "cal-late",
      cancelledBy: ann.email.toUpperCase(),
      cancellationReason: "Sick",
    });
    expect(await (await deliver(cancel)).json()).toEqual({ received: true, duplicate: false, outcome: "CANCELLED" });
    expect(await app.db.booking.findUniqueOrThrow({ where: { id: late.id } })).toMatchObject({
      status: "CANCELLED",
      cancelledById: ann.user.id,
      cancellationReason: "Sick",
    });
    expect(
      (await app.db.ledgerEntry.findFirstOrThrow({ where: { bookingId: late.id, kind: "REFUND" } })).amountMinor,
    ).toBe(3000);
    expect(await (await deliver(cancel)).json()).toMatchObject({ duplicate: true });
    expect(await app.db.ledgerEntry.count({ where: { bookingId: late.id, kind: "REFUND" } })).toBe(1);

    // Cancelled by the coach in Cal.com (or Cal.com names nobody): a full refund, as a coach's cancellation.
    const coachSide = await confirmed(coach, bob, "2026-06-01T09:00:00.000Z");
    await deliver(event("BOOKING_CREATED", { uid: "cal-coach", metadata: { tandemBookingId: coachSide.id } }));
    expect(
      await (await deliver(event("BOOKING_CANCELLED", { uid: "cal-coach", cancelledBy: "coach@cal.test" }))).json(),
    ).toMatchObject({ outcome: "CANCELLED" });
    expect(await app.db.booking.findUniqueOrThrow({ where: { id: coachSide.id } })).toMatchObject({
      status: "CANCELLED",
      cancelledById: coach.user.id,
      cancellationReason: "Cancelled in Cal.com",
    });
    expect(
      (await app.db.ledgerEntry.findFirstOrThrow({ where: { bookingId: coachSide.id, kind: "REFUND" } })).amountMinor,
    ).toBe(6000);
    // A second cancellation (another delivery body) of the same booking changes nothing.
    expect(
      await (
        await deliver(
          event("BOOKING_CANCELLED", { uid: "cal-coach", cancelledBy: "coach@cal.test", cancellationReason: "again" }),
        )
      ).json(),
    ).toMatchObject({ outcome: "ALREADY_CANCELLED" });
  });

  it("with a coach's own URL and secret, touches only that coach's bookings", async () => {
    const secret = (await (await api(coach)).calcom.status()).webhookSecret!;
    const theirs = await confirmed(other, bob, "2026-06-08T07:00:00.000Z");
    await app.db.booking.update({ where: { id: theirs.id }, data: { calcomUid: "other-coach-uid" } });
    const body = JSON.stringify(event("BOOKING_CANCELLED", { uid: "other-coach-uid", cancelledBy: "x@cal.test" }));
    const res = await deliver(null, { raw: body, signature: sign(body, secret), coach: coach.profile.id });
    expect(await res.json()).toEqual({ received: true, duplicate: false, outcome: "IGNORED" });
    expect((await app.db.booking.findUniqueOrThrow({ where: { id: theirs.id } })).status).toBe("CONFIRMED");

    const mine = await confirmed(coach, bob, "2026-06-08T08:00:00.000Z");
    const link = JSON.stringify(event("BOOKING_CREATED", { uid: "mine-uid", metadata: { tandemBookingId: mine.id } }));
    expect(
      await (await deliver(null, { raw: link, signature: sign(link, secret), coach: coach.profile.id })).json(),
    ).toMatchObject({ outcome: "LINKED" });
    expect((await calcomEvents()).at(-1)!.eventId).toMatch(new RegExp(`^${coach.profile.id}:[0-9a-f]{64}$`));
    expect((await deliver(null, { raw: link, coach: "not-a-uuid" })).status).toBe(400);
  });

  it("refuses bodies that are not events and wrong methods", async () => {
    expect((await deliver(null, { raw: "not json" })).status).toBe(400);
    const get = await calcomWebhook({
      request: new Request("http://localhost/webhooks/calcom", { method: "PUT", body: "{}" }),
      context: { tandem: app.tandem, clientIp: "127.0.0.1" },
      params: {},
    });
    expect(get.status).toBe(405);
  });
});

describe("Cal.com webhooks without CALCOM_WEBHOOK_SECRET", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app?.close());

  it("are refused with 404 and a clear reason, and nothing is recorded", async () => {
    const body = JSON.stringify({
      triggerEvent: "BOOKING_CANCELLED",
      createdAt: new Date().toISOString(),
      payload: { uid: "x" },
    });
    const res = await calcomWebhook({
      request: new Request("http://localhost/webhooks/calcom", {
        method: "POST",
        headers: { "x-cal-signature-256": sign(body) },
        body,
      }),
      context: { tandem: app.tandem, clientIp: "127.0.0.1" },
      params: {},
    });
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("CALCOM_WEBHOOK_SECRET is not set");
    expect(await app.db.webhookEvent.count()).toBe(0);
  });
});
