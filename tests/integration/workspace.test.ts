import { loadKeyring } from "@server/crypto/keyring.ts";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Markdown } from "~/components/markdown.tsx";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { createCoach, createTenant, createUser } from "../helpers/factories.ts";

/**
 * The coaching workspace's client-data half: relationships (capacity under concurrency, the
 * DIRECT thread, invitations, states), consent (immediate, audited, history), the journal (own
 * day in the member's zone, sealed) and goals (claim + consented coach confirms).
 */
let app: TestApp;
let tenant: Awaited<ReturnType<typeof createTenant>>;
type U = Awaited<ReturnType<typeof createUser>>;
type C = Awaited<ReturnType<typeof createCoach>>;
let coach: C, otherCoach: C, admin: U, client: U;

const as = async (u: U) => (await app.as(u.token)).api;
const services = () => app.tandem.services;
const setClock = (iso: string) => app.clock.advance(new Date(iso).getTime() - app.clock.now().getTime());
/** The field errors a caller would get over HTTP (the error formatter's map), from a rejected call. */
async function fieldErrorsOf(call: Promise<unknown>): Promise<Record<string, string[]>> {
  const error = (await call.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (e: unknown) => e,
  )) as {
    code?: string;
    cause?: { issues?: { path: PropertyKey[]; message: string }[]; fieldErrors?: Record<string, string[]> };
  };
  expect(error.code).toBe("BAD_REQUEST");
  if (error.cause?.issues) {
    const out: Record<string, string[]> = {};
    for (const i of error.cause.issues) (out[i.path.map(String).join(".")] ??= []).push(i.message);
    return out;
  }
  return error.cause?.fieldErrors ?? {};
}
const logRows = (clientId: string) => app.db.dataAccessLog.count({ where: { clientId } });

beforeAll(async () => {
  app = await createTestApp();
  tenant = await createTenant(app, { name: "Workspace Org" });
  coach = await createCoach(app, tenant, { name: "Casey Capacity" });
  otherCoach = await createCoach(app, tenant, { name: "Olive Other" });
  admin = await createUser(app, tenant, "TENANT_ADMIN");
  client = await createUser(app, tenant, "CLIENT", { name: "Chris Client" });
});
afterAll(() => app?.close());

