import { loadKeyring } from "@server/crypto/keyring.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ACCOUNTS, seedDemo } from "@server/services/seed/service.ts";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import {
  createBooking,
  createCoach,
  createPackagePurchase,
  createSessionThread,
  createTenant,
  createUser,
} from "../helpers/factories.ts";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app?.close());

describe("test factories", () => {
  it("build bookings in every state with the fields that state implies", async () => {
    const tenant = await createTenant(app);
    const coach = await createCoach(app, tenant, { priceMinor: 10_000 });
    const client = await createUser(app, tenant);
    const now = app.clock.now();

    const hold = await createBooking(app, coach, client.user.id, "PENDING");
    expect(hold.holdExpiresAt!.getTime()).toBe(now.getTime() + 15 * 60_000);
    expect(hold.confirmedAt).toBeNull();

    const paid = await createBooking(app, coach, client.user.id, "CONFIRMED", {
      startsAt: new Date(now.getTime() + 5 * 24 * 3_600_000),
    });
    expect(paid).toMatchObject({ priceMinor: 10_000, platformFeeMinor: 1500, coachPayoutMinor: 8500 });
    expect(paid.confirmedAt).not.toBeNull();
    expect(paid.room).toBeTruthy();

    const completed = await createBooking(app, coach, client.user.id, "COMPLETED");
    expect(completed.endsAt.getTime()).toBeLessThan(now.getTime());
    expect(completed.outcomeAt).not.toBeNull();
    const noShow = await createBooking(app, coach, client.user.id, "NO_SHOW", {
      startsAt: new Date(now.getTime() - 5 * 24 * 3_600_000),
    });
    expect(noShow.outcomeSummary).toBeTruthy();

    const cancelled = await createBooking(app, coach, client.user.id, "CANCELLED", { startsAt: hold.startsAt });
    expect(cancelled).toMatchObject({ cancelledById: client.user.id, room: null });
    expect(cancelled.cancelledAt).not.toBeNull();
  });

  it("build package purchases and session threads that the services accept", async () => {
    const tenant = await createTenant(app);
    const coach = await createCoach(app, tenant, { priceMinor: 6000 });
    const client = await createUser(app, tenant);

    const { purchase } = await createPackagePurchase(app, coach, client.user.id, { sessions: 4, priceMinor: 20_000 });
    expect(purchase).toMatchObject({ status: "PAID", sessionsTotal: 4, creditsRemaining: 4, platformFeeMinor: 3000 });
    const { purchase: pending } = await createPackagePurchase(app, coach, client.user.id, { status: "PENDING" });
    expect(pending).toMatchObject({ status: "PENDING", creditsRemaining: 0, paidAt: null });

    const booking = await createBooking(app, coach, client.user.id, "CONFIRMED");
    const thread = await createSessionThread(app, booking);
    expect(thread.members.map((m) => m.userId).sort()).toEqual([client.user.id, coach.user.id].sort());
    const opened = await app.tandem.services.sessions.sessionThread(
      { userId: client.user.id, tenantId: tenant.id },
      booking.id,
    );
    expect(opened.threadId).toBe(thread.id);
  });
});

describe("demo seed", () => {
  it("creates the demo organisation with one account per role once, through the shared builders", async () => {
    const keyring = loadKeyring(app.tandem.env);
    expect(await seedDemo({ db: app.db, keyring }, "demo-seed")).toBe(true);
    expect(await seedDemo({ db: app.db, keyring }, "demo-seed")).toBe(false);
    const tenant = await app.db.tenant.findUniqueOrThrow({ where: { slug: "demo-seed" } });
    const members = await app.db.membership.findMany({ where: { tenantId: tenant.id }, include: { user: true } });
    // One account per role, plus the demo coach's other clients of the coaching workspace.
    expect(members.map((m) => m.user.email)).toEqual(expect.arrayContaining(DEMO_ACCOUNTS.map((a) => a.email)));
    const coaches = await app.db.coachProfile.findMany({ where: { tenantId: tenant.id }, include: { services: true } });
    expect(coaches).toHaveLength(2);
    for (const c of coaches) {
      expect(c.status).toBe("APPROVED");
      expect(c.services).toHaveLength(1);
      expect(c.minPriceMinor).toBe(c.services[0]!.priceMinor);
    }
    const client = await app.db.user.findUniqueOrThrow({ where: { email: "client@tandem.test" } });
    expect(
      await app.db.journalEntry.count({ where: { userId: client.id, body: { not: null } } }),
    ).toBeGreaterThanOrEqual(30);
    expect(await app.db.exerciseCompletion.count({ where: { userId: client.id } })).toBe(10);
  });
});
