import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { action as localPayAction } from "~/routes/pay.local.$bookingId.tsx";
import { action as stripeWebhook } from "~/routes/webhooks.stripe.ts";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { createCoach, createTenant, createUser, WEEKDAY_MORNINGS } from "../helpers/factories.ts";
import { fakeStripe } from "../helpers/fake-stripe.ts";

/**
 * The payment step against the REAL stripe SDK, pointed at a small fake Stripe API
 * (tests/helpers/fake-stripe.ts), with webhooks signed the way Stripe signs them. A second app without any
 * Stripe configuration exercises the local test checkout through the same handler.
 */

// ---------------------------------------------------------------- shared setup

const WEBHOOK_SECRET = "whsec_test_tandem_fake_secret";
const signer = new Stripe("sk_test_signer_only");
// Monday 1 June 2026, 06:00 UTC; the coach works 09:00–12:00 Amsterdam time (07:00–10:00Z).
const MONDAY = new Date("2026-06-01T06:00:00Z");

type U = Awaited<ReturnType<typeof createUser>>;

async function setUpMarket(app: TestApp) {
  app.clock.advance(MONDAY.getTime() - app.clock.now().getTime());
  const tenant = await createTenant(app);
  await app.db.tenant.update({
    where: { id: tenant.id },
    data: { platformFeeBps: 1000, cancellationFullRefundHours: 48, lateCancellationRefundPercent: 25 },
  });
  const coach = await createCoach(app, tenant, { name: "Paid Coach", priceMinor: 6001 });
  const ann = await createUser(app, tenant, "CLIENT", { name: "Ann" });
  const bob = await createUser(app, tenant, "CLIENT", { name: "Bob" });
  await (await app.as(coach.token)).api.bookings.setAvailability(WEEKDAY_MORNINGS);
  const hold = async (u: U, startsAt: string) =>
    (await app.as(u.token)).api.bookings.hold({ serviceId: coach.service!.id, startsAt, topic: "", clientNotes: "" });
  return { tenant, coach, ann, bob, hold };
}

const ledgerOf = (app: TestApp, bookingId: string) =>
  app.db.ledgerEntry.findMany({ where: { bookingId }, orderBy: { kind: "asc" } });

// ---------------------------------------------------------------- Stripe

