import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "@server/trpc/root.ts";
import { createTestApp, type TestApp, tokenFrom } from "../helpers/app.ts";
import {
  createCoach,
  createCompletedBooking,
  createTenant,
  createUser,
  makeEligible,
  PASSWORD,
} from "../helpers/factories.ts";
import { workspaceCases } from "./tenancy-workspace.ts";

/**
 * Tenant isolation: a user of tenant A can never read or change tenant B's data, through
 * any procedure. Every procedure of the router must appear in `covered` below, so a new
 * procedure cannot land without an isolation case.
 */
let app: TestApp;
let a: Awaited<ReturnType<typeof createTenant>>;
let b: Awaited<ReturnType<typeof createTenant>>;
type U = Awaited<ReturnType<typeof createUser>>;
let adminA: U, clientA: U, adminB: U, clientB: U, sysadmin: U;
type C = Awaited<ReturnType<typeof createCoach>>;
let coachA: C, coachB: C, certifiedA: C;
let bookingB: { id: string }, reviewB: { id: string }, credentialB: { id: string };

beforeAll(async () => {
  app = await createTestApp();
  a = await createTenant(app, { name: "Alpha Coaching", slug: "alpha" });
  b = await createTenant(app, { name: "Beta Coaching", slug: "beta" });
  adminA = await createUser(app, a, "TENANT_ADMIN", { email: "admin@alpha.test" });
  clientA = await createUser(app, a, "CLIENT", { email: "client@alpha.test" });
  adminB = await createUser(app, b, "TENANT_ADMIN", { email: "admin@beta.test" });
  clientB = await createUser(app, b, "CLIENT", { email: "client@beta.test" });
  sysadmin = await createUser(app, a, "SYSTEM_ADMIN", { email: "root@alpha.test" });
  coachA = await createCoach(app, a, { name: "Alpha Coach", specialties: ["shared"] });
  certifiedA = await createCoach(app, a, { name: "Alpha Certified", role: "CERTIFIED_COACH" });
  coachB = await createCoach(app, b, { name: "Beta Coach", specialties: ["shared"] });
  bookingB = await createCompletedBooking(app, coachB, clientB.user.id);
  reviewB = await (
    await app.as(clientB.token)
  ).api.reviews.create({ bookingId: bookingB.id, rating: 5, text: "Great coach in Beta.", anonymous: false });
  credentialB = await (
    await app.as(coachB.token)
  ).api.coach.addCredential({ type: "Beta cert", issuer: "Beta body", number: "", expiresOn: null });
  await app.tandem.services.notifications.notify({
    tenantId: b.id,
    userId: clientB.user.id,
    kind: "test",
    title: "Beta only",
  });
});
afterAll(() => app?.close());

const as = async (u: U) => (await app.as(u.token)).api;
const settingsOf = (id: string) => app.db.tenant.findUniqueOrThrow({ where: { id } });

const notFoundOrForbidden = { code: expect.stringMatching(/^(NOT_FOUND|FORBIDDEN)$/) };
/**
 * A list check that cannot pass on an empty answer: tenant A's caller does not see `id`, and
 * tenant B's caller sees it through the same procedure.
 */
async function hiddenFromA(seenByA: Promise<string[]>, seenByB: Promise<string[]>, id: string) {
  expect(await seenByA).not.toContain(id);
  expect(await seenByB).toContain(id);
}
const ids = async (list: Promise<{ id: string }[]>) => (await list).map((x) => x.id);
const profileOf = (c: C) => app.db.coachProfile.findUniqueOrThrow({ where: { id: c.profile.id } });
const offering = {
  name: "Session",
  description: "",
  priceMinor: 5000,
  durationMinutes: 60,
  delivery: "ONLINE" as const,
  sessionType: "VIDEO" as const,
  premiumOnly: false,
};

/** A package of tenant B's coach and a pending purchase of it by tenant B's client, made once. */
let betaPackageMade: Promise<{ packageId: string; purchaseId: string }> | undefined;
const betaPackage = () =>
  (betaPackageMade ??= (async () => {
    const pkg = await (
      await as(coachB)
    ).packages.create({
      serviceId: coachB.service!.id,
      name: "Beta bundle",
      description: "",
      sessionCount: 2,
      priceMinor: 10000,
    });
    const { purchaseId } = await (await as(clientB)).packages.startCheckout({ packageId: pkg.id });
    return { packageId: pkg.id, purchaseId };
  })());

/** Tenant B's coach with an active client, a shared exercise and an open challenge task; tenant A's coach with a client. Made once. */
let betaTasksMade:
  Promise<{ exerciseId: string; fileId: string; taskId: string; goalId: string; clientA2: U }> | undefined;
const dueSoon = () => new Date(app.clock.now().getTime() + 10 * 86_400_000).toISOString().slice(0, 10);
const betaTasks = () =>
  (betaTasksMade ??= (async () => {
    // Coach B and client B may already work together (the workspace cases start that relationship).
    await app.db.coachingRelationship.upsert({
      where: { coachProfileId_clientId: { coachProfileId: coachB.profile.id, clientId: clientB.user.id } },
      update: { status: "ACTIVE" },
      create: { tenantId: b.id, coachProfileId: coachB.profile.id, clientId: clientB.user.id },
    });
    const clientA2 = await createUser(app, a);
    await app.db.coachingRelationship.create({
      data: { tenantId: a.id, coachProfileId: coachA.profile.id, clientId: clientA2.user.id },
    });
    const cb = await as(coachB);
    const exercise = await cb.exercises.create({
      title: "Beta challenge",
      instructions: "Beta only.",
      challengeDays: 3,
      logFields: [{ key: "done", label: "Done", type: "boolean" }],
    });
    const pdf = new File([new Uint8Array(Buffer.from("%PDF-1.4\n%%EOF\n"))], "beta.pdf", { type: "application/pdf" });
    const file = await cb.exercises.uploadFile({ exerciseId: exercise.id, file: pdf });
    const goal = await app.db.goal.create({
      data: { tenantId: b.id, clientId: clientB.user.id, title: "Beta goal", createdById: clientB.user.id },
    });
    const task = await cb.tasks.assign({ clientId: clientB.user.id, exerciseId: exercise.id, dueOn: dueSoon() });
    return { exerciseId: exercise.id, fileId: file.id, taskId: task.id, goalId: goal.id, clientA2 };
  })());
const taskOf = (id: string) => app.db.task.findUniqueOrThrow({ where: { id } });