describe("relationships", () => {
  it("starts on a client's first confirmed booking, once, with a DIRECT thread and consent off until asked", async () => {
    const startsAt = new Date(app.clock.now().getTime() + 3 * 24 * 3_600_000);
    const booking = await app.db.booking.create({
      data: {
        tenantId: tenant.id,
        coachProfileId: coach.profile.id,
        clientId: client.user.id,
        status: "PENDING",
        startsAt,
        endsAt: new Date(startsAt.getTime() + 3_600_000),
        holdExpiresAt: new Date(app.clock.now().getTime() + 15 * 60_000),
      },
    });
    await services().bookings.confirmPaid(booking.id);
    const rel = await app.db.coachingRelationship.findUniqueOrThrow({
      where: { coachProfileId_clientId: { coachProfileId: coach.profile.id, clientId: client.user.id } },
      include: { events: true },
    });
    expect(rel).toMatchObject({ status: "ACTIVE", origin: "BOOKING" });
    expect(rel.events.map((e) => e.status)).toEqual(["ACTIVE"]);
    const thread = await app.db.thread.findUniqueOrThrow({ where: { id: rel.threadId! }, include: { members: true } });
    expect(thread.kind).toBe("DIRECT");
    expect(thread.members.map((m) => m.userId).sort()).toEqual([coach.user.id, client.user.id].sort());
    // Idempotent: a second call (another booking) changes nothing.
    const again = await services().relationships.startForBooking({
      tenantId: tenant.id,
      coachProfileId: coach.profile.id,
      clientId: client.user.id,
    });
    expect(again).toEqual({ outcome: "EXISTS", relationshipId: rel.id });
    expect(await app.db.coachingRelationship.count({ where: { coachProfileId: coach.profile.id } })).toBe(1);
    const mine = await (await as(client)).relationships.mine();
    expect(mine.relationships[0]).toMatchObject({
      coach: { name: "Casey Capacity" },
      consent: { journal: false, goals: false, decidedAt: null },
      threadId: rel.threadId,
    });
    // Both can open the DIRECT thread through the chat; another coach cannot.
    expect((await (await as(coach)).chat.thread({ threadId: rel.threadId! })).kind).toBe("DIRECT");
    await expect((await as(otherCoach)).chat.thread({ threadId: rel.threadId! })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
  });

  it("keeps a coach at the tenant's capacity when many clients start at once, and the booking still stands", async () => {
    const t = await createTenant(app);
    await app.db.tenant.update({ where: { id: t.id }, data: { coachClientCapacity: 5 } });
    const busy = await createCoach(app, t, { name: "Busy Bea" });
    const clients = await Promise.all(Array.from({ length: 8 }, () => createUser(app, t)));
    const results = await Promise.all(
      clients.map((c) =>
        services().relationships.startForBooking({
          tenantId: t.id,
          coachProfileId: busy.profile.id,
          clientId: c.user.id,
        }),
      ),
    );
    expect(results.filter((r) => r.outcome === "STARTED")).toHaveLength(5);
    expect(results.filter((r) => r.outcome === "CAPACITY")).toHaveLength(3);
    expect(await app.db.coachingRelationship.count({ where: { coachProfileId: busy.profile.id } })).toBe(5);
    const refused = clients[results.findIndex((r) => r.outcome === "CAPACITY")]!;
    const notice = await app.db.notification.findFirstOrThrow({
      where: { userId: refused.user.id, kind: "relationship.capacity" },
    });
    expect(notice.body).toContain("Busy Bea has no free place right now");
    expect(notice.body).toContain("Your session goes ahead as booked");
    // Through the real confirmation path: the paid booking is confirmed, no relationship starts.
    const ninth = await createUser(app, t);
    const startsAt = new Date(app.clock.now().getTime() + 5 * 24 * 3_600_000);
    const booking = await app.db.booking.create({
      data: {
        tenantId: t.id,
        coachProfileId: busy.profile.id,
        clientId: ninth.user.id,
        status: "PENDING",
        startsAt,
        endsAt: new Date(startsAt.getTime() + 3_600_000),
        holdExpiresAt: new Date(app.clock.now().getTime() + 15 * 60_000),
      },
    });
    expect(await services().bookings.confirmPaid(booking.id)).toMatchObject({ confirmed: true });
    expect((await app.db.booking.findUniqueOrThrow({ where: { id: booking.id } })).status).toBe("CONFIRMED");
    expect(await app.db.coachingRelationship.count({ where: { clientId: ninth.user.id } })).toBe(0);
    expect(await app.db.notification.count({ where: { userId: ninth.user.id, kind: "relationship.capacity" } })).toBe(
      1,
    );

    // An invitation accepted at capacity is refused with the same clear message; ending one frees a place.
    const sixth = refused;
    const busyMember = { ...busy };
    await app.db.tenant.update({ where: { id: t.id }, data: { coachClientCapacity: 6 } });
    const inv = await (await as(busyMember)).relationships.invite({ email: sixth.email, message: "Join me" });
    await app.db.tenant.update({ where: { id: t.id }, data: { coachClientCapacity: 5 } });
    await expect(
      (await as(sixth)).relationships.respondToInvitation({ invitationId: inv.id, accept: true }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("Busy Bea has no free place right now"),
    });
    expect((await app.db.coachInvitation.findUniqueOrThrow({ where: { id: inv.id } })).status).toBe("PENDING");
    const started = clients[results.findIndex((r) => r.outcome === "STARTED")]!;
    const rel = await app.db.coachingRelationship.findFirstOrThrow({
      where: { coachProfileId: busy.profile.id, clientId: started.user.id },
    });
    await (await as(started)).relationships.end({ relationshipId: rel.id, reason: "Done for now" });
    expect(
      await (await as(sixth)).relationships.respondToInvitation({ invitationId: inv.id, accept: true }),
    ).toMatchObject({ accepted: true });
    const list = await (await as(busyMember)).relationships.clients();
    expect(list).toMatchObject({ capacity: 5, taken: 5 });
  });

  it("invites by email with field errors for bad input, and records pause, resume and end", async () => {
    const member = await createUser(app, tenant, "CLIENT", { name: "Ivy Invitee" });
    const api = await as(otherCoach);
    expect(await fieldErrorsOf(api.relationships.invite({ email: "not-an-email", message: "" }))).toEqual({
      email: ["Enter the member's email address."],
    });
    expect(await fieldErrorsOf(api.relationships.invite({ email: "nobody@else.test", message: "" }))).toEqual({
      email: ["No member of this organisation has that email address."],
    });
    const inv = await api.relationships.invite({ email: member.email, message: "Let's work together" });
    await expect(api.relationships.invite({ email: member.email, message: "" })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    expect(await app.db.outboxMessage.count({ where: { to: member.email } })).toBe(1);
    // Only the invitee answers.
    await expect(
      (await as(client)).relationships.respondToInvitation({ invitationId: inv.id, accept: true }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    const answer = await (await as(member)).relationships.respondToInvitation({ invitationId: inv.id, accept: true });
    const rid = answer.relationshipId!;
    await api.relationships.pause({ relationshipId: rid, reason: "Holiday" });
    await expect(api.relationships.pause({ relationshipId: rid })).rejects.toMatchObject({ code: "CONFLICT" });
    await (await as(member)).relationships.resume({ relationshipId: rid });
    await api.relationships.end({ relationshipId: rid });
    const got = await (await as(member)).relationships.get({ relationshipId: rid });
    expect(got.events.map((e) => e.status)).toEqual(["ACTIVE", "PAUSED", "ACTIVE", "ENDED"]);
    expect(got).toMatchObject({ origin: "INVITATION", status: "ENDED", threadId: null });
    await expect(
      services().relationships.requireActiveClient({
        tenantId: tenant.id,
        coachProfileId: otherCoach.profile.id,
        clientId: member.user.id,
      }),
    ).rejects.toMatchObject({ code: "FORBIDDEN", message: "Ivy Invitee is not your client." });
    await expect((await as(admin)).relationships.get({ relationshipId: rid })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});

describe("consent and the access log", () => {
  it("gates the journal per coach, takes effect at once, tells the coach, and logs each read once", async () => {
    const clientApi = await as(client);
    const coachApi = await as(coach);
    await clientApi.journal.save({ date: (await clientApi.journal.today()).date, body: "Slept well. *Calm* day." });
    await expect(coachApi.journal.forClient({ clientId: client.user.id })).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: "Your client has not shared their journal with you.",
    });
    expect(await logRows(client.user.id)).toBe(0);

    app.realtime.events.length = 0;
    await clientApi.consent.update({ coachProfileId: coach.profile.id, journal: true, goals: false });
    expect(app.realtime.events).toContainEqual({
      kind: "emitToUser",
      args: [
        coach.user.id,
        "consent:changed",
        { clientId: client.user.id, coachProfileId: coach.profile.id, journal: true, goals: false },
      ],
    });
    const read = await coachApi.journal.forClient({ clientId: client.user.id });
    expect(read.entries[0]!.body).toBe("Slept well. *Calm* day.");
    expect(await logRows(client.user.id)).toBe(1);
    // Not the client's own reads, not another coach, never a tenant admin.
    await clientApi.journal.mine();
    expect(await logRows(client.user.id)).toBe(1);
    for (const outsider of [otherCoach, admin]) {
      await expect((await as(outsider)).journal.forClient({ clientId: client.user.id })).rejects.toMatchObject({
        code: "FORBIDDEN",
      });
    }
    expect(await logRows(client.user.id)).toBe(1);

    await clientApi.consent.update({ coachProfileId: coach.profile.id, journal: false, goals: false });
    await expect(coachApi.journal.forClient({ clientId: client.user.id })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    const log = await clientApi.consent.accessLog();
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ viewerName: "Casey Capacity", resource: "JOURNAL" });
    const history = await clientApi.consent.history({ coachProfileId: coach.profile.id });
    expect(history.map((h) => h.journal)).toEqual([false, true]);
    // The revocation was mailed to the coach.
    expect(await app.db.outboxMessage.count({ where: { to: coach.email } })).toBeGreaterThanOrEqual(1);
    // The log is append-only in the database itself.
    await expect(app.db.dataAccessLog.updateMany({ data: { detail: "edited" } })).rejects.toThrow();
    // Only the client decides, and only about their own coaches.
    await expect(
      (await as(otherCoach)).consent.update({ coachProfileId: coach.profile.id, journal: true, goals: true }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("journal", () => {
  it("is one entry per day of the member's own zone, editable only that day, sealed at rest", async () => {
    const member = await createUser(app, tenant);
    await app.db.user.update({ where: { id: member.user.id }, data: { timeZone: "Pacific/Auckland" } });
    const api = await as(member);
    // 10:30 UTC on 6 December is 23:30 in Auckland (UTC+13).
    setClock("2026-12-06T10:30:00Z");
    expect((await api.journal.today()).date).toBe("2026-12-06");
    await api.journal.save({ date: "2026-12-06", body: "Late evening entry" });
    await api.journal.save({ date: "2026-12-06", body: "Late evening entry, edited" });
    // One hour later it is the 7th in Auckland (still the 6th in UTC): yesterday is closed.
    setClock("2026-12-06T11:30:00Z");
    const late = api.journal.save({ date: "2026-12-06", body: "Too late" });
    expect(await fieldErrorsOf(late)).toEqual({
      date: [expect.stringContaining("it is now 2026-12-07 in your time zone")],
    });
    await expect(api.journal.save({ date: "2026-12-08", body: "Tomorrow" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await api.journal.save({ date: "2026-12-07", body: "New day" });
    const mine = await api.journal.mine();
    expect(mine.entries.map((e) => [e.date, e.body, e.editable])).toEqual([
      ["2026-12-07", "New day", true],
      ["2026-12-06", "Late evening entry, edited", false],
    ]);
    const raw = await app.db.journalEntry.findFirstOrThrow({ where: { userId: member.user.id } });
    expect(Buffer.from(raw.body!).toString("utf8")).not.toContain("entry");
    // Emptying today removes the day; the eligibility rule counts written days only.
    await api.journal.save({ date: "2026-12-07", body: "   " });
    const status = await api.coach.myStatus();
    expect(status.eligibility.rules.find((r) => r.key === "journalDays")?.actual).toBe(1);
  });

  it("counts journal days within the tenant's window, up to the member's today, when the tenant sets one", async () => {
    const org = await createTenant(app, { name: "Window Org" });
    const orgAdmin = await createUser(app, org, "TENANT_ADMIN");
    const member = await createUser(app, org);
    // A zone whose date differs from UTC's right now, so a window counted in UTC would be off by a day.
    const zone = app.clock.now().getUTCHours() >= 10 ? "Pacific/Kiritimati" : "Pacific/Pago_Pago";
    await app.db.user.update({ where: { id: member.user.id }, data: { timeZone: zone } });
    const api = await as(member);
    const today = (await api.journal.today()).date;
    expect(today).not.toBe(app.clock.now().toISOString().slice(0, 10));
    const daysBefore = (n: number) =>
      new Date(Date.parse(`${today}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);
    // Five written days (sealed as the journal service seals them); a 7-day window starts 6 days back,
    // so the days 7 and 6 back sit on either side of its edge.
    const keyring = loadKeyring(app.tandem.env);
    for (const day of [daysBefore(10), daysBefore(7), daysBefore(6), daysBefore(2), today])
      await app.db.journalEntry.create({
        data: {
          tenantId: org.id,
          userId: member.user.id,
          entryDate: new Date(`${day}T00:00:00Z`),
          body: new Uint8Array(keyring.seal(`Written on ${day}`, `journal:${member.user.id}:${day}`)),
        },
      });
    const journalRule = async () =>
      (await api.coach.myStatus()).eligibility.rules.find((r) => r.key === "journalDays")!;
    expect(await journalRule()).toMatchObject({ actual: 5, label: "Journal on at least 30 days" });

    const settings = {
      name: "Window Org",
      currency: "EUR",
      platformFeeBps: 1500,
      minServicePriceMinor: 0,
      coachClientCapacity: 5,
      eligibilityMinJournalDays: 2,
    };
    const adminApi = await as(orgAdmin);
    // A window shorter than the days it must hold can never be met: refused, nothing saved.
    expect(
      await fieldErrorsOf(adminApi.tenant.updateSettings({ ...settings, eligibilityJournalWindowDays: 1 })),
    ).toEqual({ eligibilityJournalWindowDays: [expect.stringContaining("at least 2 days")] });
    expect((await app.db.tenant.findUniqueOrThrow({ where: { id: org.id } })).eligibilityMinJournalDays).toBe(30);

    await adminApi.tenant.updateSettings({ ...settings, eligibilityJournalWindowDays: 7 });
    expect(await journalRule()).toMatchObject({
      actual: 3,
      required: 2,
      met: true,
      label: "Journal on at least 2 days in the last 7",
    });
    await adminApi.tenant.updateSettings({ ...settings, eligibilityJournalWindowDays: null });
    expect(await journalRule()).toMatchObject({ actual: 5 });
  });

  it("refuses HTML in Markdown with a field error, and renders Markdown with <script> inert", async () => {
    const api = await as(client);
    const { date } = await api.journal.today();
    expect(await fieldErrorsOf(api.journal.save({ date, body: "Hi <script>alert(1)</script>" }))).toEqual({
      body: [expect.stringContaining("Use Markdown, not HTML")],
    });
    await api.journal.save({ date, body: "a < b and <3 are fine" });
    const html = renderToStaticMarkup(
      createElement(Markdown, {
        children: "**bold** <script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1))",
      }),
    );
    expect(html).toContain("<strong>bold</strong>");
    expect(html).not.toMatch(/<script|<img|href="javascript:/i);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });
});

describe("goals", () => {
  it("checks dates, shows progress, and is reached when the client claims and a consented coach confirms", async () => {
    const clientApi = await as(client);
    expect(
      await fieldErrorsOf(
        clientApi.goals.create({
          title: "Run 10k",
          targetDate: "2001-01-01",
          milestones: [{ title: "", targetDate: null }],
        }),
      ),
    ).toEqual({ "milestones.0.title": ["Give it a title."] });
    expect(await fieldErrorsOf(clientApi.goals.create({ title: "Run 10k", targetDate: "2001-01-01" }))).toEqual({
      targetDate: ["Choose today or a later date."],
    });
    const goal = await clientApi.goals.create({
      title: "Run 10k",
      description: "Build up **slowly**",
      coachProfileId: coach.profile.id,
      milestones: [
        { title: "5k", targetDate: null },
        { title: "8k", targetDate: null },
      ],
    });
    await clientApi.goals.setMilestoneDone({ milestoneId: goal.milestones[0]!.id, done: true });
    expect((await clientApi.goals.get({ goalId: goal.id })).progress).toEqual({ done: 1, total: 2, percent: 50 });
    // Without goals consent nobody can confirm, so the claim asks for it.
    await expect(clientApi.goals.claim({ goalId: goal.id })).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
    await clientApi.consent.update({ coachProfileId: coach.profile.id, journal: false, goals: true });
    await clientApi.goals.claim({ goalId: goal.id });
    await expect((await as(otherCoach)).goals.confirm({ goalId: goal.id })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    const before = await logRows(client.user.id);
    await (await as(coach)).goals.confirm({ goalId: goal.id });
    expect(await logRows(client.user.id)).toBe(before + 1);
    const reached = await clientApi.goals.get({ goalId: goal.id });
    expect(reached).toMatchObject({ status: "REACHED", confirmedBy: "Casey Capacity", progress: { percent: 100 } });
    const rel = await app.db.coachingRelationship.findFirstOrThrow({
      where: { coachProfileId: coach.profile.id, clientId: client.user.id },
    });
    expect(rel.goalReachedAt).not.toBeNull();
    const checklist = await (await as(coach)).coach.certification();
    expect(checklist.items.find((i) => i.key === "goalClients")?.actual).toBe(1);
    // The coach sees goals by consent, and each read is logged once.
    const seen = await (await as(coach)).goals.forClient({ clientId: client.user.id });
    expect(seen.map((g) => g.title)).toContain("Run 10k");
    expect(await logRows(client.user.id)).toBe(before + 2);
  });
});