describe("payments with Stripe (real SDK, fake API server)", () => {
  const stripe = fakeStripe();
  let app: TestApp;
  let m: Awaited<ReturnType<typeof setUpMarket>>;
  const api = async (u: { token: string }) => (await app.as(u.token)).api;

  const deliver = async (
    payload: string,
    signature: string | null = signer.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }),
  ) => {
    const headers = new Headers({ "content-type": "application/json" });
    if (signature) headers.set("stripe-signature", signature);
    const request = new Request("http://localhost/webhooks/stripe", { method: "POST", headers, body: payload });
    return stripeWebhook({ request, context: { tandem: app.tandem, clientIp: "127.0.0.1" }, params: {} });
  };

  const checkoutCompleted = (
    eventId: string,
    booking: { id: string; priceMinor: number },
    paymentIntent: string,
    type = "checkout.session.completed",
  ) =>
    JSON.stringify({
      id: eventId,
      object: "event",
      type,
      api_version: "2026-10-28.endive",
      created: Math.floor(Date.now() / 1000),
      data: {
        object: {
          id: `cs_${eventId}`,
          object: "checkout.session",
          mode: "payment",
          payment_status: "paid",
          status: "complete",
          payment_intent: paymentIntent,
          amount_total: booking.priceMinor,
          currency: "eur",
          client_reference_id: booking.id,
          metadata: { bookingId: booking.id },
        },
      },
    });

  beforeAll(async () => {
    const port = await stripe.listen();
    app = await createTestApp({
      STRIPE_SECRET_KEY: "sk_test_tandem_fake",
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_API_HOST: "127.0.0.1",
      STRIPE_API_PORT: String(port),
      STRIPE_API_PROTOCOL: "http",
    });
    m = await setUpMarket(app);
  });
  afterAll(async () => {
    await app?.close();
    await stripe.close();
  });

  let booking: Awaited<ReturnType<typeof m.hold>>;

  it("refuses checkout while the coach cannot be paid out", async () => {
    expect(app.tandem.services.payments.providerKind).toBe("stripe");
    // A coach without payouts cannot take bookings at all…
    await expect(m.hold(m.ann, "2026-06-02T07:00:00.000Z")).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("payouts are not set up"),
    });
    // …and a booking made while payouts worked cannot be paid once Stripe has turned them off.
    await app.db.coachProfile.update({ where: { id: m.coach.profile.id }, data: { payoutsEnabled: true } });
    booking = await m.hold(m.ann, "2026-06-02T07:00:00.000Z");
    await app.db.coachProfile.update({ where: { id: m.coach.profile.id }, data: { payoutsEnabled: false } });
    await expect((await api(m.ann)).payments.startCheckout({ bookingId: booking.id })).rejects.toMatchObject({
      code: "CONFLICT",
      message:
        "This coach has not finished setting up payouts yet, so this session cannot be paid for now. Please try again later.",
    });
    expect(stripe.posts("/v1/checkout/sessions")).toHaveLength(0);
  });

  it("onboards a coach to Stripe Connect Express and learns when payouts are enabled", async () => {
    const { url } = await (await api(m.coach)).payments.coachOnboarding();
    const [created] = stripe.posts("/v1/accounts");
    expect(created!.form.get("type")).toBe("express");
    expect(created!.form.get("email")).toBe(m.coach.email);
    expect(created!.idempotencyKey).toBe(`tandem-account-${m.coach.profile.id}`);
    expect(created!.authorization).toBe("Bearer sk_test_tandem_fake");
    const profile = await app.db.coachProfile.findUniqueOrThrow({ where: { id: m.coach.profile.id } });
    expect(profile.stripeAccountId).toMatch(/^acct_fake/);
    expect(profile.payoutsEnabled).toBe(false);
    const [link] = stripe.posts("/v1/account_links");
    expect(link!.form.get("account")).toBe(profile.stripeAccountId);
    expect(link!.form.get("type")).toBe("account_onboarding");
    expect(link!.form.get("return_url")).toBe("http://localhost/coaching/profile");
    expect(link!.idempotencyKey).toMatch(new RegExp(`^tandem-account-link-${m.coach.profile.id}-\\d+$`));
    expect(url).toBe(`https://connect.stripe.test/setup/e/${profile.stripeAccountId}/${url.split("/").pop()}`);

    // Onboarding again reuses the account.
    await (await api(m.coach)).payments.coachOnboarding({ returnPath: "/coaching/services" });
    expect(stripe.posts("/v1/accounts")).toHaveLength(1);
    expect(stripe.posts("/v1/account_links").at(-1)!.form.get("return_url")).toBe("http://localhost/coaching/services");
    expect(await (await api(m.coach)).payments.coachPayoutStatus()).toEqual({
      provider: "stripe",
      accountConnected: true,
      payoutsEnabled: false,
      canSell: false,
    });

    // Stripe finishes verification and says so with account.updated; the handler re-reads the account.
    stripe.accounts.get(profile.stripeAccountId!)!.payouts_enabled = true;
    const payload = JSON.stringify({
      id: "evt_account_1",
      object: "event",
      type: "account.updated",
      data: { object: { id: profile.stripeAccountId, object: "account", payouts_enabled: true } },
    });
    const res = await deliver(payload);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true, duplicate: false, outcome: "ACCOUNT_UPDATED" });
    expect((await app.db.coachProfile.findUniqueOrThrow({ where: { id: m.coach.profile.id } })).payoutsEnabled).toBe(
      true,
    );
    // An older event arriving late (payouts_enabled false) does not turn payouts off: state is re-read.
    const stale = JSON.stringify({
      id: "evt_account_0",
      object: "event",
      type: "account.updated",
      data: { object: { id: profile.stripeAccountId, object: "account", payouts_enabled: false } },
    });
    expect((await deliver(stale)).status).toBe(200);
    expect(await (await api(m.coach)).payments.coachPayoutStatus()).toEqual({
      provider: "stripe",
      accountConnected: true,
      payoutsEnabled: true,
      canSell: true,
    });
    // An account that is not one of our coaches' is recorded and ignored.
    const foreign = JSON.stringify({
      id: "evt_account_x",
      object: "event",
      type: "account.updated",
      data: { object: { id: "acct_not_ours", object: "account", payouts_enabled: true } },
    });
    expect(await (await deliver(foreign)).json()).toEqual({ received: true, duplicate: false, outcome: "IGNORED" });
  });

  it("creates a Checkout Session with the platform fee and the coach as destination, idempotently", async () => {
    stripe.failNext("/v1/checkout/sessions", 1); // the SDK retries; the key must be the same
    const { url } = await (await api(m.ann)).payments.startCheckout({ bookingId: booking.id });
    expect(url).toMatch(/^https:\/\/checkout\.stripe\.test\/c\/pay\/cs_test_fake\d+$/);
    const sent = stripe.posts("/v1/checkout/sessions");
    expect(sent).toHaveLength(2);
    expect(sent[0]!.idempotencyKey).toBe(`tandem-checkout-${booking.id}`);
    expect(sent[1]!.idempotencyKey).toBe(sent[0]!.idempotencyKey);
    const form = sent[1]!.form;
    const account = (await app.db.coachProfile.findUniqueOrThrow({ where: { id: m.coach.profile.id } }))
      .stripeAccountId;
    expect(Object.fromEntries(form)).toMatchObject({
      mode: "payment",
      "line_items[0][quantity]": "1",
      "line_items[0][price_data][currency]": "eur",
      "line_items[0][price_data][unit_amount]": "6001",
      "line_items[0][price_data][product_data][name]": "Coaching session with Paid Coach",
      "payment_intent_data[application_fee_amount]": String(booking.platformFeeMinor),
      "payment_intent_data[transfer_data][destination]": account,
      "metadata[bookingId]": booking.id,
      client_reference_id: booking.id,
      customer_email: m.ann.email,
      success_url: `http://localhost/bookings/${booking.id}?paid=1`,
      cancel_url: `http://localhost/bookings/${booking.id}`,
    });
    expect(booking.platformFeeMinor).toBe(600);

    // Asking again (a double click, a reload) sends the same key, so Stripe returns the same session.
    const again = await (await api(m.ann)).payments.startCheckout({ bookingId: booking.id });
    expect(again.url).toBe(url);
    expect(stripe.posts("/v1/checkout/sessions").at(-1)!.idempotencyKey).toBe(`tandem-checkout-${booking.id}`);
  });

  it("refuses checkout to anyone but the booking's client, and for unpayable bookings", async () => {
    await expect((await api(m.bob)).payments.startCheckout({ bookingId: booking.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect((await api(m.ann)).payments.startCheckout({ bookingId: "not-an-id" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect((await api(m.ann)).payments.payLocal({ bookingId: booking.id })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
  });

  it("confirms the booking on a signed checkout.session.completed and writes a ledger that reconciles", async () => {
    const payload = checkoutCompleted("evt_paid_1", booking, "pi_fake_1");
    const res = await deliver(payload);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true, duplicate: false, outcome: "CONFIRMED" });
    const confirmed = await app.db.booking.findUniqueOrThrow({ where: { id: booking.id } });
    expect(confirmed).toMatchObject({ status: "CONFIRMED", holdExpiresAt: null });
    const ledger = await ledgerOf(app, booking.id);
    const amount = (kind: string) => ledger.find((l) => l.kind === kind)!.amountMinor;
    expect(ledger.map((l) => [l.kind, l.amountMinor, l.currency, l.reference])).toEqual([
      ["CHARGE", 6001, "EUR", "pi_fake_1"],
      ["PLATFORM_FEE", 600, "EUR", "pi_fake_1"],
      ["COACH_TRANSFER", 5401, "EUR", "pi_fake_1"],
    ]);
    expect(amount("CHARGE")).toBe(confirmed.priceMinor);
    expect(amount("PLATFORM_FEE") + amount("COACH_TRANSFER")).toBe(amount("CHARGE"));
    expect(amount("PLATFORM_FEE")).toBe(confirmed.platformFeeMinor);
    expect(amount("COACH_TRANSFER")).toBe(confirmed.coachPayoutMinor);
    const event = await app.db.webhookEvent.findUniqueOrThrow({
      where: { provider_eventId: { provider: "stripe", eventId: "evt_paid_1" } },
    });
    expect(event).toMatchObject({
      type: "checkout.session.completed",
      outcome: "CONFIRMED",
      tenantId: m.tenant.id,
      bookingId: booking.id,
    });
    expect(event.processedAt).not.toBeNull();

    // The same delivery again, and the same payment reported by another event, change nothing.
    const before = { booking: confirmed, ledger, events: await app.db.webhookEvent.count() };
    const repeat = await deliver(payload);
    expect(repeat.status).toBe(200);
    expect(await repeat.json()).toEqual({ received: true, duplicate: true, outcome: "CONFIRMED" });
    const late = await deliver(
      checkoutCompleted("evt_paid_1_async", booking, "pi_fake_1", "checkout.session.async_payment_succeeded"),
    );
    expect(await late.json()).toMatchObject({ duplicate: false, outcome: "ALREADY_CONFIRMED" });
    expect(await app.db.booking.findUniqueOrThrow({ where: { id: booking.id } })).toEqual(before.booking);
    expect(await ledgerOf(app, booking.id)).toEqual(before.ledger);
    expect(await app.db.webhookEvent.count()).toBe(before.events + 1);
    expect(stripe.posts("/v1/refunds")).toHaveLength(0);
    // A confirmed booking is not paid twice.
    await expect((await api(m.ann)).payments.startCheckout({ bookingId: booking.id })).rejects.toMatchObject({
      code: "CONFLICT",
      message: "This booking is already paid.",
    });
  });

  it("rejects a tampered body, a wrong secret and a missing signature with 400, and records nothing", async () => {
    const other = await m.hold(m.bob, "2026-06-03T07:00:00.000Z");
    const events = await app.db.webhookEvent.count();
    const payload = checkoutCompleted("evt_tampered", other, "pi_fake_2");
    const signature = signer.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
    const tampered = payload.replace('"amount_total":6001', '"amount_total":1');
    const res = await deliver(tampered, signature);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/^Webhook signature verification failed/);
    expect(
      (await deliver(payload, signer.webhooks.generateTestHeaderString({ payload, secret: "whsec_someone_else" })))
        .status,
    ).toBe(400);
    const unsigned = await deliver(payload, null);
    expect(unsigned.status).toBe(400);
    expect(await unsigned.text()).toBe("Missing Stripe-Signature header.");
    expect(await app.db.webhookEvent.count()).toBe(events);
    expect((await app.db.booking.findUniqueOrThrow({ where: { id: other.id } })).status).toBe("PENDING");
  });

  it("refunds in full a payment that arrives after the hold expired and was released, and tells the client", async () => {
    const late = await m.hold(m.ann, "2026-06-04T08:00:00.000Z");
    app.clock.advance(16 * 60_000);
    await expect((await api(m.ann)).payments.startCheckout({ bookingId: late.id })).rejects.toMatchObject({
      code: "CONFLICT",
      message: "The hold on this time ran out before payment. Please choose a time again.",
    });
    expect(await app.tandem.services.bookings.expireHold(late.id)).toEqual({ expired: true });

    const payload = checkoutCompleted("evt_late_1", late, "pi_fake_late");
    const res = await deliver(payload);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true, duplicate: false, outcome: "REFUNDED" });
    const refunds = stripe.posts("/v1/refunds");
    expect(refunds).toHaveLength(1);
    expect(Object.fromEntries(refunds[0]!.form)).toMatchObject({
      payment_intent: "pi_fake_late",
      reverse_transfer: "true",
      refund_application_fee: "true",
    });
    expect(refunds[0]!.idempotencyKey).toBe(`tandem-refund-${late.id}-pi_fake_late`);
    expect((await app.db.booking.findUniqueOrThrow({ where: { id: late.id } })).status).toBe("CANCELLED");
    const event = await app.db.webhookEvent.findUniqueOrThrow({
      where: { provider_eventId: { provider: "stripe", eventId: "evt_late_1" } },
    });
    expect(event).toMatchObject({
      outcome: "REFUNDED",
      refundId: expect.stringMatching(/^re_fake/),
      bookingId: late.id,
      tenantId: m.tenant.id,
    });
    expect((await ledgerOf(app, late.id)).map((l) => [l.kind, l.amountMinor])).toEqual([
      ["CHARGE", 6001],
      ["REFUND", 6001],
    ]);
    const notes = await app.db.notification.findMany({
      where: { userId: m.ann.user.id, kind: "booking.payment_refunded" },
    });
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ title: "Your payment was refunded", link: `/bookings/${late.id}` });
    expect(await app.db.outboxMessage.count({ where: { to: m.ann.email, subject: "Your payment was refunded" } })).toBe(
      1,
    );

    // Redelivered: no second refund, no second notification.
    expect(await (await deliver(payload)).json()).toMatchObject({ duplicate: true, outcome: "REFUNDED" });
    expect(stripe.posts("/v1/refunds")).toHaveLength(1);
    expect(
      await app.db.notification.count({ where: { userId: m.ann.user.id, kind: "booking.payment_refunded" } }),
    ).toBe(1);
  });

  it("handles the same event delivered twice at once exactly once (no refund of a good payment)", async () => {
    const held = await m.hold(m.ann, "2026-06-08T07:00:00.000Z");
    const payload = checkoutCompleted("evt_race", held, "pi_fake_race");
    const results = await Promise.all([deliver(payload), deliver(payload), deliver(payload)]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    const outcomes = (await Promise.all(results.map((r) => r.json()))).map((b: { outcome: string }) => b.outcome);
    expect(outcomes).toContain("CONFIRMED");
    for (const o of outcomes) expect(["CONFIRMED", "ALREADY_CONFIRMED"]).toContain(o);
    expect((await app.db.booking.findUniqueOrThrow({ where: { id: held.id } })).status).toBe("CONFIRMED");
    expect((await ledgerOf(app, held.id)).map((l) => l.kind)).toEqual(["CHARGE", "PLATFORM_FEE", "COACH_TRANSFER"]);
    expect(stripe.posts("/v1/refunds").filter((r) => r.form.get("payment_intent") === "pi_fake_race")).toHaveLength(0);
  });

  it("does not confirm a payment whose amount differs from the booking", async () => {
    const held = await m.hold(m.bob, "2026-06-05T08:00:00.000Z");
    const payload = checkoutCompleted("evt_wrong_amount", { id: held.id, priceMinor: 100 }, "pi_fake_wrong");
    expect(await (await deliver(payload)).json()).toMatchObject({ duplicate: false, outcome: "AMOUNT_MISMATCH" });
    expect((await app.db.booking.findUniqueOrThrow({ where: { id: held.id } })).status).toBe("PENDING");
    expect(await ledgerOf(app, held.id)).toEqual([]);
  });
});