const covered: Record<string, () => Promise<void>> = {
  // ---- marketplace: every id from tenant B is "not found" in tenant A ----
  "coach.myStatus": async () => {
    expect((await (await as(clientA)).coach.myStatus()).profile).toBeNull();
    expect((await (await as(coachA)).coach.myStatus()).profile?.tenantId).toBe(a.id);
  },
  "coach.submitApplication": async () => {
    const applicant = await createUser(app, a);
    await makeEligible(app, a.id, applicant.user.id);
    const profile = await (
      await as(applicant)
    ).coach.submitApplication({ motivation: "x".repeat(60), specialties: ["focus"], credentialsSummary: "" });
    expect(profile.tenantId).toBe(a.id);
    expect((await (await as(adminB)).coachAdmin.reviewQueue()).map((p) => p.id)).not.toContain(profile.id);
  },
  "coach.profile": async () => expect((await (await as(coachA)).coach.profile()).id).toBe(coachA.profile.id),
  "coach.updateProfile": async () => {
    const before = await profileOf(coachB);
    await (
      await as(coachA)
    ).coach.updateProfile({
      displayName: "Alpha Coach",
      bio: "Updated",
      specialties: ["shared"],
      topics: [],
      languages: ["en"],
      location: null,
      timeZone: "Europe/Berlin",
      yearsExperience: 3,
      education: "",
      approach: "",
      sessionTypes: ["VIDEO"],
    });
    expect(await profileOf(coachB)).toEqual(before);
  },
  "coach.certification": async () => {
    await expect((await as(clientA)).coach.certification()).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await (await as(coachA)).coach.certification()).items.length).toBe(3);
  },
  "coach.credentials": async () =>
    hiddenFromA(
      ids((await as(coachA)).coach.credentials()),
      ids((await as(coachB)).coach.credentials()),
      credentialB.id,
    ),
  "coach.addCredential": async () => {
    const created = await (
      await as(coachA)
    ).coach.addCredential({ type: "Alpha cert", issuer: "Alpha body", number: "", expiresOn: null });
    expect(created.tenantId).toBe(a.id);
  },
  "coach.uploadPhoto": async () => {
    const image = await sharp({ create: { width: 64, height: 64, channels: 3, background: "#888" } })
      .png()
      .toBuffer();
    const updated = await (await as(coachA)).coach.uploadPhoto({ photo: new Blob([new Uint8Array(image)]) });
    expect(updated.photoKey?.startsWith(`avatars/${a.id}/`)).toBe(true);
    expect(await app.tandem.services.coaches.photo({ tenantId: b.id }, updated.photoKey!)).toBeNull();
  },
  "coachAdmin.reviewQueue": async () => {
    // A pending application in each tenant, so the check cannot pass on an empty queue.
    const apply = async (tenant: typeof a, motivation: string) => {
      const applicant = await createUser(app, tenant);
      await makeEligible(app, tenant.id, applicant.user.id);
      return (await as(applicant)).coach.submitApplication({
        motivation,
        specialties: ["focus"],
        credentialsSummary: "",
      });
    };
    const pendingA = await apply(a, "q".repeat(60));
    const pendingB = await apply(b, "r".repeat(60));
    const queueA = (await (await as(adminA)).coachAdmin.reviewQueue()).map((p) => p.id);
    expect(queueA).toContain(pendingA.id);
    expect(queueA).not.toContain(pendingB.id);
    for (const id of queueA)
      expect((await app.db.coachProfile.findUniqueOrThrow({ where: { id } })).tenantId).toBe(a.id);
    expect((await (await as(adminB)).coachAdmin.reviewQueue()).map((p) => p.id)).toContain(pendingB.id);
  },
  "coachAdmin.decide": async () => {
    const applicant = await createUser(app, b);
    await makeEligible(app, b.id, applicant.user.id);
    const pending = await (
      await as(applicant)
    ).coach.submitApplication({ motivation: "y".repeat(60), specialties: ["focus"], credentialsSummary: "" });
    await expect(
      (await as(adminA)).coachAdmin.decide({ coachId: pending.id, approve: true, reason: null }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await app.db.coachProfile.findUniqueOrThrow({ where: { id: pending.id } })).status).toBe("PENDING");
  },
  "coachAdmin.coaches": async () =>
    hiddenFromA(
      ids((await as(adminA)).coachAdmin.coaches()),
      ids((await as(adminB)).coachAdmin.coaches()),
      coachB.profile.id,
    ),
  "coachAdmin.suspend": async () => {
    await expect(
      (await as(adminA)).coachAdmin.suspend({ coachId: coachB.profile.id, reason: "cross-tenant" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await profileOf(coachB)).status).toBe("APPROVED");
  },
  "coachAdmin.reinstate": async () => {
    await expect((await as(adminA)).coachAdmin.reinstate({ coachId: coachB.profile.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  },
  "coachAdmin.setFeeOverride": async () => {
    await expect(
      (await as(adminA)).coachAdmin.setFeeOverride({ coachId: coachB.profile.id, platformFeeBps: 0 }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await profileOf(coachB)).platformFeeBpsOverride).toBeNull();
  },
  "coachAdmin.setFeatured": async () => {
    await expect(
      (await as(adminA)).coachAdmin.setFeatured({ coachId: coachB.profile.id, rank: 1 }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  },
  "coachAdmin.credentials": async () =>
    hiddenFromA(
      ids((await as(adminA)).coachAdmin.credentials()),
      ids((await as(adminB)).coachAdmin.credentials()),
      credentialB.id,
    ),
  "coachAdmin.verifyCredential": async () => {
    await expect(
      (await as(adminA)).coachAdmin.verifyCredential({ credentialId: credentialB.id, verified: true }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await app.db.credential.findUniqueOrThrow({ where: { id: credentialB.id } })).status).toBe("UNVERIFIED");
  },
  "coachAdmin.certificationCandidates": async () => {
    const candidates = await ids((await as(certifiedA)).coachAdmin.certificationCandidates());
    expect(candidates).toContain(coachA.profile.id);
    expect(candidates).not.toContain(coachB.profile.id);
  },
  "coachAdmin.certify": async () => {
    await expect((await as(certifiedA)).coachAdmin.certify({ coachId: coachB.profile.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  },
  "coachAdmin.reviews": async () =>
    hiddenFromA(ids((await as(adminA)).coachAdmin.reviews()), ids((await as(adminB)).coachAdmin.reviews()), reviewB.id),
  "coachAdmin.hideReview": async () => {
    await expect(
      (await as(adminA)).coachAdmin.hideReview({ reviewId: reviewB.id, reason: "cross-tenant" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await app.db.review.findUniqueOrThrow({ where: { id: reviewB.id } })).hiddenAt).toBeNull();
  },
  "offerings.mine": async () => {
    const mine = await (await as(coachA)).offerings.mine();
    expect(mine.map((s) => s.id)).toContain(coachA.service!.id);
    expect(mine.map((s) => s.id)).not.toContain(coachB.service!.id);
    for (const s of mine) expect(s.tenantId).toBe(a.id);
  },
  "offerings.create": async () => expect((await (await as(coachA)).offerings.create(offering)).tenantId).toBe(a.id),
  "offerings.update": async () => {
    await expect(
      (await as(coachA)).offerings.update({ ...offering, serviceId: coachB.service!.id }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  },
  "offerings.setArchived": async () => {
    await expect(
      (await as(coachA)).offerings.setArchived({ serviceId: coachB.service!.id, archived: true }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await app.db.service.findUniqueOrThrow({ where: { id: coachB.service!.id } })).status).toBe("ACTIVE");
  },
  "directory.search": async () => {
    const found = (await (await as(clientA)).directory.search({ specialty: "shared" })).results.map((r) => r.id);
    expect(found).toEqual([coachA.profile.id]);
  },
  "directory.featured": async () => {
    await (await as(adminB)).coachAdmin.setFeatured({ coachId: coachB.profile.id, rank: 1 });
    await hiddenFromA(
      ids((await as(clientA)).directory.featured()),
      ids((await as(clientB)).directory.featured()),
      coachB.profile.id,
    );
  },
  "directory.facets": async () => {
    await (
      await as(coachB)
    ).coach.updateProfile({
      displayName: "Beta Coach",
      bio: "",
      specialties: ["beta-only"],
      topics: [],
      languages: ["fi"],
      location: null,
      timeZone: "UTC",
      yearsExperience: null,
      education: "",
      approach: "",
      sessionTypes: ["VIDEO"],
    });
    const facets = await (await as(clientA)).directory.facets();
    expect(facets.specialties).not.toContain("beta-only");
    expect(facets.languages).not.toContain("fi");
    const facetsB = await (await as(clientB)).directory.facets();
    expect(facetsB.specialties).toContain("beta-only");
    expect(facetsB.languages).toContain("fi");
  },
  "directory.profile": async () => {
    await expect((await as(clientA)).directory.profile({ coachId: coachB.profile.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  },
  "favourites.list": async () => {
    await (await as(clientB)).favourites.add({ coachId: coachB.profile.id });
    expect(await (await as(clientA)).favourites.list()).toEqual([]);
    expect(await ids((await as(clientB)).favourites.list())).toEqual([coachB.profile.id]);
  },
  "favourites.add": async () => {
    await expect((await as(clientA)).favourites.add({ coachId: coachB.profile.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  },
  "favourites.remove": async () => {
    await (await as(clientA)).favourites.remove({ coachId: coachB.profile.id });
    expect(await app.db.favourite.count({ where: { coachProfileId: coachB.profile.id } })).toBe(1); // clientB's stays
  },
  "reviews.reviewable": async () => {
    const unreviewedB = await createCompletedBooking(app, coachB, clientB.user.id);
    await hiddenFromA(
      ids((await as(clientA)).reviews.reviewable()),
      ids((await as(clientB)).reviews.reviewable()),
      unreviewedB.id,
    );
  },
  "reviews.create": async () => {
    await expect(
      (await as(clientA)).reviews.create({
        bookingId: bookingB.id,
        rating: 1,
        text: "Cross-tenant review",
        anonymous: false,
      }),
    ).rejects.toMatchObject(notFoundOrForbidden);
  },
  "reviews.respond": async () => {
    await expect(
      (await as(coachA)).reviews.respond({ reviewId: reviewB.id, response: "Not my review" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  },
  "reviews.mine": async () =>
    hiddenFromA(ids((await as(coachA)).reviews.mine()), ids((await as(coachB)).reviews.mine()), reviewB.id),
  "notifications.list": async () => {
    const titles = async (u: U) => (await (await as(u)).notifications.list()).map((n) => n.title);
    expect(await titles(clientA)).not.toContain("Beta only");
    expect(await titles(clientB)).toContain("Beta only");
  },
  "notifications.unreadCount": async () => expect(await (await as(clientB)).notifications.unreadCount()).toBe(1),
  "notifications.markAllRead": async () => {
    await (await as(clientA)).notifications.markAllRead();
    expect(await (await as(clientB)).notifications.unreadCount()).toBe(1);
  },

  // ---- bookings ----
  "bookings.myAvailability": async () => {
    await (
      await as(coachB)
    ).bookings.setAvailability({
      timeZone: "Europe/Helsinki",
      weekly: [{ weekday: 1, start: "09:00", end: "17:00" }],
      overrides: [],
      bufferBeforeMinutes: 0,
      bufferAfterMinutes: 0,
      minNoticeMinutes: 0,
      horizonDays: 30,
      dailyCap: null,
    });
    expect((await (await as(coachA)).bookings.myAvailability()).availability.timeZone).not.toBe("Europe/Helsinki");
  },
  "bookings.setAvailability": async () => {
    await (
      await as(coachA)
    ).bookings.setAvailability({
      timeZone: "Europe/Paris",
      weekly: [],
      overrides: [],
      bufferBeforeMinutes: 0,
      bufferAfterMinutes: 0,
      minNoticeMinutes: 0,
      horizonDays: 30,
      dailyCap: null,
    });
    expect(
      (await app.db.coachAvailability.findUniqueOrThrow({ where: { coachProfileId: coachB.profile.id } })).timeZone,
    ).toBe("Europe/Helsinki");
  },
  "bookings.addTimeOff": async () => {
    const off = await (
      await as(coachA)
    ).bookings.addTimeOff({ startsAt: "2030-01-01T00:00:00Z", endsAt: "2030-01-02T00:00:00Z", reason: "" });
    expect(off.coachProfileId).toBe(coachA.profile.id);
  },
  "bookings.removeTimeOff": async () => {
    const off = await (
      await as(coachB)
    ).bookings.addTimeOff({ startsAt: "2030-02-01T00:00:00Z", endsAt: "2030-02-02T00:00:00Z", reason: "" });
    await expect((await as(coachA)).bookings.removeTimeOff({ timeOffId: off.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await app.db.timeOff.count({ where: { id: off.id } })).toBe(1);
  },
  "bookings.slots": async () => {
    await expect((await as(clientA)).bookings.slots({ serviceId: coachB.service!.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  },
  "bookings.hold": async () => {
    await expect(
      (await as(clientA)).bookings.hold({
        serviceId: coachB.service!.id,
        startsAt: "2030-01-07T09:00:00Z",
        topic: "",
        clientNotes: "",
      }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(
      await app.db.booking.count({ where: { coachProfileId: coachB.profile.id, clientId: clientA.user.id } }),
    ).toBe(0);
  },
  "bookings.detail": async () => {
    await expect((await as(clientA)).bookings.detail({ bookingId: bookingB.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect((await as(coachA)).bookings.detail({ bookingId: bookingB.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect((await (await as(clientB)).bookings.detail({ bookingId: bookingB.id })).viewerIsClient).toBe(true);
  },
  "bookings.calendarFile": async () => {
    await expect((await as(clientA)).bookings.calendarFile({ bookingId: bookingB.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  },
  "bookings.forCoach": async () =>
    hiddenFromA(ids((await as(coachA)).bookings.forCoach()), ids((await as(coachB)).bookings.forCoach()), bookingB.id),
  "earnings.mine": async () => {
    // Transfers to a coach of each tenant, so the check cannot pass on an empty ledger.
    const bookingA = await createCompletedBooking(app, coachA, clientA.user.id);
    const transfer = (tenantId: string, bookingId: string, amountMinor: number, reference: string) =>
      app.db.ledgerEntry.create({
        data: {
          tenantId,
          bookingId,
          kind: "COACH_TRANSFER",
          amountMinor,
          currency: "EUR",
          provider: "local",
          reference,
        },
      });
    await transfer(a.id, bookingA.id, 4321, "alpha-transfer");
    await transfer(b.id, bookingB.id, 8765, "beta-transfer");
    const net = async (u: C) => (await (await as(u)).earnings.mine()).months.reduce((n, m) => n + m.netMinor, 0);
    expect(await net(coachA)).toBe(4321);
    expect(await net(coachB)).toBe(8765);
    await expect((await as(clientA)).earnings.mine()).rejects.toMatchObject({ code: "FORBIDDEN" });
  },
  "earnings.tenant": async () => {
    await app.db.ledgerEntry.create({
      data: {
        tenantId: b.id,
        bookingId: bookingB.id,
        kind: "PLATFORM_FEE",
        amountMinor: 777,
        currency: "EUR",
        provider: "local",
        reference: "beta-only",
      },
    });
    const months = (await (await as(adminA)).earnings.tenant()).months;
    expect(months.reduce((n, m) => n + m.feesMinor, 0)).not.toBe(777);
    expect((await (await as(adminB)).earnings.tenant()).months.reduce((n, m) => n + m.feesMinor, 0)).toBe(777);
    await expect((await as(coachA)).earnings.tenant()).rejects.toMatchObject({ code: "FORBIDDEN" });
  },
  "bookings.rescheduleOptions": async () => {
    await expect((await as(clientA)).bookings.rescheduleOptions({ bookingId: bookingB.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  },
  "bookings.reschedule": async () => {
    await expect(
      (await as(clientA)).bookings.reschedule({ bookingId: bookingB.id, startsAt: "2030-01-07T09:00:00Z" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  },
  "bookings.calendarFeed": async () => {
    const { url } = await (await as(coachB)).bookings.calendarFeed();
    const feed = await app.tandem.services.bookings.calendarFeed(url.split("/").pop()!.replace(".ics", ""), "http://x");
    expect(feed).not.toBeNull();
    const mine = await (await as(coachA)).bookings.calendarFeed();
    expect(mine.url).not.toBe(url);
    await expect((await as(clientA)).bookings.calendarFeed()).rejects.toMatchObject({ code: "FORBIDDEN" });
  },
  "bookings.mine": async () =>
    hiddenFromA(ids((await as(clientA)).bookings.mine()), ids((await as(clientB)).bookings.mine()), bookingB.id),

  // ---- session notes, action items and files: tenant B's booking is "not found" in tenant A ----
  "sessionNotes.forBooking": async () => {
    for (const u of [clientA, coachA, adminA])
      await expect((await as(u)).sessionNotes.forBooking({ bookingId: bookingB.id })).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
    expect((await (await as(clientB)).sessionNotes.forBooking({ bookingId: bookingB.id })).viewer).toBe("client");
  },
  "sessionNotes.uploadFile": async () => {
    const pdf = new Blob([new Uint8Array(Buffer.from("%PDF-1.4\n%%EOF\n"))]);
    await expect(
      (await as(coachA)).sessionNotes.uploadFile({ bookingId: bookingB.id, kind: "RESOURCE", file: pdf }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(
      (await as(clientA)).sessionNotes.uploadFile({ bookingId: bookingB.id, kind: "PREPARATION", file: pdf }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await app.db.bookingFile.count({ where: { bookingId: bookingB.id, tenantId: a.id } })).toBe(0);
  },
  "sessionNotes.deleteFile": async () => {
    const file = await (
      await as(coachB)
    ).sessionNotes.uploadFile({
      bookingId: bookingB.id,
      kind: "RESOURCE",
      file: new Blob([new Uint8Array(Buffer.from("%PDF-1.4\n%%EOF\n"))]),
    });
    for (const u of [clientA, coachA, adminA])
      await expect((await as(u)).sessionNotes.deleteFile({ fileId: file.id })).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
    await expect(
      app.tandem.services.sessionNotes.file({ userId: coachA.user.id, tenantId: a.id, role: "COACH" }, file.id),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await app.db.bookingFile.count({ where: { id: file.id } })).toBe(1);
  },
  "sessionNotes.saveNote": async () => {
    await expect(
      (await as(coachA)).sessionNotes.saveNote({ bookingId: bookingB.id, visibility: "SHARED", body: "Cross-tenant" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await app.db.sessionNote.count({ where: { bookingId: bookingB.id } })).toBe(0);
  },
  "sessionNotes.addActionItem": async () => {
    await expect(
      (await as(coachA)).sessionNotes.addActionItem({ bookingId: bookingB.id, text: "Cross-tenant" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await app.db.actionItem.count({ where: { bookingId: bookingB.id, text: "Cross-tenant" } })).toBe(0);
  },
  "sessionNotes.removeActionItem": async () => {
    const item = await (
      await as(coachB)
    ).sessionNotes.addActionItem({ bookingId: bookingB.id, text: "Beta item to keep" });
    await expect((await as(coachA)).sessionNotes.removeActionItem({ itemId: item.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await app.db.actionItem.count({ where: { id: item.id } })).toBe(1);
  },
  "sessionNotes.setActionItemDone": async () => {
    const item = await (
      await as(coachB)
    ).sessionNotes.addActionItem({ bookingId: bookingB.id, text: "Beta item to tick" });
    await expect(
      (await as(clientA)).sessionNotes.setActionItemDone({ itemId: item.id, done: true }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await app.db.actionItem.findUniqueOrThrow({ where: { id: item.id } })).doneAt).toBeNull();
  },
  "sessionNotes.history": async () => {
    expect((await (await as(clientA)).sessionNotes.history()).map((b) => b.id)).not.toContain(bookingB.id);
    expect((await (await as(clientB)).sessionNotes.history()).map((b) => b.id)).toContain(bookingB.id);
  },
  // ---- payments (local test checkout: no Stripe keys in this app) ----
  "bookings.cancellationPreview": async () => {
    await expect((await as(clientA)).bookings.cancellationPreview({ bookingId: bookingB.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect((await as(adminA)).bookings.cancellationPreview({ bookingId: bookingB.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  },
  "bookings.cancel": async () => {
    await expect(
      (await as(adminA)).bookings.cancel({ bookingId: bookingB.id, reason: "cross-tenant" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await app.db.booking.findUniqueOrThrow({ where: { id: bookingB.id } })).status).toBe("COMPLETED");
  },
  "payments.checkoutSummary": async () => {
    await expect((await as(clientA)).payments.checkoutSummary({ bookingId: bookingB.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  },
  "payments.startCheckout": async () => {
    await expect((await as(clientA)).payments.startCheckout({ bookingId: bookingB.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  },
  "payments.payLocal": async () => {
    await expect((await as(clientA)).payments.payLocal({ bookingId: bookingB.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect((await app.db.booking.findUniqueOrThrow({ where: { id: bookingB.id } })).status).toBe("COMPLETED");
    expect(await app.db.webhookEvent.count({ where: { bookingId: bookingB.id } })).toBe(0);
  },
  "payments.coachOnboarding": async () => {
    await (await as(coachA)).payments.coachOnboarding();
    expect((await profileOf(coachA)).payoutsEnabled).toBe(true);
    expect((await profileOf(coachB)).payoutsEnabled).toBe(false);
  },
  "payments.coachPayoutStatus": async () => {
    expect((await (await as(coachB)).payments.coachPayoutStatus()).payoutsEnabled).toBe(false);
    await expect((await as(clientA)).payments.coachPayoutStatus()).rejects.toMatchObject({ code: "FORBIDDEN" });
  },
  "calcom.status": async () => {
    await app.db.coachProfile.update({
      where: { id: coachB.profile.id },
      data: { calcomApiKeySealed: "beta-sealed", calcomConnectedAt: new Date() },
    });
    const status = await (await as(coachA)).calcom.status();
    expect(status).toMatchObject({
      connected: false,
      keyHint: null,
      webhookPath: `/webhooks/calcom?coach=${coachA.profile.id}`,
    });
    expect(status.services.map((s) => s.id)).not.toContain(coachB.service!.id);
    expect(status.services.map((s) => s.id)).toContain(coachA.service!.id);
    await expect((await as(clientA)).calcom.status()).rejects.toMatchObject({ code: "FORBIDDEN" });
  },
  "calcom.connect": async () => {
    await app.db.coachProfile.update({ where: { id: coachB.profile.id }, data: { calcomApiKeySealed: "beta-sealed" } });
    await expect((await as(clientA)).calcom.connect({ apiKey: "cal_live_0123456789" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect((await as(coachA)).calcom.connect({ apiKey: "has spaces in it" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    expect((await profileOf(coachB)).calcomApiKeySealed).toBe("beta-sealed");
  },
  "calcom.disconnect": async () => {
    await app.db.coachProfile.update({ where: { id: coachB.profile.id }, data: { calcomApiKeySealed: "beta-sealed" } });
    expect(await (await as(coachA)).calcom.disconnect()).toEqual({ connected: false });
    expect((await profileOf(coachB)).calcomApiKeySealed).toBe("beta-sealed");
    await expect((await as(clientA)).calcom.disconnect()).rejects.toMatchObject({ code: "FORBIDDEN" });
  },

  // ---- foundation ----
  "auth.me": async () => {
    const me = await (await as(clientA)).auth.me();
    expect(me?.tenant.id).toBe(a.id);
    expect(me?.memberships.map((m) => m.tenantId)).toEqual([a.id]);
  },
  "auth.signUp": async () => {
    // Joining B makes a new B client; it reads nothing of B and gives no role in A.
    const anon = await app.as();
    await anon.api.auth.signUp({ name: "Newbie", email: "newbie@beta.test", password: PASSWORD, tenantSlug: "beta" });
    const me = await (await app.as(tokenFrom(anon.resHeaders))).api.auth.me();
    expect(me?.tenant.id).toBe(b.id);
    expect(me?.role).toBe("CLIENT");
  },
  "auth.logIn": async () => {
    // Asking for tenant A while being a member of B only still lands in B.
    const anon = await app.as();
    await anon.api.auth.logIn({ email: clientB.email, password: PASSWORD, tenantSlug: "alpha" });
    const me = await (await app.as(tokenFrom(anon.resHeaders))).api.auth.me();
    expect(me?.tenant.id).toBe(b.id);
  },
  "auth.logOut": async () => {
    const other = await createUser(app, b);
    await (await app.as(other.token)).api.auth.logOut();
    expect(await (await as(clientB)).auth.me()).not.toBeNull(); // only the caller's own session ended
  },
  "auth.sessions": async () => {
    const sessions = await (await as(adminA)).auth.sessions();
    const ids = new Set((await app.db.session.findMany({ where: { userId: adminA.user.id } })).map((s) => s.id));
    expect(sessions.length).toBeGreaterThan(0);
    for (const s of sessions) expect(ids.has(s.id)).toBe(true);
  },
  "auth.revokeSession": async () => {
    const target = await app.db.session.findFirstOrThrow({ where: { userId: clientB.user.id, revokedAt: null } });
    await expect((await as(adminA)).auth.revokeSession({ sessionId: target.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect((await app.db.session.findUniqueOrThrow({ where: { id: target.id } })).revokedAt).toBeNull();
  },
  "auth.changePassword": async () => {
    const before = (await app.db.user.findUniqueOrThrow({ where: { id: clientB.user.id } })).passwordHash;
    const changer = await createUser(app, a);
    await (
      await app.as(changer.token)
    ).api.auth.changePassword({ currentPassword: PASSWORD, newPassword: "another long passphrase" });
    expect((await app.db.user.findUniqueOrThrow({ where: { id: clientB.user.id } })).passwordHash).toBe(before);
  },
  "auth.setTimeZone": async () => {
    // A person's own setting: there is no id to point at someone else, and B's is untouched.
    const before = (await app.db.user.findUniqueOrThrow({ where: { id: clientB.user.id } })).timeZone;
    const mover = await createUser(app, a);
    expect(
      await (
        await app.as(mover.token)
      ).api.auth.setTimeZone({ timeZone: before === "Asia/Tokyo" ? "Europe/Oslo" : "Asia/Tokyo" }),
    ).toMatchObject({ timeZone: expect.any(String) });
    expect((await app.db.user.findUniqueOrThrow({ where: { id: clientB.user.id } })).timeZone).toBe(before);
  },
  "auth.switchTenant": async () => {
    await expect((await as(adminA)).auth.switchTenant({ tenantSlug: "beta" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect((await (await as(adminA)).auth.me())?.tenant.id).toBe(a.id);
  },
  "tenant.publicInfo": async () => {
    const info = await (await app.as()).api.tenant.publicInfo({ slug: "beta" });
    expect(Object.keys(info).sort()).toEqual(["name", "slug"]); // no settings leak to the public
  },
  "tenant.current": async () => {
    expect((await (await as(clientA)).tenant.current()).id).toBe(a.id);
    expect((await (await as(clientB)).tenant.current()).id).toBe(b.id);
  },
  "tenant.updateSettings": async () => {
    const beforeB = await settingsOf(b.id);
    await (
      await as(adminA)
    ).tenant.updateSettings({
      name: "Alpha Coaching",
      platformFeeBps: 1234,
      minServicePriceMinor: 500,
      currency: "GBP",
      coachClientCapacity: 7,
    });
    expect((await settingsOf(a.id)).platformFeeBps).toBe(1234);
    expect(await settingsOf(b.id)).toEqual(beforeB);
    await expect(
      (await as(clientA)).tenant.updateSettings({
        name: "Hijack",
        platformFeeBps: 0,
        minServicePriceMinor: 0,
        currency: "EUR",
        coachClientCapacity: 1,
      }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(app.realtime.events).toContainEqual({
      kind: "emitToTenant",
      args: [a.id, "tenant:updated", expect.objectContaining({ tenantId: a.id })],
    });
  },
  "tenant.members": async () => {
    const { members } = await (await as(adminA)).tenant.members();
    const emails = members.map((m) => m.user.email);
    expect(emails).toContain("client@alpha.test");
    expect(emails.some((e) => e.endsWith("@beta.test"))).toBe(false);
    await expect((await as(clientA)).tenant.members()).rejects.toMatchObject({ code: "FORBIDDEN" });
  },
  "tenant.updatePayoutSchedule": async () => {
    const beforeB = await settingsOf(b.id);
    expect(
      await (await as(adminA)).tenant.updatePayoutSchedule({ payoutSchedule: "MONTHLY", payoutMonthlyAnchor: 5 }),
    ).toMatchObject({ id: a.id, payoutSchedule: "MONTHLY", payoutMonthlyAnchor: 5 });
    expect(await settingsOf(b.id)).toEqual(beforeB);
    await expect(
      (await as(clientA)).tenant.updatePayoutSchedule({ payoutSchedule: "DAILY", payoutMonthlyAnchor: 1 }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
  },
  // ---- packages: tenant B's packages and purchases are missing in tenant A ----
  "packages.mine": async () => {
    const { packageId } = await betaPackage();
    expect((await (await as(coachA)).packages.mine()).map((p) => p.id)).not.toContain(packageId);
    expect((await (await as(coachB)).packages.mine()).map((p) => p.id)).toContain(packageId);
    await expect((await as(clientA)).packages.mine()).rejects.toMatchObject({ code: "FORBIDDEN" });
  },
  "packages.create": async () => {
    const before = await app.db.package.count({ where: { tenantId: b.id } });
    await expect(
      (await as(coachA)).packages.create({
        serviceId: coachB.service!.id,
        name: "Stolen service",
        description: "",
        sessionCount: 2,
        priceMinor: 100,
      }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await app.db.package.count({ where: { tenantId: b.id } })).toBe(before);
  },
  "packages.update": async () => {
    const { packageId } = await betaPackage();
    await expect(
      (await as(coachA)).packages.update({
        packageId,
        serviceId: coachA.service!.id,
        name: "Hijack",
        description: "",
        sessionCount: 2,
        priceMinor: 100,
      }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await app.db.package.findUniqueOrThrow({ where: { id: packageId } })).name).toBe("Beta bundle");
  },
  "packages.setArchived": async () => {
    const { packageId } = await betaPackage();
    await expect((await as(coachA)).packages.setArchived({ packageId, archived: true })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect((await app.db.package.findUniqueOrThrow({ where: { id: packageId } })).status).toBe("ACTIVE");
  },
  "packages.forCoach": async () => {
    const { packageId } = await betaPackage();
    expect(await (await as(clientA)).packages.forCoach({ coachId: coachB.profile.id })).toEqual([]);
    expect((await (await as(clientB)).packages.forCoach({ coachId: coachB.profile.id })).map((p) => p.id)).toEqual([
      packageId,
    ]);
  },
  "packages.myPurchases": async () => {
    const { purchaseId } = await betaPackage();
    expect((await (await as(clientA)).packages.myPurchases()).map((p) => p.id)).not.toContain(purchaseId);
    expect(await (await as(clientA)).packages.myPurchases({ coachId: coachB.profile.id })).toEqual([]);
    expect((await (await as(clientB)).packages.myPurchases()).map((p) => p.id)).toContain(purchaseId);
  },
  "packages.startCheckout": async () => {
    const { packageId } = await betaPackage();
    await expect((await as(clientA)).packages.startCheckout({ packageId })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await app.db.packagePurchase.count({ where: { packageId, tenantId: a.id } })).toBe(0);
  },
  "packages.checkoutSummary": async () => {
    const { purchaseId } = await betaPackage();
    for (const u of [clientA, adminA])
      await expect((await as(u)).packages.checkoutSummary({ purchaseId })).rejects.toMatchObject({ code: "NOT_FOUND" });
  },
  "packages.creditPolicy": async () => {
    await app.db.tenant.update({ where: { id: b.id }, data: { cancellationFullRefundHours: 72 } });
    expect((await (await as(clientA)).packages.creditPolicy()).fullRefundHours).toBe(
      (await settingsOf(a.id)).cancellationFullRefundHours,
    );
    expect((await (await as(clientB)).packages.creditPolicy()).policy).toContain("at least 72 hours");
  },
  "packages.payLocal": async () => {
    const { purchaseId } = await betaPackage();
    for (const u of [clientA, adminA])
      await expect((await as(u)).packages.payLocal({ purchaseId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await app.db.packagePurchase.findUniqueOrThrow({ where: { id: purchaseId } })).status).toBe("PENDING");
  },
  "dashboard.summary": async () => {
    const summary = await (await as(adminB)).dashboard.summary();
    expect(summary.tenant.id).toBe(b.id);
    const memberCount = Object.values(summary.members ?? {}).reduce((n, c) => n + (c ?? 0), 0);
    expect(memberCount).toBe(await app.db.membership.count({ where: { tenantId: b.id } }));
    expect(summary.tenantCount).toBeNull(); // not a system admin
  },
  // ---- live sessions: tenant B's booking looks missing in tenant A ----
  "sessions.room": async () => {
    for (const u of [clientA, coachA, adminA])
      expect(await (await as(u)).sessions.room({ bookingId: bookingB.id })).toMatchObject({
        ok: false,
        reason: "NOT_FOUND",
      });
    expect(await (await as(clientB)).sessions.room({ bookingId: bookingB.id })).toMatchObject({
      ok: false,
      reason: "ENDED",
    });
  },
  "sessions.livekitToken": async () => {
    for (const u of [clientA, coachA])
      await expect((await as(u)).sessions.livekitToken({ bookingId: bookingB.id })).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
    expect((await app.db.booking.findUniqueOrThrow({ where: { id: bookingB.id } })).e2eeKeySealed).toBeNull();
  },
  "sessions.attendance": async () => {
    await app.db.attendance.create({
      data: { tenantId: b.id, bookingId: bookingB.id, userId: clientB.user.id, transport: "p2p", joinedAt: new Date() },
    });
    for (const u of [clientA, coachA, adminA])
      await expect((await as(u)).sessions.attendance({ bookingId: bookingB.id })).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
    expect((await (await as(clientB)).sessions.attendance({ bookingId: bookingB.id })).rows).toHaveLength(1);
  },
  // ---- chat: tenant B's session thread and its messages are missing in tenant A ----
  "chat.sessionThread": async () => {
    for (const u of [clientA, coachA, adminA])
      await expect((await as(u)).chat.sessionThread({ bookingId: bookingB.id })).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
    expect(
      (await (await as(clientB)).chat.sessionThread({ bookingId: bookingB.id })).members.map((m) => m.userId).sort(),
    ).toEqual([clientB.user.id, coachB.user.id].sort());
  },
  "chat.thread": async () => {
    const { threadId } = await (await as(clientB)).chat.sessionThread({ bookingId: bookingB.id });
    for (const u of [clientA, coachA, adminA])
      await expect((await as(u)).chat.thread({ threadId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await (await as(coachB)).chat.thread({ threadId })).members.map((m) => m.userId).sort()).toEqual(
      [clientB.user.id, coachB.user.id].sort(),
    );
  },
  "chat.history": async () => {
    const { threadId } = await (await as(clientB)).chat.sessionThread({ bookingId: bookingB.id });
    await app.tandem.services.chat.send(
      { userId: clientB.user.id, tenantId: b.id },
      { threadId, clientMessageId: "tenancy-history", text: "Beta only" },
    );
    for (const u of [clientA, coachA, adminA])
      await expect((await as(u)).chat.history({ threadId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await (await as(coachB)).chat.history({ threadId })).messages.map((m) => m.text)).toContain("Beta only");
  },
  "chat.markRead": async () => {
    const { threadId } = await (await as(coachB)).chat.sessionThread({ bookingId: bookingB.id });
    for (const u of [clientA, coachA])
      await expect((await as(u)).chat.markRead({ threadId, seq: 1 })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(
      await app.db.threadMember.count({
        where: { threadId, lastReadSeq: { gt: 0 }, userId: { in: [clientA.user.id, coachA.user.id] } },
      }),
    ).toBe(0);
  },
  // ---- exercises and tasks: tenant B's exercises, tasks and clients are missing in tenant A ----
  "exercises.library": async () => {
    const { exerciseId } = await betaTasks();
    await hiddenFromA(
      ids((await as(certifiedA)).exercises.library({})),
      ids((await as(coachB)).exercises.library({})),
      exerciseId,
    );
  },
  "exercises.get": async () => {
    const { exerciseId } = await betaTasks();
    await expect((await as(coachA)).exercises.get({ exerciseId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await (await as(coachB)).exercises.get({ exerciseId })).id).toBe(exerciseId);
  },
  "exercises.create": async () => {
    const created = await (await as(coachA)).exercises.create({ title: "Alpha one", instructions: "Alpha." });
    expect(created.tenantId).toBe(a.id);
    expect((await (await as(coachB)).exercises.library({})).map((e) => e.id)).not.toContain(created.id);
  },
  "exercises.update": async () => {
    const { exerciseId } = await betaTasks();
    await expect(
      (await as(coachA)).exercises.update({ exerciseId, title: "Taken over", instructions: "x" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await app.db.exercise.findUniqueOrThrow({ where: { id: exerciseId } })).title).toBe("Beta challenge");
  },
  "exercises.archive": async () => {
    const { exerciseId } = await betaTasks();
    await expect((await as(coachA)).exercises.archive({ exerciseId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await app.db.exercise.findUniqueOrThrow({ where: { id: exerciseId } })).archivedAt).toBeNull();
  },
  "exercises.setPublished": async () => {
    const { exerciseId } = await betaTasks();
    await expect((await as(certifiedA)).exercises.setPublished({ exerciseId, published: true })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect((await app.db.exercise.findUniqueOrThrow({ where: { id: exerciseId } })).publishedAt).toBeNull();
  },
  "exercises.copy": async () => {
    const { exerciseId } = await betaTasks();
    await expect((await as(coachA)).exercises.copy({ exerciseId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await app.db.exercise.count({ where: { copiedFromId: exerciseId } })).toBe(0);
  },
  "exercises.uploadFile": async () => {
    const { exerciseId } = await betaTasks();
    const pdf = new File([new Uint8Array(Buffer.from("%PDF-1.4\n%%EOF\n"))], "a.pdf", { type: "application/pdf" });
    await expect((await as(coachA)).exercises.uploadFile({ exerciseId, file: pdf })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await app.db.exerciseFile.count({ where: { exerciseId } })).toBe(1);
  },
  "exercises.deleteFile": async () => {
    const { fileId } = await betaTasks();
    await expect((await as(coachA)).exercises.deleteFile({ fileId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await app.db.exerciseFile.count({ where: { id: fileId } })).toBe(1);
  },
  "tasks.assign": async () => {
    const { exerciseId, clientA2 } = await betaTasks();
    const before = await app.db.task.count({ where: { tenantId: b.id } });
    // Tenant B's client is nobody's client in tenant A; tenant B's exercise is not in A's library.
    await expect(
      (await as(coachA)).tasks.assign({ clientId: clientB.user.id, title: "Cross", dueOn: dueSoon() }),
    ).rejects.toMatchObject(notFoundOrForbidden);
    await expect(
      (await as(coachA)).tasks.assign({ clientId: clientA2.user.id, exerciseId, dueOn: dueSoon() }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await app.db.task.count({ where: { tenantId: b.id } })).toBe(before);
    const own = await (
      await as(coachA)
    ).tasks.assign({ clientId: clientA2.user.id, title: "Alpha task", dueOn: dueSoon() });
    expect((await taskOf(own.id)).tenantId).toBe(a.id);
  },
  "tasks.mine": async () => {
    const { taskId } = await betaTasks();
    await hiddenFromA(
      ids((await as(clientA)).tasks.mine().then((m) => m.tasks)),
      ids((await as(clientB)).tasks.mine().then((m) => m.tasks)),
      taskId,
    );
  },
  "tasks.forClient": async () => {
    const { taskId } = await betaTasks();
    await hiddenFromA(
      ids((await as(coachA)).tasks.forClient({ clientId: clientB.user.id }).then((m) => m.tasks)),
      ids((await as(coachB)).tasks.forClient({ clientId: clientB.user.id }).then((m) => m.tasks)),
      taskId,
    );
  },
  "tasks.assignOptions": async () => {
    await betaTasks();
    await hiddenFromA(
      ids((await as(coachA)).tasks.assignOptions().then((o) => o.clients)),
      ids((await as(coachB)).tasks.assignOptions().then((o) => o.clients)),
      clientB.user.id,
    );
  },
  "tasks.goalOptions": async () => {
    await betaTasks();
    await expect((await as(coachA)).tasks.goalOptions({ clientId: clientB.user.id })).rejects.toMatchObject(
      notFoundOrForbidden,
    );
    expect(await app.db.dataAccessLog.count({ where: { tenantId: a.id, clientId: clientB.user.id } })).toBe(0);
  },
  "tasks.get": async () => {
    const { taskId } = await betaTasks();
    for (const u of [clientA, coachA, adminA])
      await expect((await as(u)).tasks.get({ taskId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await (await as(clientB)).tasks.get({ taskId })).id).toBe(taskId);
  },
  "tasks.log": async () => {
    const { taskId } = await betaTasks();
    const t = await taskOf(taskId);
    const day = t.startOn!.toISOString().slice(0, 10);
    await expect((await as(clientA)).tasks.log({ taskId, day, values: { done: true } })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await app.db.taskLog.count({ where: { taskId } })).toBe(0);
  },
  "tasks.start": async () => {
    const { taskId } = await betaTasks();
    await expect((await as(clientA)).tasks.start({ taskId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await taskOf(taskId)).status).toBe("ASSIGNED");
  },
  "tasks.reflect": async () => {
    const { taskId } = await betaTasks();
    await expect((await as(clientA)).tasks.reflect({ taskId, text: "Not mine" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await app.db.message.count({ where: { threadId: (await taskOf(taskId)).threadId } })).toBe(0);
  },
  "tasks.feedback": async () => {
    const { taskId } = await betaTasks();
    await expect((await as(coachA)).tasks.feedback({ taskId, text: "Not mine" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await app.db.message.count({ where: { threadId: (await taskOf(taskId)).threadId } })).toBe(0);
  },
  "tasks.review": async () => {
    const { taskId } = await betaTasks();
    await expect((await as(coachA)).tasks.review({ taskId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await taskOf(taskId)).status).toBe("ASSIGNED");
  },
  "tasks.complete": async () => {
    const { taskId } = await betaTasks();
    await expect((await as(clientA)).tasks.complete({ taskId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await taskOf(taskId)).status).toBe("ASSIGNED");
  },
  "tasks.reopen": async () => {
    const { taskId } = await betaTasks();
    await expect((await as(coachA)).tasks.reopen({ taskId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await taskOf(taskId)).status).toBe("ASSIGNED");
  },
  "tasks.proposeNext": async () => {
    const { taskId } = await betaTasks();
    await expect(
      (await as(coachA)).tasks.proposeNext({ taskId, title: "Next from A", dueOn: dueSoon() }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await app.db.task.count({ where: { followUpOfId: taskId } })).toBe(0);
  },
  "admin.tenants": async () => {
    await expect((await as(adminA)).admin.tenants()).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await (await as(sysadmin)).admin.tenants()).map((t) => t.slug)).toEqual(
      expect.arrayContaining(["alpha", "beta"]),
    );
  },
  "admin.createTenant": async () => {
    await expect((await as(adminB)).admin.createTenant({ name: "Gamma", slug: "gamma" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    expect(await app.db.tenant.count({ where: { slug: "gamma" } })).toBe(0);
  },
  "admin.setTenantFlags": async () => {
    await expect(
      (await as(adminA)).admin.setTenantFlags({ tenantId: b.id, featureCoaches: false }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await settingsOf(b.id)).featureCoaches).toBe(true);
  },
  // ---- coaching workspace: relationships, consent, journal, goals, DIRECT threads ----
  ...workspaceCases(() => ({ app, a, b, clientA, adminA, clientB, coachA, coachB })),
};

describe("tenant isolation", () => {
  it("has a case for every procedure of the router", () => {
    const procedures = Object.keys(appRouter._def.procedures).sort();
    expect(Object.keys(covered).sort()).toEqual(procedures);
  });

  for (const [path, check] of Object.entries(covered)) {
    it(`${path}: tenant A cannot reach tenant B`, check);
  }

  it("refuses anonymous callers on signed-in procedures", async () => {
    const anon = (await app.as()).api;
    await expect(anon.tenant.current()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(anon.auth.sessions()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});

describe("system administration", () => {
  it("creates tenants with unique slugs and switches their flags", async () => {
    const root = await as(sysadmin);
    const created = await root.admin.createTenant({ name: "Delta Wellness", slug: "delta" });
    expect(created).toMatchObject({
      slug: "delta",
      platformFeeBps: 1500,
      coachClientCapacity: 5,
      featureCoaches: true,
      featurePremiumCoachServices: false,
    });
    await expect(root.admin.createTenant({ name: "Delta again", slug: "delta" })).rejects.toMatchObject({
      code: "CONFLICT",
      cause: { fieldErrors: { slug: ["Another organisation already uses this address."] } },
    });
    const flagged = await root.admin.setTenantFlags({ tenantId: created.id, featurePremiumCoachServices: true });
    expect(flagged.featurePremiumCoachServices).toBe(true);
    expect(app.realtime.events).toContainEqual({
      kind: "emitToTenant",
      args: [created.id, "tenant:updated", expect.objectContaining({ featurePremiumCoachServices: true })],
    });
  });
});

describe("tRPC over HTTP", () => {
  const call = (path: string, init: RequestInit & { token?: string }) => {
    const headers = new Headers(init.headers);
    headers.set("content-type", "application/json");
    if (init.token) headers.set("cookie", `tandem_session=${init.token}`);
    const req = new Request(`http://localhost/api/trpc/${path}`, { ...init, headers });
    return fetchRequestHandler({
      endpoint: "/api/trpc",
      req,
      router: app.tandem.router,
      createContext: ({ resHeaders }) => app.tandem.createContext(req, resHeaders, "127.0.0.1"),
    });
  };

  it("answers bad input with 400 BAD_REQUEST and field errors, and writes nothing", async () => {
    const before = await settingsOf(a.id);
    const res = await call("tenant.updateSettings", {
      method: "POST",
      token: adminA.token,
      body: JSON.stringify({
        name: "A",
        platformFeeBps: 12.5,
        minServicePriceMinor: -1,
        currency: "euro",
        coachClientCapacity: 0,
      }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as {
      error: { message: string; data: { code: string; fieldErrors: Record<string, string[]> } };
    };
    expect(body.error.data.code).toBe("BAD_REQUEST");
    expect(Object.keys(body.error.data.fieldErrors).sort()).toEqual([
      "coachClientCapacity",
      "currency",
      "minServicePriceMinor",
      "name",
      "platformFeeBps",
    ]);
    expect(body.error.data.fieldErrors.currency).toEqual(["Use a three-letter ISO currency code, such as EUR."]);
    expect(await settingsOf(a.id)).toEqual(before);
  });

  it("answers a malformed body with 400, not 500", async () => {
    const res = await call("tenant.updateSettings", { method: "POST", token: adminA.token, body: "{not json" });
    expect(res.status).toBe(400);
  });

  it("answers 401 to an anonymous query and 403 to the wrong role", async () => {
    expect((await call("tenant.current", { method: "GET" })).status).toBe(401);
    expect((await call("tenant.members", { method: "GET", token: clientA.token })).status).toBe(403);
  });
});
