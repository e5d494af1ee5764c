import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp, withJobQueue } from "../helpers/app.ts";
import { createCoach, createTenant, createUser } from "../helpers/factories.ts";

let app: TestApp;
let tenant: Awaited<ReturnType<typeof createTenant>>;
let coach: Awaited<ReturnType<typeof createCoach>>;
type U = Awaited<ReturnType<typeof createUser>>;
let ann: U, bob: U;
const api = async (u: U) => (await app.as(u.token)).api;

// Monday 1 June 2026, 06:00 UTC (08:00 in Amsterdam); the coach works 09:00–12:00 Amsterdam time.
const MONDAY = new Date("2026-06-01T06:00:00Z");

beforeAll(async () => {
  app = await createTestApp();
  app.clock.advance(MONDAY.getTime() - app.clock.now().getTime());
  tenant = await createTenant(app);
  await app.db.tenant.update({ where: { id: tenant.id }, data: { platformFeeBps: 1000 } });
  coach = await createCoach(app, tenant, { name: "Sched Uled", priceMinor: 6001 });
  ann = await createUser(app, tenant, "CLIENT", { name: "Ann" });
  bob = await createUser(app, tenant, "CLIENT", { name: "Bob" });
  await (
    await api(coach)
  ).bookings.setAvailability({
    timeZone: "Europe/Amsterdam",
    weekly: [1, 2, 3, 4, 5].map((weekday) => ({ weekday: weekday as 1, start: "09:00", end: "12:00" })),
    overrides: [],
    bufferBeforeMinutes: 0,
    bufferAfterMinutes: 15,
    minNoticeMinutes: 60,
    horizonDays: 14,
    dailyCap: null,
    slotStepMinutes: 30,
  });
});
afterAll(() => app?.close());

const slotsOn = async (u: U, day: string) =>
  (
    await (
      await api(u)
    ).bookings.slots({ serviceId: coach.service!.id, from: `${day}T00:00:00Z`, to: `${day}T23:59:59Z` })
  ).map((s) => new Date(s.start).toISOString().slice(11, 16));