// ---------------------------------------------------------------- local test checkout

describe("payments with the local test checkout (no Stripe keys)", () => {
  let app: TestApp;
  let m: Awaited<ReturnType<typeof setUpMarket>>;
  const api = async (u: { token: string }) => (await app.as(u.token)).api;

  beforeAll(async () => {
    app = await createTestApp();
    m = await setUpMarket(app);
  });
  afterAll(() => app?.close());

  it("onboards coaches without any account: payouts are simply enabled", async () => {
    expect(app.tandem.services.payments.providerKind).toBe("local");
    expect(await (await api(m.coach)).payments.coachOnboarding()).toEqual({ url: "http://localhost/coaching/profile" });
    expect(await (await api(m.coach)).payments.coachPayoutStatus()).toEqual({
      provider: "local",
      accountConnected: true,
      payoutsEnabled: true,
      canSell: true,
    });
    await expect((await api(m.ann)).payments.coachPayoutStatus()).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("sends the client to the local checkout page, which shows the amount and the policy but not the fee split", async () => {
    const booking = await m.hold(m.ann, "2026-06-02T07:00:00.000Z");
    expect(await (await api(m.ann)).payments.startCheckout({ bookingId: booking.id })).toEqual({
      url: `http://localhost/pay/local/${booking.id}`,
    });
    const summary = await (await api(m.ann)).payments.checkoutSummary({ bookingId: booking.id });
    expect(summary).toMatchObject({
      provider: "local",
      payable: true,
      reason: null,
      booking: {
        id: booking.id,
        priceMinor: 6001,
        currency: "EUR",
        coachName: "Paid Coach",
        serviceName: "Coaching session",
      },
    });
    expect(summary.policy).toBe(
      "Cancel at least 48 hours before the start for a full refund; later cancellations get a 25% refund. Missed sessions are not refunded. If your coach cancels, you get everything back.",
    );
    expect(JSON.stringify(summary)).not.toMatch(/platformFee|coachPayout/);
    await expect((await api(m.bob)).payments.checkoutSummary({ bookingId: booking.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("payLocal confirms through the common handler; a second payLocal is a no-op", async () => {
    const booking = await m.hold(m.ann, "2026-06-03T07:00:00.000Z");
    await expect((await api(m.bob)).payments.payLocal({ bookingId: booking.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await (await api(m.ann)).payments.payLocal({ bookingId: booking.id })).toEqual({
      duplicate: false,
      outcome: "CONFIRMED",
      status: "CONFIRMED",
    });
    const ledger = await ledgerOf(app, booking.id);
    expect(ledger.map((l) => [l.kind, l.amountMinor, l.provider, l.reference])).toEqual([
      ["CHARGE", 6001, "local", `local_pi_${booking.id}`],
      ["PLATFORM_FEE", 600, "local", `local_pi_${booking.id}`],
      ["COACH_TRANSFER", 5401, "local", `local_pi_${booking.id}`],
    ]);
    const after = await app.db.booking.findUniqueOrThrow({ where: { id: booking.id } });
    expect(await (await api(m.ann)).payments.payLocal({ bookingId: booking.id })).toEqual({
      duplicate: true,
      outcome: "CONFIRMED",
      status: "CONFIRMED",
    });
    expect(await app.db.booking.findUniqueOrThrow({ where: { id: booking.id } })).toEqual(after);
    expect(await ledgerOf(app, booking.id)).toEqual(ledger);
    expect(await app.db.webhookEvent.count({ where: { provider: "local", bookingId: booking.id } })).toBe(1);
  });

  it("a double-clicked Pay button confirms once", async () => {
    const booking = await m.hold(m.bob, "2026-06-08T07:00:00.000Z");
    const results = await Promise.all(
      [1, 2, 3].map(async () => (await api(m.bob)).payments.payLocal({ bookingId: booking.id })),
    );
    for (const r of results) expect(r.status).toBe("CONFIRMED");
    expect((await ledgerOf(app, booking.id)).map((l) => l.kind)).toEqual(["CHARGE", "PLATFORM_FEE", "COACH_TRANSFER"]);
    expect(await app.db.notification.count({ where: { kind: "booking.payment_refunded" } })).toBe(0);
  });

  it("refuses to take a test payment for an expired hold", async () => {
    const booking = await m.hold(m.bob, "2026-06-04T07:00:00.000Z");
    app.clock.advance(16 * 60_000);
    await expect((await api(m.bob)).payments.payLocal({ bookingId: booking.id })).rejects.toMatchObject({
      code: "CONFLICT",
      message: "The hold on this time ran out before payment. Please choose a time again.",
    });
    expect((await app.db.booking.findUniqueOrThrow({ where: { id: booking.id } })).status).toBe("PENDING");
    const summary = await (await api(m.bob)).payments.checkoutSummary({ bookingId: booking.id });
    expect(summary).toMatchObject({
      payable: false,
      reason: "The hold on this time ran out before payment. Please choose a time again.",
    });
  });

  it("the page's Pay button confirms and sends the client back to the booking", async () => {
    const booking = await m.hold(m.ann, "2026-06-05T07:00:00.000Z");
    const request = new Request(`http://localhost/pay/local/${booking.id}`, {
      method: "POST",
      headers: { cookie: `tandem_session=${m.ann.token}`, "content-type": "application/x-www-form-urlencoded" },
      body: "",
    });
    const res = (await localPayAction({
      request,
      context: { tandem: app.tandem, clientIp: "127.0.0.1" },
      params: { bookingId: booking.id },
    })) as Response;
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/bookings/${booking.id}?paid=1`);
    expect((await app.db.booking.findUniqueOrThrow({ where: { id: booking.id } })).status).toBe("CONFIRMED");
  });

  it("answers 404 on the Stripe webhook when Stripe is not configured", async () => {
    const request = new Request("http://localhost/webhooks/stripe", {
      method: "POST",
      body: "{}",
      headers: { "stripe-signature": "t=1,v1=x" },
    });
    const res = await stripeWebhook({ request, context: { tandem: app.tandem, clientIp: "127.0.0.1" }, params: {} });
    expect(res.status).toBe(404);
  });
});
