import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { action as localPackagePayAction } from "~/routes/pay.local.package.$purchaseId.tsx";
import { action as stripeWebhook } from "~/routes/webhooks.stripe.ts";
import { createTestApp, type TestApp, withJobQueue } from "../helpers/app.ts";
import { createCoach, createTenant, createUser, WEEKDAY_MORNINGS } from "../helpers/factories.ts";
import { checkoutCompletedEvent, fakeStripe, stripeTestEnv } from "../helpers/fake-stripe.ts";

/**
 * Packages of sessions: a coach sells N sessions at a discount, a client pays once (Stripe
 * Checkout through the fake Stripe API and a signed webhook, or the local test checkout) and
 * books with credits. Also the tenant's payout schedule, applied to the coaches' Stripe accounts.
 */

const WEBHOOK_SECRET = "whsec_test_tandem_packages";
const signer = new Stripe("sk_test_signer_only");
// Monday 1 June 2026, 06:00 UTC; the coach works 09:00–12:00 Amsterdam time (07:00–10:00Z).
const MONDAY = new Date("2026-06-01T06:00:00Z");
type U = Awaited<ReturnType<typeof createUser>>;

async function setUpMarket(app: TestApp) {
  app.clock.advance(MONDAY.getTime() - app.clock.now().getTime());
  const tenant = await createTenant(app);
  await app.db.tenant.update({
    where: { id: tenant.id },
    data: {
      platformFeeBps: 1000,
      cancellationFullRefundHours: 48,
      lateCancellationRefundPercent: 25,
      minServicePriceMinor: 2000,
    },
  });
  const coach = await createCoach(app, tenant, { name: "Package Coach", priceMinor: 5000 });
  const other = await createCoach(app, tenant, { name: "Other Coach", priceMinor: 4000 });
  const ann = await createUser(app, tenant, "CLIENT", { name: "Ann" });
  const bob = await createUser(app, tenant, "CLIENT", { name: "Bob" });
  const admin = await createUser(app, tenant, "TENANT_ADMIN", { name: "Admin" });
  await (await app.as(coach.token)).api.bookings.setAvailability(WEEKDAY_MORNINGS);
  const api = async (u: { token: string }) => (await app.as(u.token)).api;
  const pkg = await (
    await api(coach)
  ).packages.create({
    serviceId: coach.service!.id,
    name: "Three sessions",
    description: "Save 15%",
    sessionCount: 3,
    priceMinor: 12750,
  });
  return { tenant, coach, other, ann, bob, admin, pkg, api };
}