describe("free slots and holds", () => {
  it("offers the coach's hours in their zone, minus notice", async () => {
    // 08:00 local now, one hour's notice: 09:00 local (07:00Z) is just reachable; 60-min service, 30-min grid.
    expect(await slotsOn(ann, "2026-06-01")).toEqual(["07:00", "07:30", "08:00", "08:30", "09:00"]);
  });

  it("holds a slot with the fee taken from the tenant, and the slot disappears for everyone (with its buffer)", async () => {
    const booking = await (
      await api(ann)
    ).bookings.hold({
      serviceId: coach.service!.id,
      startsAt: "2026-06-02T07:00:00.000Z",
      topic: "Career",
      clientNotes: "First session",
    });
    expect(booking).toMatchObject({
      status: "PENDING",
      priceMinor: 6001,
      platformFeeMinor: 600,
      coachPayoutMinor: 5401,
      currency: "EUR",
      sessionType: "VIDEO",
    });
    expect(booking.holdExpiresAt && new Date(booking.holdExpiresAt).getTime() - app.clock.now().getTime()).toBe(
      15 * 60_000,
    );
    expect(booking.room).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    // 07:00–08:00Z is held, and the 15-minute buffer after it pushes the next start to 08:30Z.
    expect(await slotsOn(bob, "2026-06-02")).toEqual(["08:30", "09:00"]);
    expect(app.realtime.events).toContainEqual({
      kind: "emitToTenant",
      args: [tenant.id, "availability:changed", { coachId: coach.profile.id }],
    });
  });

  it("refuses a time that is not offered, and a taken one with a clear message", async () => {
    await expect(
      (await api(bob)).bookings.hold({
        serviceId: coach.service!.id,
        startsAt: "2026-06-02T07:00:00.000Z",
        topic: "",
        clientNotes: "",
      }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
      message: "This time is no longer available. Please choose another time.",
    });
    await expect(
      (await api(bob)).bookings.hold({
        serviceId: coach.service!.id,
        startsAt: "2026-06-02T07:10:00.000Z",
        topic: "",
        clientNotes: "",
      }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("lets exactly one of two clients racing for the same slot win", async () => {
    const attempts = await Promise.allSettled(
      [ann, bob, ann, bob].map(async (u) =>
        (await api(u)).bookings.hold({
          serviceId: coach.service!.id,
          startsAt: "2026-06-03T07:00:00.000Z",
          topic: "",
          clientNotes: "",
        }),
      ),
    );
    expect(attempts.filter((a) => a.status === "fulfilled")).toHaveLength(1);
    for (const a of attempts.filter((x) => x.status === "rejected")) {
      expect((a as PromiseRejectedResult).reason).toMatchObject({ code: "CONFLICT" });
    }
    expect(
      await app.db.booking.count({
        where: {
          coachProfileId: coach.profile.id,
          startsAt: new Date("2026-06-03T07:00:00Z"),
          status: { in: ["PENDING", "CONFIRMED"] },
        },
      }),
    ).toBe(1);
  });

  it("settles a crowd racing for overlapping times without deadlocks: every loser is told the time was taken", async () => {
    // 60-minute sessions every 30 minutes on Tuesday 9 June: each start overlaps its neighbours.
    // Simultaneous inserts into the exclusion constraint can deadlock; whether they meet here
    // depends on timing (bench/booking.ts's contention run meets them reliably at 100 clients).
    const starts = ["07:00", "07:30", "08:00", "08:30", "09:00"].map((t) => new Date(`2026-06-09T${t}:00.000Z`));
    const attempts = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) =>
        app.tandem.services.bookings.hold(
          { userId: (i % 2 ? ann : bob).user.id, tenantId: tenant.id, role: "CLIENT" },
          { serviceId: coach.service!.id, startsAt: starts[i % starts.length]!, topic: "", clientNotes: "" },
        ),
      ),
    );
    const won = attempts.filter((a) => a.status === "fulfilled");
    expect(won.length).toBeGreaterThan(0);
    for (const a of attempts.filter((x) => x.status === "rejected")) {
      expect((a as PromiseRejectedResult).reason).toMatchObject({ code: "CONFLICT" });
    }
    const held = await app.db.booking.findMany({
      where: {
        coachProfileId: coach.profile.id,
        startsAt: { gte: starts[0] },
        endsAt: { lte: new Date("2026-06-09T23:00:00Z") },
        status: { in: ["PENDING", "CONFIRMED"] },
      },
      orderBy: { startsAt: "asc" },
    });
    expect(held).toHaveLength(won.length);
    for (let i = 1; i < held.length; i++)
      expect(held[i]!.startsAt.getTime()).toBeGreaterThanOrEqual(held[i - 1]!.endsAt.getTime());
  });

  it("frees the slot when the hold expires, and a late payment cannot confirm it", async () => {
    const held = await (
      await api(ann)
    ).bookings.hold({ serviceId: coach.service!.id, startsAt: "2026-06-04T08:00:00.000Z", topic: "", clientNotes: "" });
    expect(await app.tandem.services.bookings.expireHold(held.id)).toEqual({ expired: false }); // not yet
    app.clock.advance(16 * 60_000);
    expect(await slotsOn(bob, "2026-06-04")).toContain("08:00"); // an expired hold no longer blocks
    expect(await app.tandem.services.bookings.expireHold(held.id)).toEqual({ expired: true });
    expect(await app.tandem.services.bookings.expireHold(held.id)).toEqual({ expired: false }); // repeating is harmless
    await expect(app.tandem.services.bookings.confirmPaid(held.id)).rejects.toMatchObject({ code: "CONFLICT" });
    const again = await (
      await api(bob)
    ).bookings.hold({ serviceId: coach.service!.id, startsAt: "2026-06-04T08:00:00.000Z", topic: "", clientNotes: "" });
    expect(again.status).toBe("PENDING");
  });

  it("confirms once on payment, and tells client and coach once; a repeated confirmation changes nothing", async () => {
    // A coach and a client of their own, so that other tests' lists stay as they expect.
    const nia = await createCoach(app, tenant, { name: "Nia Notify", priceMinor: 5000 });
    await (
      await api(nia)
    ).bookings.setAvailability({
      timeZone: "UTC",
      weekly: [5].map((weekday) => ({ weekday: weekday as 5, start: "07:00", end: "10:00" })),
      overrides: [],
      bufferBeforeMinutes: 0,
      bufferAfterMinutes: 0,
      minNoticeMinutes: 60,
      horizonDays: 14,
      dailyCap: null,
      slotStepMinutes: 30,
    });
    const kim = await createUser(app, tenant, "CLIENT", { name: "Kim" });
    await app.db.user.update({ where: { id: kim.user.id }, data: { timeZone: "America/New_York" } });
    const held = await (
      await api(kim)
    ).bookings.hold({
      serviceId: nia.service!.id,
      startsAt: "2026-06-05T07:30:00.000Z",
      topic: "Pacing",
      clientNotes: "",
    });
    const link = `/bookings/${held.id}`;
    expect(await app.db.notification.count({ where: { link, kind: "booking.confirmed" } })).toBe(0); // a hold is not news yet
    expect(await app.tandem.services.bookings.confirmPaid(held.id)).toEqual({
      confirmed: true,
      alreadyConfirmed: false,
    });
    expect(await app.tandem.services.bookings.confirmPaid(held.id)).toEqual({
      confirmed: false,
      alreadyConfirmed: true,
    });
    const mine = await (await api(kim)).bookings.mine();
    expect(mine.find((b) => b.id === held.id)).toMatchObject({ status: "CONFIRMED", holdExpiresAt: null });
    // Both people are told once, each in their own zone (the coach reads UTC, Kim New York time).
    const told = await app.db.notification.findMany({ where: { link, kind: "booking.confirmed" } });
    expect(told.map((n) => n.userId).sort()).toEqual([kim.user.id, nia.user.id].sort());
    const toCoach = told.find((n) => n.userId === nia.user.id)!;
    expect(toCoach).toMatchObject({
      title: "New session booked by Kim",
      body: "Coaching session on Friday, 5 June 2026 at 07:30 (UTC). Topic: Pacing.",
    });
    const toKim = told.find((n) => n.userId === kim.user.id)!;
    expect(toKim.title).toBe("Your session with Nia Notify is booked");
    expect(toKim.body).toContain("Friday, 5 June 2026 at 03:30 (America/New_York)");
    const kimEmail = (await app.db.user.findUniqueOrThrow({ where: { id: kim.user.id } })).email;
    expect(await app.db.outboxMessage.count({ where: { to: kimEmail, subject: toKim.title } })).toBe(1);
    expect(await app.db.outboxMessage.count({ where: { subject: toCoach.title } })).toBe(1);
  });

  it("offers only the ways of meeting the coach gives: the service's own and the other online kinds on the coach's profile", async () => {
    // The coach's profile lists video only (the factory's default), so phone and chat are refused.
    for (const sessionType of ["PHONE", "CHAT", "IN_PERSON"] as const) {
      await expect(
        (await api(bob)).bookings.hold({
          serviceId: coach.service!.id,
          startsAt: "2026-06-10T07:00:00.000Z",
          sessionType,
          topic: "",
          clientNotes: "",
        }),
      ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    }
    await app.db.coachProfile.update({ where: { id: coach.profile.id }, data: { sessionTypes: ["VIDEO", "PHONE"] } });
    const phone = await (
      await api(bob)
    ).bookings.hold({
      serviceId: coach.service!.id,
      startsAt: "2026-06-10T07:00:00.000Z",
      sessionType: "PHONE",
      topic: "",
      clientNotes: "",
    });
    expect(phone.sessionType).toBe("PHONE");
    await app.db.coachProfile.update({ where: { id: coach.profile.id }, data: { sessionTypes: ["VIDEO"] } });
  });

  it("keeps premium-only services for premium members", async () => {
    await app.db.tenant.update({ where: { id: tenant.id }, data: { featurePremiumCoachServices: true } });
    const premium = await app.db.service.create({
      data: {
        tenantId: tenant.id,
        coachProfileId: coach.profile.id,
        name: "VIP",
        priceMinor: 20000,
        currency: "EUR",
        durationMinutes: 30,
        delivery: "ONLINE",
        sessionType: "VIDEO",
        premiumOnly: true,
      },
    });
    const input = { serviceId: premium.id, startsAt: "2026-06-08T07:00:00.000Z", topic: "", clientNotes: "" };
    await expect((await api(bob)).bookings.hold(input)).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: "This service is for premium members.",
    });
    await app.db.membership.updateMany({ where: { userId: bob.user.id }, data: { premium: true } });
    expect((await (await api(bob)).bookings.hold(input)).status).toBe("PENDING");
  });

  it("validates availability with field errors and does not save bad settings", async () => {
    const before = await app.db.coachAvailability.findUniqueOrThrow({ where: { coachProfileId: coach.profile.id } });
    const error = await (
      await api(coach)
    ).bookings
      .setAvailability({
        timeZone: "Mars/Base",
        weekly: [{ weekday: 1, start: "12:00", end: "09:00" }],
        overrides: [],
        bufferBeforeMinutes: 0,
        bufferAfterMinutes: 0,
        minNoticeMinutes: 0,
        horizonDays: 14,
        dailyCap: null,
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "BAD_REQUEST" });
    const fields = Object.keys((error as { cause: { fieldErrors: Record<string, string[]> } }).cause.fieldErrors);
    expect(fields).toEqual(expect.arrayContaining(["timeZone"]));
    expect(fields.some((f) => f.startsWith("weekly.0"))).toBe(true);
    expect(await app.db.coachAvailability.findUniqueOrThrow({ where: { coachProfileId: coach.profile.id } })).toEqual(
      before,
    );
    await expect(
      (await api(ann)).bookings.setAvailability({
        timeZone: "UTC",
        weekly: [],
        overrides: [],
        bufferBeforeMinutes: 0,
        bufferAfterMinutes: 0,
        minNoticeMinutes: 0,
        horizonDays: 14,
        dailyCap: null,
      }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("hold expiry through the job queue", () => {
  it("releases run-out holds with the minute sweep; a single hold's expiry job still runs", async () => {
    const { startRecurringJobs } = await import("@server/jobs/recurring.ts");
    // A coach of its own, so that these holds and the sweep touch no other test's bookings.
    const sweeper = await createCoach(app, tenant, { name: "Hold Sweeper", priceMinor: 5000 });
    await (
      await api(sweeper)
    ).bookings.setAvailability({
      timeZone: "UTC",
      weekly: [1, 2, 3, 4, 5].map((weekday) => ({ weekday: weekday as 1, start: "07:00", end: "10:00" })),
      overrides: [],
      bufferBeforeMinutes: 0,
      bufferAfterMinutes: 0,
      minNoticeMinutes: 60,
      horizonDays: 14,
      dailyCap: null,
      slotStepMinutes: 30,
    });
    const hold = async (u: U, startsAt: string) =>
      (await api(u)).bookings.hold({ serviceId: sweeper.service!.id, startsAt, topic: "", clientNotes: "" });
    const swept = await hold(ann, "2026-06-02T07:00:00.000Z");
    const single = await hold(bob, "2026-06-02T08:30:00.000Z");
    const fresh = await hold(bob, "2026-06-03T07:00:00.000Z");
    app.clock.advance(20 * 60_000);
    const statusOf = async (id: string) => (await app.db.booking.findUniqueOrThrow({ where: { id } })).status;
    const { jobs, tandem: withJobs, log, stop } = await withJobQueue(app);
    try {
      await jobs.send("bookings.expire-hold", { bookingId: single.id });
      await expect.poll(() => statusOf(single.id), { timeout: 15_000, interval: 200 }).toBe("CANCELLED");
      expect(await statusOf(swept.id)).toBe("PENDING"); // the single job touched only its own hold
      await expect(jobs.send("bookings.expire-hold", { bookingId: "not-a-uuid" })).rejects.toThrow();

      // The sweep runs once when the recurring jobs start, then every minute.
      await startRecurringJobs(jobs, withJobs.services, log);
      await expect.poll(() => statusOf(swept.id), { timeout: 15_000, interval: 200 }).toBe("CANCELLED");
      expect(await statusOf(fresh.id)).toBe("CANCELLED");
      // A hold made after the clock moved on has 15 minutes to run: the sweep leaves it alone.
      const running = await hold(ann, "2026-06-04T07:00:00.000Z");
      expect(await app.tandem.services.bookings.expireDueHolds()).toEqual({ expired: 0 });
      expect(await statusOf(running.id)).toBe("PENDING");
      const released = await app.db.booking.findUniqueOrThrow({ where: { id: swept.id } });
      expect(released.cancellationReason).toBe("The hold expired before payment.");
    } finally {
      await stop();
    }
  }, 40_000);
});

describe("booking detail", () => {
  it("shows the booking to its client and coach only, with the policy and without the room name", async () => {
    const held = await (
      await api(ann)
    ).bookings.hold({ serviceId: coach.service!.id, startsAt: "2026-06-10T07:00:00.000Z", topic: "", clientNotes: "" });
    const forClient = await (await api(ann)).bookings.detail({ bookingId: held.id });
    expect(forClient).toMatchObject({ viewerIsClient: true, holdActive: true, hasRoom: true });
    expect(forClient.policy).toContain("at least 24 hours before the start for a full refund");
    expect("room" in forClient).toBe(false);
    expect((await (await api(coach)).bookings.detail({ bookingId: held.id })).viewerIsClient).toBe(false);
    await expect((await api(bob)).bookings.detail({ bookingId: held.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("with Stripe configured", () => {
  it("refuses to hold a time with a coach whose payouts are not enabled, and accepts once they are", async () => {
    const stripeApp = await createTestApp({
      STRIPE_SECRET_KEY: "sk_test_tandem",
      STRIPE_WEBHOOK_SECRET: "whsec_tandem",
    });
    try {
      stripeApp.clock.advance(MONDAY.getTime() - stripeApp.clock.now().getTime());
      const t = await createTenant(stripeApp);
      const c = await createCoach(stripeApp, t, { priceMinor: 5000 });
      const client = await createUser(stripeApp, t);
      await (
        await stripeApp.as(c.token)
      ).api.bookings.setAvailability({
        timeZone: "UTC",
        weekly: [{ weekday: 2, start: "09:00", end: "12:00" }],
        overrides: [],
        bufferBeforeMinutes: 0,
        bufferAfterMinutes: 0,
        minNoticeMinutes: 0,
        horizonDays: 14,
        dailyCap: null,
      });
      const input = { serviceId: c.service!.id, startsAt: "2026-06-02T09:00:00.000Z", topic: "", clientNotes: "" };
      await expect((await stripeApp.as(client.token)).api.bookings.hold(input)).rejects.toMatchObject({
        code: "CONFLICT",
        message: expect.stringContaining("payouts are not set up"),
      });
      await stripeApp.db.coachProfile.update({ where: { id: c.profile.id }, data: { payoutsEnabled: true } });
      expect((await (await stripeApp.as(client.token)).api.bookings.hold(input)).status).toBe("PENDING");
    } finally {
      await stripeApp.close();
    }
  });
});

describe("directory: free in the next days", () => {
  it("lists coaches by their next free slot, kept current as hours and bookings change", async () => {
    const t = await createTenant(app);
    const open = await createCoach(app, t, { name: "Open Hours", priceMinor: 5000 });
    const closed = await createCoach(app, t, { name: "No Hours", priceMinor: 5000 });
    const viewer = await createUser(app, t);
    const search = async (days?: number) =>
      (await (await api(viewer)).directory.search({ freeWithinDays: days })).results.map((r) => r.displayName).sort();
    expect(await search()).toEqual(["No Hours", "Open Hours"]);
    expect(await search(7)).toEqual([]);

    // One 60-minute opening on Tuesday 2 June: free within 7 days.
    await (
      await api(open)
    ).bookings.setAvailability({
      timeZone: "UTC",
      weekly: [],
      overrides: [{ date: "2026-06-02", intervals: [{ start: "10:00", end: "11:00" }] }],
      bufferBeforeMinutes: 0,
      bufferAfterMinutes: 0,
      minNoticeMinutes: 0,
      horizonDays: 30,
      dailyCap: null,
    });
    expect(await search(7)).toEqual(["Open Hours"]);
    expect(
      (
        await app.db.coachAvailability.findUniqueOrThrow({ where: { coachProfileId: open.profile.id } })
      ).nextFreeSlotAt?.toISOString(),
    ).toBe("2026-06-02T10:00:00.000Z");
    expect(await search(1)).toEqual([]); // not within one day of Monday 06:00

    // Once that only slot is held, the coach is no longer free this week: the directory follows
    // a booking shortly after it (refreshes are coalesced per coach), not within the request.
    await (
      await api(viewer)
    ).bookings.hold({ serviceId: open.service!.id, startsAt: "2026-06-02T10:00:00.000Z", topic: "", clientNotes: "" });
    await expect.poll(() => search(7), { timeout: 5_000 }).toEqual([]);
    expect(await app.db.coachAvailability.findUnique({ where: { coachProfileId: closed.profile.id } })).toBeNull(); // no hours, so never free
  });
});

describe("directory: next free slot after holds", () => {
  it("moves the coach's next free slot along as the earliest times are held, as a recount from scratch finds it", async () => {
    const t = await createTenant(app);
    const busy = await createCoach(app, t, { name: "Busy Bee", priceMinor: 5000 });
    const clients = [await createUser(app, t), await createUser(app, t)];
    // Two sessions a day at most, a 30-minute buffer after each, Monday to Wednesday mornings.
    await (
      await api(busy)
    ).bookings.setAvailability({
      timeZone: "America/New_York",
      weekly: [1, 2, 3].map((weekday) => ({ weekday: weekday as 1, start: "09:00", end: "12:00" })),
      overrides: [],
      bufferBeforeMinutes: 0,
      bufferAfterMinutes: 30,
      minNoticeMinutes: 60,
      horizonDays: 30,
      dailyCap: 2,
      slotStepMinutes: 30,
    });
    const services = app.tandem.services.bookings;
    const stored = async () =>
      (
        await app.db.coachAvailability.findUniqueOrThrow({ where: { coachProfileId: busy.profile.id } })
      ).nextFreeSlotAt?.toISOString() ?? null;
    const recount = async () =>
      (
        await services.freeSlots(busy.profile.id, 60, {
          from: app.clock.now(),
          to: new Date(app.clock.now().getTime() + 31 * 86_400_000),
        })
      )[0]?.start.toISOString() ?? null;
    expect(await stored()).toBe(await recount());
    const seen = new Set<string | null>();
    for (let i = 0; i < 8; i++) {
      const next = await stored();
      expect(next).not.toBeNull();
      await (
        await api(clients[i % 2]!)
      ).bookings.hold({ serviceId: busy.service!.id, startsAt: next!, topic: "", clientNotes: "" });
      await services.settled();
      expect(await stored()).toBe(await recount());
      seen.add(await stored());
    }
    // The cap and the buffer moved it across days, not only along one morning.
    expect(new Set([...seen].map((iso) => iso?.slice(0, 10))).size).toBeGreaterThanOrEqual(3);
  });
});

describe("cancelling", () => {
  const book = async (u: U, startsAt: string) => {
    const held = await (
      await api(u)
    ).bookings.hold({ serviceId: coach.service!.id, startsAt, topic: "", clientNotes: "" });
    await (await api(u)).payments.payLocal({ bookingId: held.id });
    return held;
  };
  const refunds = (bookingId: string) => app.db.ledgerEntry.findMany({ where: { bookingId, kind: "REFUND" } });

  it("refunds a client in full 24 hours ahead, frees the time and tells the coach", async () => {
    const booking = await book(ann, "2026-06-11T07:00:00.000Z"); // ten days ahead
    expect(await (await api(ann)).bookings.cancellationPreview({ bookingId: booking.id })).toEqual({
      refundMinor: 6001,
      currency: "EUR",
      paid: true,
      creditReturned: null,
    });
    expect(await (await api(ann)).bookings.cancel({ bookingId: booking.id, reason: "Travelling" })).toEqual({
      refundMinor: 6001,
      currency: "EUR",
      creditReturned: null,
    });
    expect((await app.db.booking.findUniqueOrThrow({ where: { id: booking.id } })).status).toBe("CANCELLED");
    expect((await refunds(booking.id)).map((r) => r.amountMinor)).toEqual([6001]);
    expect(await slotsOn(bob, "2026-06-11")).toContain("07:00");
    const coachNotes = await (await api(coach)).notifications.list();
    expect(coachNotes[0]).toMatchObject({
      title: "A client cancelled a session",
      body: expect.stringContaining("60.01 EUR is refunded"),
    });
    await expect((await api(ann)).bookings.cancel({ bookingId: booking.id, reason: "" })).rejects.toMatchObject({
      code: "CONFLICT",
    });
  });

  it("refunds half when the client cancels late, everything when the coach cancels, and nothing for an unpaid hold", async () => {
    const late = await book(ann, "2026-06-01T09:00:00.000Z"); // later today: under 24 hours ahead
    expect((await (await api(ann)).bookings.cancel({ bookingId: late.id, reason: "" })).refundMinor).toBe(3000);

    const byCoach = await book(ann, "2026-06-01T08:00:00.000Z");
    expect((await (await api(coach)).bookings.cancel({ bookingId: byCoach.id, reason: "Ill" })).refundMinor).toBe(6001);
    expect((await (await api(ann)).notifications.list())[0]).toMatchObject({ title: "Your session was cancelled" });

    const unpaid = await (
      await api(ann)
    ).bookings.hold({ serviceId: coach.service!.id, startsAt: "2026-06-08T08:00:00.000Z", topic: "", clientNotes: "" });
    expect((await (await api(ann)).bookings.cancel({ bookingId: unpaid.id, reason: "" })).refundMinor).toBe(0);
    expect(await refunds(unpaid.id)).toEqual([]);
  });

  it("lets no one else cancel", async () => {
    const booking = await book(ann, "2026-06-10T09:00:00.000Z");
    await expect((await api(bob)).bookings.cancel({ bookingId: booking.id, reason: "" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect((await app.db.booking.findUniqueOrThrow({ where: { id: booking.id } })).status).toBe("CONFIRMED");
  });
});

describe("reminders", () => {
  it("reminds client and coach of a confirmed session in their own time zones, and not of a cancelled one", async () => {
    await app.db.user.update({ where: { id: ann.user.id }, data: { timeZone: "America/New_York" } });
    const held = await (
      await api(ann)
    ).bookings.hold({ serviceId: coach.service!.id, startsAt: "2026-06-03T08:30:00.000Z", topic: "", clientNotes: "" });
    expect(await app.tandem.services.bookings.sendReminder(held.id, "24h")).toEqual({ sent: 0 }); // not confirmed yet
    await (await api(ann)).payments.payLocal({ bookingId: held.id });
    expect(await app.tandem.services.bookings.sendReminder(held.id, "24h")).toEqual({ sent: 2 });
    const forAnn = await app.db.notification.findFirstOrThrow({
      where: { userId: ann.user.id, kind: "booking.reminder.24h" },
    });
    expect(forAnn.body).toContain("Wednesday, 3 June 2026 at 04:30"); // 08:30 UTC in New York
    expect(await app.db.outboxMessage.count({ where: { to: ann.email, subject: { startsWith: "Reminder:" } } })).toBe(
      1,
    );
    await (await api(ann)).bookings.cancel({ bookingId: held.id, reason: "" });
    expect(await app.tandem.services.bookings.sendReminder(held.id, "1h")).toEqual({ sent: 0 });
  });
});

describe("calendar file", () => {
  it("gives the booking's client and coach an .ics with the session's UTC times", async () => {
    const held = await (
      await api(bob)
    ).bookings.hold({
      serviceId: coach.service!.id,
      startsAt: "2026-06-05T09:00:00.000Z",
      topic: "Focus",
      clientNotes: "",
    });
    const ics = await (await api(bob)).bookings.calendarFile({ bookingId: held.id });
    expect(ics).toContain("BEGIN:VEVENT");
    expect(ics).toContain(`UID:${held.id}@tandem`);
    expect(ics).toContain("DTSTART:20260605T090000Z");
    expect(ics).toContain("DTEND:20260605T100000Z");
    expect(ics).toContain("STATUS:TENTATIVE");
    expect(await (await api(coach)).bookings.calendarFile({ bookingId: held.id })).toContain(
      "SUMMARY:Coaching session with Sched Uled",
    );
    await expect((await api(ann)).bookings.calendarFile({ bookingId: held.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});

describe("the coach's bookings", () => {
  it("lists the coach's sessions with client names, without released holds, and refuses clients", async () => {
    const list = await (await api(coach)).bookings.forCoach();
    expect(list.length).toBeGreaterThan(0);
    const expired = await app.db.booking.findMany({
      where: { coachProfileId: coach.profile.id, status: "CANCELLED", confirmedAt: null },
      select: { id: true },
    });
    expect(expired.length).toBeGreaterThan(0);
    for (const e of expired) expect(list.map((b) => b.id)).not.toContain(e.id);
    expect(new Set(list.map((b) => b.clientName))).toEqual(new Set(["Ann", "Bob"]));
    await expect((await api(ann)).bookings.forCoach()).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("earnings", () => {
  it("add up from the ledger: gross, fees and net per month, refunds taken back in proportion, and sessions to come", async () => {
    const t = await createTenant(app);
    await app.db.tenant.update({ where: { id: t.id }, data: { platformFeeBps: 1000 } });
    const c = await createCoach(app, t, { name: "Earner", priceMinor: 10_000 });
    const client = await createUser(app, t);
    const admin = await createUser(app, t, "TENANT_ADMIN");
    await (
      await app.as(c.token)
    ).api.bookings.setAvailability({
      timeZone: "UTC",
      weekly: [{ weekday: 3, start: "09:00", end: "17:00" }],
      overrides: [],
      bufferBeforeMinutes: 0,
      bufferAfterMinutes: 0,
      minNoticeMinutes: 0,
      horizonDays: 14,
      dailyCap: null,
    });
    const pay = async (startsAt: string) => {
      const held = await (
        await app.as(client.token)
      ).api.bookings.hold({ serviceId: c.service!.id, startsAt, topic: "", clientNotes: "" });
      await (await app.as(client.token)).api.payments.payLocal({ bookingId: held.id });
      return held;
    };
    await pay("2026-06-10T09:00:00.000Z");
    const cancelled = await pay("2026-06-10T11:00:00.000Z");
    await (await app.as(c.token)).api.bookings.cancel({ bookingId: cancelled.id, reason: "" }); // coach cancels: full refund

    const mine = await (await app.as(c.token)).api.earnings.mine();
    expect(mine.months).toHaveLength(1);
    expect(mine.months[0]).toMatchObject({
      currency: "EUR",
      grossMinor: 20_000,
      refundedMinor: 10_000,
      feesMinor: 1_000,
      netMinor: 9_000,
    });
    expect(mine.upcoming).toEqual([{ currency: "EUR", sessions: 1, payoutMinor: 9_000 }]);
    const platform = await (await app.as(admin.token)).api.earnings.tenant();
    expect(platform.months[0]).toMatchObject({ feesMinor: 1_000 });
    const sum = platform.months[0]!;
    expect(sum.grossMinor - sum.refundedMinor).toBe(sum.feesMinor + sum.netMinor); // reconciles
  });
});

describe("rescheduling", () => {
  it("moves a confirmed booking to another offered time without paying again, frees the old time and drops stale reminders", async () => {
    const held = await (
      await api(bob)
    ).bookings.hold({ serviceId: coach.service!.id, startsAt: "2026-06-09T07:00:00.000Z", topic: "", clientNotes: "" });
    await (await api(bob)).payments.payLocal({ bookingId: held.id });
    const options = (
      await (
        await api(bob)
      ).bookings.rescheduleOptions({ bookingId: held.id, from: "2026-06-09T00:00:00Z", to: "2026-06-10T00:00:00Z" })
    ).map((s) => new Date(s.start).toISOString().slice(11, 16));
    expect(options).toContain("07:00"); // its own time does not block it
    const moved = await (
      await api(bob)
    ).bookings.reschedule({ bookingId: held.id, startsAt: "2026-06-09T08:30:00.000Z" });
    expect(moved).toMatchObject({
      status: "CONFIRMED",
      startsAt: new Date("2026-06-09T08:30:00.000Z"),
      endsAt: new Date("2026-06-09T09:30:00.000Z"),
    });
    expect(await app.db.ledgerEntry.count({ where: { bookingId: held.id, kind: "CHARGE" } })).toBe(1); // paid once
    expect(await slotsOn(ann, "2026-06-09")).toContain("07:00");
    expect((await (await api(coach)).notifications.list())[0]).toMatchObject({
      title: "A session was moved to a new time",
    });
    expect(
      await app.tandem.services.bookings.sendReminder(held.id, "24h", new Date("2026-06-09T07:00:00.000Z")),
    ).toEqual({ sent: 0 });
    expect(
      await app.tandem.services.bookings.sendReminder(held.id, "24h", new Date("2026-06-09T08:30:00.000Z")),
    ).toEqual({ sent: 2 });
  });

  it("refuses a time that is taken, a booking too close to its start, and unpaid holds", async () => {
    const a = await (
      await api(ann)
    ).bookings.hold({ serviceId: coach.service!.id, startsAt: "2026-06-11T09:00:00.000Z", topic: "", clientNotes: "" });
    await (await api(ann)).payments.payLocal({ bookingId: a.id });
    const b = await (
      await api(bob)
    ).bookings.hold({ serviceId: coach.service!.id, startsAt: "2026-06-12T07:00:00.000Z", topic: "", clientNotes: "" });
    await expect(
      (await api(bob)).bookings.reschedule({ bookingId: b.id, startsAt: "2026-06-12T09:00:00.000Z" }),
    ).rejects.toMatchObject({ code: "CONFLICT", message: "Only confirmed bookings can be moved." });
    await (await api(bob)).payments.payLocal({ bookingId: b.id });
    await expect(
      (await api(bob)).bookings.reschedule({ bookingId: b.id, startsAt: "2026-06-11T09:00:00.000Z" }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    const soon = await (
      await api(bob)
    ).bookings.hold({ serviceId: coach.service!.id, startsAt: "2026-06-01T09:00:00.000Z", topic: "", clientNotes: "" }); // later today
    await (await api(bob)).payments.payLocal({ bookingId: soon.id });
    await expect(
      (await api(bob)).bookings.reschedule({ bookingId: soon.id, startsAt: "2026-06-12T09:00:00.000Z" }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
      message: "Sessions can be moved up to 24 hours before they start.",
    });
    expect((await app.db.booking.findUniqueOrThrow({ where: { id: soon.id } })).startsAt.toISOString()).toBe(
      "2026-06-01T09:00:00.000Z",
    );
  });
});

describe("coach calendar feed", () => {
  it("serves the coach's confirmed sessions at a secret URL that can be replaced", async () => {
    const { url } = await (await api(coach)).bookings.calendarFeed();
    expect(url).toMatch(/^http:\/\/localhost\/calendar\/[A-Za-z0-9_-]{32}\.ics$/);
    expect((await (await api(coach)).bookings.calendarFeed()).url).toBe(url); // stable until replaced
    const token = url.split("/").pop()!.slice(0, -4);
    const feed = (await app.tandem.services.bookings.calendarFeed(token, "https://tandem.test"))!;
    const confirmed = await app.db.booking.findMany({
      where: { coachProfileId: coach.profile.id, status: "CONFIRMED" },
      select: { id: true },
    });
    expect(confirmed.length).toBeGreaterThan(0);
    for (const b of confirmed) expect(feed).toContain(`UID:${b.id}@tandem`);
    const cancelled = await app.db.booking.findFirstOrThrow({
      where: { coachProfileId: coach.profile.id, status: "CANCELLED" },
    });
    expect(feed).not.toContain(cancelled.id);
    const renewed = await (await api(coach)).bookings.calendarFeed({ renew: true });
    expect(renewed.url).not.toBe(url);
    expect(await app.tandem.services.bookings.calendarFeed(token, "https://tandem.test")).toBeNull();
    expect(await app.tandem.services.bookings.calendarFeed("../../etc/passwd", "https://tandem.test")).toBeNull();
  });
});