describe("packages with Stripe (real SDK, fake API server)", () => {
  const stripe = fakeStripe();
  let app: TestApp;
  let m: Awaited<ReturnType<typeof setUpMarket>>;
  let purchaseId: string;

  const deliver = async (payload: string) => {
    const headers = new Headers({
      "content-type": "application/json",
      "stripe-signature": signer.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }),
    });
    const request = new Request("http://localhost/webhooks/stripe", { method: "POST", headers, body: payload });
    return stripeWebhook({ request, context: { tandem: app.tandem, clientIp: "127.0.0.1" }, params: {} });
  };
  const completed = (eventId: string, purchase: { id: string; priceMinor: number }, paymentIntent: string) =>
    checkoutCompletedEvent(
      eventId,
      { reference: purchase.id, amountMinor: purchase.priceMinor, metadata: { packagePurchaseId: purchase.id } },
      paymentIntent,
    );

  beforeAll(async () => {
    const port = await stripe.listen();
    app = await createTestApp(stripeTestEnv(port, WEBHOOK_SECRET));
    m = await setUpMarket(app);
  });
  afterAll(async () => {
    await app?.close();
    await stripe.close();
  });

  it("does not sell packages of a coach whose payouts are not set up", async () => {
    await expect((await m.api(m.ann)).packages.startCheckout({ packageId: m.pkg.id })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("payouts are not set up"),
    });
    expect(await app.db.packagePurchase.count()).toBe(0);
    expect(stripe.posts("/v1/checkout/sessions")).toHaveLength(0);
  });

  it("gives a new connected account the tenant's payout schedule right after it is created", async () => {
    await app.db.tenant.update({
      where: { id: m.tenant.id },
      data: { payoutSchedule: "MONTHLY", payoutMonthlyAnchor: 10 },
    });
    await (await m.api(m.coach)).payments.coachOnboarding();
    const account = (await app.db.coachProfile.findUniqueOrThrow({ where: { id: m.coach.profile.id } }))
      .stripeAccountId!;
    const [update] = stripe.posts(`/v1/accounts/${account}`);
    expect(Object.fromEntries(update!.form)).toEqual({
      "settings[payouts][schedule][interval]": "monthly",
      "settings[payouts][schedule][monthly_anchor]": "10",
    });
    expect(update!.idempotencyKey).toMatch(
      new RegExp(`^tandem-payout-schedule-${m.coach.profile.id}-monthly-10-\\d+$`),
    );
    stripe.accounts.get(account)!.payouts_enabled = true;
    expect((await (await m.api(m.coach)).payments.coachPayoutStatus()).canSell).toBe(true);
  });

  it("creates a Checkout Session for the package with the fee and the coach as destination, idempotently", async () => {
    const { url, purchaseId: id } = await (await m.api(m.ann)).packages.startCheckout({ packageId: m.pkg.id });
    purchaseId = id;
    expect(url).toMatch(/^https:\/\/checkout\.stripe\.test\/c\/pay\/cs_test_fake\d+$/);
    const purchase = await app.db.packagePurchase.findUniqueOrThrow({ where: { id } });
    expect(purchase).toMatchObject({
      status: "PENDING",
      sessionsTotal: 3,
      creditsRemaining: 0,
      priceMinor: 12750,
      platformFeeMinor: 1275,
      coachPayoutMinor: 11475,
      currency: "EUR",
    });
    const account = (await app.db.coachProfile.findUniqueOrThrow({ where: { id: m.coach.profile.id } }))
      .stripeAccountId;
    const [sent] = stripe.posts("/v1/checkout/sessions");
    expect(sent!.idempotencyKey).toBe(`tandem-checkout-package-${id}`);
    expect(Object.fromEntries(sent!.form)).toMatchObject({
      mode: "payment",
      "line_items[0][price_data][unit_amount]": "12750",
      "line_items[0][price_data][currency]": "eur",
      "line_items[0][price_data][product_data][name]": "Three sessions: 3 × Coaching session with Package Coach",
      "payment_intent_data[application_fee_amount]": "1275",
      "payment_intent_data[transfer_data][destination]": account,
      "metadata[packagePurchaseId]": id,
      "payment_intent_data[metadata][packagePurchaseId]": id,
      client_reference_id: id,
      customer_email: m.ann.email,
      success_url: `http://localhost/packages?paid=${id}`,
    });
    expect(sent!.form.has("metadata[bookingId]")).toBe(false);
    // Asking again before paying reuses the purchase, so Stripe sees the same key.
    const again = await (await m.api(m.ann)).packages.startCheckout({ packageId: m.pkg.id });
    expect(again.purchaseId).toBe(id);
    expect(stripe.posts("/v1/checkout/sessions").at(-1)!.idempotencyKey).toBe(`tandem-checkout-package-${id}`);
    expect(await app.db.packagePurchase.count()).toBe(1);
  });

  it("activates the credits on a signed checkout.session.completed; redeliveries and late events change nothing", async () => {
    const purchase = await app.db.packagePurchase.findUniqueOrThrow({ where: { id: purchaseId } });
    // A wrong amount is recorded and changes nothing.
    const wrong = await deliver(completed("evt_pkg_wrong", { id: purchaseId, priceMinor: 100 }, "pi_wrong"));
    expect(await wrong.json()).toMatchObject({ outcome: "AMOUNT_MISMATCH" });
    expect((await app.db.packagePurchase.findUniqueOrThrow({ where: { id: purchaseId } })).status).toBe("PENDING");

    const res = await deliver(completed("evt_pkg_1", purchase, "pi_pkg_1"));
    expect(await res.json()).toEqual({ received: true, duplicate: false, outcome: "CONFIRMED" });
    const paid = await app.db.packagePurchase.findUniqueOrThrow({ where: { id: purchaseId } });
    expect(paid).toMatchObject({ status: "PAID", creditsRemaining: 3 });
    expect(paid.paidAt?.toISOString()).toBe(app.clock.now().toISOString());
    const ledger = await app.db.ledgerEntry.findMany({
      where: { packagePurchaseId: purchaseId },
      orderBy: { kind: "asc" },
    });
    expect(ledger.map((l) => [l.kind, l.amountMinor, l.reference, l.bookingId])).toEqual([
      ["CHARGE", 12750, "pi_pkg_1", null],
      ["PLATFORM_FEE", 1275, "pi_pkg_1", null],
      ["COACH_TRANSFER", 11475, "pi_pkg_1", null],
    ]);

    // The same event again, and another event for the same session (e.g. async_payment_succeeded).
    expect(await (await deliver(completed("evt_pkg_1", purchase, "pi_pkg_1"))).json()).toEqual({
      received: true,
      duplicate: true,
      outcome: "CONFIRMED",
    });
    expect(await (await deliver(completed("evt_pkg_2", purchase, "pi_pkg_1"))).json()).toEqual({
      received: true,
      duplicate: false,
      outcome: "ALREADY_CONFIRMED",
    });
    // A credit used in between is not given back by a late event.
    await app.db.packagePurchase.update({ where: { id: purchaseId }, data: { creditsRemaining: 2 } });
    await deliver(completed("evt_pkg_3", purchase, "pi_pkg_1"));
    expect((await app.db.packagePurchase.findUniqueOrThrow({ where: { id: purchaseId } })).creditsRemaining).toBe(2);
    expect(await app.db.ledgerEntry.count({ where: { packagePurchaseId: purchaseId } })).toBe(3);
    // A payment for a purchase that does not exist is recorded as such.
    const unknown = await deliver(
      completed("evt_pkg_x", { id: "00000000-0000-4000-8000-000000000000", priceMinor: 1 }, "pi_x"),
    );
    expect(await unknown.json()).toMatchObject({ outcome: "UNKNOWN_PURCHASE" });
  });

  it("the local test payment is refused while Stripe is configured", async () => {
    await expect((await m.api(m.ann)).packages.payLocal({ purchaseId })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("applies a changed payout schedule to every coach's account, with a key per change", async () => {
    const otherAccount = (await (await m.api(m.other)).payments.coachOnboarding(),
    await app.db.coachProfile.findUniqueOrThrow({ where: { id: m.other.profile.id } })).stripeAccountId!;
    const account = (await app.db.coachProfile.findUniqueOrThrow({ where: { id: m.coach.profile.id } }))
      .stripeAccountId!;
    const before = stripe.seen.length;
    const admin = await m.api(m.admin);
    const saved = await admin.tenant.updatePayoutSchedule({ payoutSchedule: "MONTHLY", payoutMonthlyAnchor: 31 });
    expect(saved).toMatchObject({ payoutSchedule: "MONTHLY", payoutMonthlyAnchor: 31 });
    const updates = stripe.seen.slice(before).filter((s) => s.method === "POST" && s.path.startsWith("/v1/accounts/"));
    expect(updates.map((u) => u.path).sort()).toEqual(
      [`/v1/accounts/${account}`, `/v1/accounts/${otherAccount}`].sort(),
    );
    for (const u of updates)
      expect(Object.fromEntries(u.form)).toEqual({
        "settings[payouts][schedule][interval]": "monthly",
        "settings[payouts][schedule][monthly_anchor]": "31",
      });

    // Back to daily: interval daily, no anchor, a new key; the coach's earnings show the schedule.
    await admin.tenant.updatePayoutSchedule({ payoutSchedule: "DAILY", payoutMonthlyAnchor: 31 });
    const daily = stripe.posts(`/v1/accounts/${account}`).at(-1)!;
    expect(Object.fromEntries(daily.form)).toEqual({ "settings[payouts][schedule][interval]": "daily" });
    expect(daily.idempotencyKey).toMatch(new RegExp(`^tandem-payout-schedule-${m.coach.profile.id}-daily-31-\\d+$`));
    expect((await (await m.api(m.coach)).earnings.mine()).payouts).toEqual({
      schedule: "DAILY",
      monthlyAnchor: 31,
      payoutsEnabled: true,
      nextPayoutOn: "2026-06-02",
    });
    await admin.tenant.updatePayoutSchedule({ payoutSchedule: "MONTHLY", payoutMonthlyAnchor: 15 });
    expect((await (await m.api(m.coach)).earnings.mine()).payouts).toEqual({
      schedule: "MONTHLY",
      monthlyAnchor: 15,
      payoutsEnabled: true,
      nextPayoutOn: "2026-06-15",
    });
    // A coach whose account cannot receive money yet has no next payout.
    await app.db.coachProfile.update({ where: { id: m.coach.profile.id }, data: { payoutsEnabled: false } });
    expect((await (await m.api(m.coach)).earnings.mine()).payouts).toMatchObject({
      payoutsEnabled: false,
      nextPayoutOn: null,
    });
    await app.db.coachProfile.update({ where: { id: m.coach.profile.id }, data: { payoutsEnabled: true } });
    // Saving the same schedule again sends nothing.
    const count = stripe.seen.length;
    await admin.tenant.updatePayoutSchedule({ payoutSchedule: "MONTHLY", payoutMonthlyAnchor: 15 });
    expect(stripe.seen.length).toBe(count);
  });

  it("with a job queue, a schedule change becomes one pg-boss job per coach, which updates the account", async () => {
    const { tandem: node, stop } = await withJobQueue(app);
    try {
      const account = (await app.db.coachProfile.findUniqueOrThrow({ where: { id: m.coach.profile.id } }))
        .stripeAccountId!;
      const before = stripe.posts(`/v1/accounts/${account}`).length;
      await node.services.tenants.updatePayoutSchedule(m.tenant.id, {
        payoutSchedule: "MONTHLY",
        payoutMonthlyAnchor: 7,
      });
      // The per-coach jobs apply it (the queue polls every half second).
      const deadline = Date.now() + 15_000;
      while (stripe.posts(`/v1/accounts/${account}`).length === before && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      const applied = stripe.posts(`/v1/accounts/${account}`).at(-1)!;
      expect(Object.fromEntries(applied.form)).toEqual({
        "settings[payouts][schedule][interval]": "monthly",
        "settings[payouts][schedule][monthly_anchor]": "7",
      });
    } finally {
      await stop();
      await node.close();
    }
  });

  it("validates the payout schedule and lets only tenant admins change it", async () => {
    const admin = await m.api(m.admin);
    await expect(
      admin.tenant.updatePayoutSchedule({ payoutSchedule: "MONTHLY", payoutMonthlyAnchor: 32 }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      admin.tenant.updatePayoutSchedule({ payoutSchedule: "WEEKLY" as "DAILY", payoutMonthlyAnchor: 1 }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      (await m.api(m.coach)).tenant.updatePayoutSchedule({ payoutSchedule: "DAILY", payoutMonthlyAnchor: 1 }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await app.db.tenant.findUniqueOrThrow({ where: { id: m.tenant.id } })).payoutMonthlyAnchor).toBe(7);
  });
});

describe("packages with the local test checkout", () => {
  let app: TestApp;
  let m: Awaited<ReturnType<typeof setUpMarket>>;
  let purchaseId: string;
  const credits = async (id = purchaseId) =>
    (await app.db.packagePurchase.findUniqueOrThrow({ where: { id } })).creditsRemaining;
  const book = async (u: U, startsAt: string) =>
    (await m.api(u)).bookings.hold({
      serviceId: m.coach.service!.id,
      startsAt,
      topic: "",
      clientNotes: "",
      packagePurchaseId: purchaseId,
    });

  beforeAll(async () => {
    app = await createTestApp();
    m = await setUpMarket(app);
  });
  afterAll(() => app?.close());

  it("shows the saving and validates packages", async () => {
    expect(m.pkg).toMatchObject({
      sessionCount: 3,
      priceMinor: 12750,
      singleTotalMinor: 15000,
      savingMinor: 2250,
      serviceName: "Coaching session",
      status: "ACTIVE",
    });
    const coach = await m.api(m.coach);
    const base = {
      serviceId: m.coach.service!.id,
      name: "Bundle",
      description: "",
      sessionCount: 3,
      priceMinor: 12000,
    };
    await expect(coach.packages.create({ ...base, sessionCount: 1 })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("at least 2 sessions"),
    });
    await expect(coach.packages.create({ ...base, priceMinor: 1000 })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      cause: { fieldErrors: { priceMinor: [expect.stringContaining("minimum price")] } },
    });
    await expect(coach.packages.create({ ...base, priceMinor: 15001 })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      cause: { fieldErrors: { priceMinor: [expect.stringContaining("cannot cost more")] } },
    });
    await expect(coach.packages.create({ ...base, serviceId: m.other.service!.id })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      cause: { fieldErrors: { serviceId: [expect.any(String)] } },
    });
    await expect(coach.packages.create({ ...base, name: "x" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect((await m.api(m.ann)).packages.create(base)).rejects.toMatchObject({ code: "FORBIDDEN" });
    // Another coach cannot touch this coach's package.
    await expect(
      (await m.api(m.other)).packages.setArchived({ packageId: m.pkg.id, archived: true }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(
      (await m.api(m.other)).packages.update({ ...base, serviceId: m.other.service!.id, packageId: m.pkg.id }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await app.db.package.count()).toBe(1);

    // Edit, archive (no longer on sale), offer again.
    const extra = await coach.packages.create({ ...base, name: "Five sessions", sessionCount: 5, priceMinor: 20000 });
    expect(
      (
        await coach.packages.update({
          ...base,
          packageId: extra.id,
          name: "Five sessions",
          sessionCount: 5,
          priceMinor: 21000,
        })
      ).savingMinor,
    ).toBe(4000);
    await coach.packages.setArchived({ packageId: extra.id, archived: true });
    const onSale = await (await m.api(m.ann)).packages.forCoach({ coachId: m.coach.profile.id });
    expect(onSale.map((p) => p.id)).toEqual([m.pkg.id]);
    await expect((await m.api(m.ann)).packages.startCheckout({ packageId: extra.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect((await coach.packages.mine()).map((p) => [p.name, p.status])).toEqual([
      ["Three sessions", "ACTIVE"],
      ["Five sessions", "ARCHIVED"],
    ]);
    await expect((await m.api(m.coach)).packages.startCheckout({ packageId: m.pkg.id })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
  });

  it("buys a package through the local test checkout page", async () => {
    const { url, purchaseId: id } = await (await m.api(m.ann)).packages.startCheckout({ packageId: m.pkg.id });
    purchaseId = id;
    expect(url).toBe(`http://localhost/pay/local/package/${id}`);
    // Only the buyer sees or pays it.
    await expect((await m.api(m.bob)).packages.checkoutSummary({ purchaseId: id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect((await m.api(m.bob)).packages.payLocal({ purchaseId: id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    const summary = await (await m.api(m.ann)).packages.checkoutSummary({ purchaseId: id });
    expect(summary.payable).toBe(true);
    // Before paying for a package, the rules for its credits (not a single session's wording).
    expect(summary.policy).toMatch(
      /^Each credit books one session\. Cancel a session at least \d+ hours before its start/,
    );
    expect(summary.policy).toContain("unused credits are not refunded automatically");
    // Credits are not usable before payment.
    await expect(book(m.ann, "2026-06-05T07:00:00.000Z")).rejects.toMatchObject({ code: "CONFLICT" });

    const request = new Request(`http://localhost/pay/local/package/${id}`, {
      method: "POST",
      headers: { cookie: `tandem_session=${m.ann.token}`, "content-type": "application/x-www-form-urlencoded" },
      body: "",
    });
    const res = (await localPackagePayAction({
      request,
      context: { tandem: app.tandem, clientIp: "127.0.0.1" },
      params: { purchaseId: id },
    })) as Response;
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/packages?paid=${id}`);
    expect(await app.db.packagePurchase.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: "PAID",
      creditsRemaining: 3,
    });
    expect(
      (await app.db.ledgerEntry.findMany({ where: { packagePurchaseId: id }, orderBy: { kind: "asc" } })).map((l) => [
        l.kind,
        l.amountMinor,
        l.provider,
      ]),
    ).toEqual([
      ["CHARGE", 12750, "local"],
      ["PLATFORM_FEE", 1275, "local"],
      ["COACH_TRANSFER", 11475, "local"],
    ]);
    // Pressing the button again changes nothing.
    expect(await (await m.api(m.ann)).packages.payLocal({ purchaseId: id })).toMatchObject({
      duplicate: true,
      status: "PAID",
      creditsRemaining: 3,
    });
    expect(await app.db.ledgerEntry.count({ where: { packagePurchaseId: id } })).toBe(3);
    const mine = await (await m.api(m.ann)).packages.myPurchases({ coachId: m.coach.profile.id });
    expect(mine.map((p) => [p.id, p.status, p.creditsRemaining, p.sessionsTotal, p.coachName])).toEqual([
      [id, "PAID", 3, 3, "Package Coach"],
    ]);
    expect(await (await m.api(m.bob)).packages.myPurchases()).toEqual([]);
  });

  it("books with a credit: confirmed at once, no money on the booking, one credit fewer", async () => {
    const booking = await book(m.ann, "2026-06-05T07:00:00.000Z");
    expect(booking).toMatchObject({
      status: "CONFIRMED",
      packagePurchaseId: purchaseId,
      priceMinor: 0,
      platformFeeMinor: 0,
      coachPayoutMinor: 0,
      holdExpiresAt: null,
    });
    expect(booking.confirmedAt).not.toBeNull();
    expect(await credits()).toBe(2);
    expect(await app.db.ledgerEntry.count({ where: { bookingId: booking.id } })).toBe(0);
    // The coach sees the booking, and both are told it is booked.
    expect((await (await m.api(m.coach)).bookings.forCoach()).find((b) => b.id === booking.id)).toMatchObject({
      status: "CONFIRMED",
      clientName: "Ann",
      packagePurchaseId: purchaseId,
    });
    const told = await app.db.notification.findMany({
      where: { link: `/bookings/${booking.id}`, kind: "booking.confirmed" },
      select: { userId: true },
    });
    expect(told.map((n) => n.userId).sort()).toEqual([m.ann.user.id, m.coach.user.id].sort());
    // The booking page states the credit policy.
    expect((await (await m.api(m.ann)).bookings.detail({ bookingId: booking.id })).policy).toContain(
      "the credit returns to your package",
    );
    // Not someone else's credits, and not for another service.
    await expect(book(m.bob, "2026-06-05T08:00:00.000Z")).rejects.toMatchObject({
      code: "CONFLICT",
      message: "This package has no credits left for this service.",
    });
    await app.db.packagePurchase.update({ where: { id: purchaseId }, data: { serviceId: m.other.service!.id } });
    await expect(book(m.ann, "2026-06-05T08:00:00.000Z")).rejects.toMatchObject({
      code: "CONFLICT",
      message: "This package has no credits left for this service.",
    });
    await app.db.packagePurchase.update({ where: { id: purchaseId }, data: { serviceId: m.coach.service!.id } });
    expect(await credits()).toBe(2);
    await app.db.booking.delete({ where: { id: booking.id } });
    await app.db.packagePurchase.update({ where: { id: purchaseId }, data: { creditsRemaining: 3 } });
  });

  it("rescheduling keeps the credit; cancelling in the free window or by the coach returns it, a late client cancellation does not", async () => {
    const ann = await m.api(m.ann);
    // Friday, four days ahead: inside the free window (48 h).
    const early = await book(m.ann, "2026-06-05T07:00:00.000Z");
    expect(await credits()).toBe(2);
    await ann.bookings.reschedule({ bookingId: early.id, startsAt: "2026-06-05T08:00:00.000Z" });
    expect(await credits()).toBe(2);
    expect(await ann.bookings.cancellationPreview({ bookingId: early.id })).toMatchObject({
      refundMinor: 0,
      paid: false,
      creditReturned: true,
    });
    expect(await ann.bookings.cancel({ bookingId: early.id, reason: "" })).toMatchObject({
      refundMinor: 0,
      creditReturned: true,
    });
    expect(await credits()).toBe(3);

    // Tuesday, 25 hours ahead: late for the client.
    const late = await book(m.ann, "2026-06-02T07:00:00.000Z");
    expect(await credits()).toBe(2);
    expect(await ann.bookings.cancellationPreview({ bookingId: late.id })).toMatchObject({ creditReturned: false });
    await ann.bookings.cancel({ bookingId: late.id, reason: "" });
    expect(await credits()).toBe(2);

    // The coach cancels late: the credit comes back.
    const byCoach = await book(m.ann, "2026-06-02T08:00:00.000Z");
    expect(await credits()).toBe(1);
    expect(await (await m.api(m.coach)).bookings.cancel({ bookingId: byCoach.id, reason: "Ill" })).toMatchObject({
      refundMinor: 0,
      creditReturned: true,
    });
    expect(await credits()).toBe(2);
    expect(await app.db.ledgerEntry.count({ where: { kind: "REFUND" } })).toBe(0);
  });

  it("of two bookings racing for the last credit, exactly one wins", async () => {
    await app.db.packagePurchase.update({ where: { id: purchaseId }, data: { creditsRemaining: 1 } });
    const results = await Promise.allSettled([
      book(m.ann, "2026-06-08T07:00:00.000Z"),
      book(m.ann, "2026-06-09T07:00:00.000Z"),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const [lost] = results.filter((r) => r.status === "rejected") as PromiseRejectedResult[];
    expect(lost!.reason).toMatchObject({
      code: "CONFLICT",
      message: "This package has no credits left for this service.",
    });
    expect(await credits()).toBe(0);
    expect(await app.db.booking.count({ where: { packagePurchaseId: purchaseId, status: "CONFIRMED" } })).toBe(1);
    await expect(book(m.ann, "2026-06-10T07:00:00.000Z")).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("ledger totals reconcile with paid bookings and package purchases, and earnings include packages", async () => {
    // A booking paid with money next to the package.
    const paid = await (
      await m.api(m.bob)
    ).bookings.hold({
      serviceId: m.coach.service!.id,
      startsAt: "2026-06-03T07:00:00.000Z",
      topic: "",
      clientNotes: "",
    });
    await (await m.api(m.bob)).payments.payLocal({ bookingId: paid.id });
    const entries = await app.db.ledgerEntry.findMany({ where: { tenantId: m.tenant.id } });
    const sum = (kind: string) => entries.filter((e) => e.kind === kind).reduce((n, e) => n + e.amountMinor, 0);
    const bookings = await app.db.booking.findMany({
      where: { tenantId: m.tenant.id, confirmedAt: { not: null }, packagePurchaseId: null },
    });
    const purchases = await app.db.packagePurchase.findMany({ where: { tenantId: m.tenant.id, status: "PAID" } });
    expect(bookings).toHaveLength(1);
    expect(sum("CHARGE")).toBe(
      bookings.reduce((n, b) => n + b.priceMinor, 0) + purchases.reduce((n, p) => n + p.priceMinor, 0),
    );
    expect(sum("PLATFORM_FEE")).toBe(
      bookings.reduce((n, b) => n + b.platformFeeMinor, 0) + purchases.reduce((n, p) => n + p.platformFeeMinor, 0),
    );
    expect(sum("COACH_TRANSFER")).toBe(
      bookings.reduce((n, b) => n + b.coachPayoutMinor, 0) + purchases.reduce((n, p) => n + p.coachPayoutMinor, 0),
    );
    expect(sum("CHARGE")).toBe(sum("PLATFORM_FEE") + sum("COACH_TRANSFER"));
    // Credit bookings carry no money and no ledger rows.
    const creditBookings = await app.db.booking.findMany({
      where: { packagePurchaseId: purchaseId },
      select: { id: true, priceMinor: true },
    });
    expect(creditBookings.length).toBeGreaterThan(0);
    expect(creditBookings.every((b) => b.priceMinor === 0)).toBe(true);
    expect(await app.db.ledgerEntry.count({ where: { bookingId: { in: creditBookings.map((b) => b.id) } } })).toBe(0);

    const coach = (await (await m.api(m.coach)).earnings.mine()).months;
    // Ledger rows are dated by the database's clock.
    expect(coach).toEqual([
      {
        month: entries[0]!.createdAt.toISOString().slice(0, 7),
        currency: "EUR",
        grossMinor: 12750 + 5000,
        feesMinor: 1275 + 500,
        netMinor: 11475 + 4500,
        refundedMinor: 0,
      },
    ]);
    expect((await (await m.api(m.other)).earnings.mine()).months).toEqual([]);
    const tenant = (await (await m.api(m.admin)).earnings.tenant()).months;
    expect(tenant[0]).toMatchObject({ grossMinor: sum("CHARGE"), feesMinor: sum("PLATFORM_FEE") });
  });
});
