import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { createCoach, createCompletedBooking, createTenant, createUser, makeEligible } from "../helpers/factories.ts";

let app: TestApp;
let tenant: Awaited<ReturnType<typeof createTenant>>;
type U = Awaited<ReturnType<typeof createUser>>;
let admin: U, certified: U, client: U;
const api = async (u: U) => (await app.as(u.token)).api;
const MOTIVATION = "I have been mentoring colleagues for years and want to help people handle stress at work.";

beforeAll(async () => {
  app = await createTestApp();
  tenant = await createTenant(app);
  admin = await createUser(app, tenant, "TENANT_ADMIN", { name: "Admin" });
  certified = (await createCoach(app, tenant, { name: "Certa", role: "CERTIFIED_COACH" })) as U;
  await app.db.coachProfile.updateMany({ where: { userId: certified.user.id }, data: { certifiedAt: new Date() } });
  client = await createUser(app, tenant, "CLIENT", { name: "Cleo" });
});
afterAll(() => app?.close());

describe("applying to become a coach", () => {
  it("shows which eligibility criteria are met and refuses until all are", async () => {
    const applicant = await createUser(app, tenant);
    await app.db.exerciseCompletion.createMany({
      data: Array.from({ length: 10 }, (_, i) => ({ tenantId: tenant.id, userId: applicant.user.id, title: `E${i}` })),
    });
    const status = await (await api(applicant)).coach.myStatus();
    expect(status.profile).toBeNull();
    expect(status.eligibility.rules).toEqual([
      expect.objectContaining({ key: "completedExercises", required: 10, actual: 10, met: true }),
      expect.objectContaining({ key: "journalDays", required: 30, actual: 0, met: false }),
    ]);
    await expect(
      (await api(applicant)).coach.submitApplication({
        motivation: MOTIVATION,
        specialties: ["stress"],
        credentialsSummary: "",
      }),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("Journal on at least 30 days (you have 0)"),
    });
    expect(await app.db.coachProfile.count({ where: { userId: applicant.user.id } })).toBe(0);
  });

  it("follows the tenant's own rules", async () => {
    const t = await createTenant(app);
    await app.db.tenant.update({
      where: { id: t.id },
      data: { eligibilityMinExercises: 0, eligibilityMinJournalDays: 0 },
    });
    const applicant = await createUser(app, t);
    const profile = await (
      await api(applicant)
    ).coach.submitApplication({ motivation: MOTIVATION, specialties: ["Stress", "stress"], credentialsSummary: "" });
    expect(profile.status).toBe("PENDING");
    expect(profile.specialties).toEqual(["stress"]);
  });

  it("goes through review: queue with age, rejection with reason, re-application, approval, notification and mail", async () => {
    const applicant = await createUser(app, tenant, "CLIENT", { name: "Ava Applicant" });
    await makeEligible(app, tenant.id, applicant.user.id);
    const profile = await (
      await api(applicant)
    ).coach.submitApplication({ motivation: MOTIVATION, specialties: ["stress"], credentialsSummary: "ICF ACC, 2024" });
    await expect(
      (await api(applicant)).coach.submitApplication({
        motivation: MOTIVATION,
        specialties: ["stress"],
        credentialsSummary: "",
      }),
    ).rejects.toMatchObject({ code: "CONFLICT" });

    // Fifty hours old (sessions would not survive moving the clock that far).
    await app.db.coachProfile.update({
      where: { id: profile.id },
      data: { appliedAt: new Date(app.clock.now().getTime() - 50 * 3_600_000) },
    });
    const queue = await (await api(admin)).coachAdmin.reviewQueue();
    const entry = queue.find((q) => q.id === profile.id)!;
    expect(entry).toMatchObject({ displayName: "Ava Applicant", ageHours: 50, overdue: true });
    await expect((await api(client)).coachAdmin.reviewQueue()).rejects.toMatchObject({ code: "FORBIDDEN" });

    await expect(
      (await api(admin)).coachAdmin.decide({ coachId: profile.id, approve: false, reason: null }),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      cause: { fieldErrors: { reason: ["Give the applicant a reason for the rejection."] } },
    });
    await (
      await api(certified)
    ).coachAdmin.decide({ coachId: profile.id, approve: false, reason: "Please add a recognised credential." });
    expect((await app.db.coachProfile.findUniqueOrThrow({ where: { id: profile.id } })).status).toBe("REJECTED");
    const rejectionMail = await app.db.outboxMessage.findFirst({
      where: { to: applicant.email, subject: "Your coach application was not approved" },
    });
    expect(rejectionMail?.text).toContain("Please add a recognised credential.");

    await (
      await api(applicant)
    ).coach.submitApplication({
      motivation: MOTIVATION,
      specialties: ["stress", "burnout"],
      credentialsSummary: "ICF ACC",
    });
    await (await api(admin)).coachAdmin.decide({ coachId: profile.id, approve: true, reason: null });
    const after = await app.db.coachProfile.findUniqueOrThrow({ where: { id: profile.id } });
    expect(after.status).toBe("APPROVED");
    expect((await app.db.membership.findFirstOrThrow({ where: { userId: applicant.user.id } })).role).toBe("COACH");
    const notes = await (await api(applicant)).notifications.list();
    expect(notes.map((n) => n.title)).toContain("You are now a coach on Tandem");
    const history = await app.db.coachStatusChange.findMany({
      where: { coachProfileId: profile.id },
      orderBy: { createdAt: "asc" },
    });
    expect(history.map((h) => `${h.from ?? "-"}>${h.to}`)).toEqual([
      "->PENDING",
      "PENDING>REJECTED",
      "REJECTED>PENDING",
      "PENDING>APPROVED",
    ]);
    expect(app.realtime.events.some((e) => e.kind === "emitToUser" && e.args[0] === applicant.user.id)).toBe(true);
  });

  it("lets only tenant admins suspend and reinstate, with legal transitions only", async () => {
    const coach = await createCoach(app, tenant, { name: "Sus Pended" });
    await expect(
      (await api(certified)).coachAdmin.suspend({ coachId: coach.profile.id, reason: "Complaint under review" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await (await api(admin)).coachAdmin.suspend({ coachId: coach.profile.id, reason: "Complaint under review" });
    await expect(
      (await api(admin)).coachAdmin.suspend({ coachId: coach.profile.id, reason: "again" }),
    ).rejects.toMatchObject({ code: "CONFLICT", message: "A suspended coach cannot become suspended." });
    await expect(
      (await api(admin)).coachAdmin.decide({ coachId: coach.profile.id, approve: false, reason: "no" }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    await (await api(admin)).coachAdmin.reinstate({ coachId: coach.profile.id });
    expect((await app.db.coachProfile.findUniqueOrThrow({ where: { id: coach.profile.id } })).status).toBe("APPROVED");
  });
});

describe("only approved coaches are visible", () => {
  it("hides pending, rejected and suspended coaches from search, profile, favourites and reviews", async () => {
    const coach = await createCoach(app, tenant, { name: "Vera Visible", specialties: ["grief"] });
    const me = await api(client);
    expect((await me.directory.search({ specialty: "grief" })).results.map((r) => r.id)).toEqual([coach.profile.id]);
    await me.favourites.add({ coachId: coach.profile.id });
    await (await api(admin)).coachAdmin.suspend({ coachId: coach.profile.id, reason: "Paused" });
    expect((await me.directory.search({ specialty: "grief" })).results).toEqual([]);
    await expect(me.directory.profile({ coachId: coach.profile.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await me.favourites.list()).map((f) => f.id)).not.toContain(coach.profile.id);
    const other = await createCoach(app, tenant);
    await app.db.coachProfile.update({ where: { id: other.profile.id }, data: { status: "PENDING" } });
    await expect(me.favourites.add({ coachId: other.profile.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("refuses every coaching procedure when the tenant's coaches flag is off", async () => {
    const t = await createTenant(app);
    await app.db.tenant.update({ where: { id: t.id }, data: { featureCoaches: false } });
    const member = await createUser(app, t);
    const m = await api(member);
    for (const call of [
      () => m.directory.search({}),
      () => m.coach.myStatus(),
      () => m.favourites.list(),
      () => m.reviews.reviewable(),
    ]) {
      await expect(call()).rejects.toMatchObject({
        code: "FORBIDDEN",
        message: "Coaching is not enabled in this organisation.",
      });
    }
  });
});

describe("services", () => {
  it("enforces the tenant minimum price and the premium flag, and keeps the directory price current", async () => {
    await app.db.tenant.update({ where: { id: tenant.id }, data: { minServicePriceMinor: 3000 } });
    const coach = await createCoach(app, tenant, { name: "Pia Price", priceMinor: null });
    const c = await api(coach);
    const base = {
      name: "Intro call",
      description: "",
      durationMinutes: 30,
      delivery: "ONLINE" as const,
      sessionType: "VIDEO" as const,
      premiumOnly: false,
    };
    await expect(c.offerings.create({ ...base, priceMinor: 2500 })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      cause: { fieldErrors: { priceMinor: ["The minimum price in this organisation is 30.00 EUR."] } },
    });
    await expect(c.offerings.create({ ...base, priceMinor: 5000, premiumOnly: true })).rejects.toMatchObject({
      cause: { fieldErrors: { premiumOnly: ["Premium-only services are not enabled in this organisation."] } },
    });
    const cheap = await c.offerings.create({ ...base, priceMinor: 4000 });
    await c.offerings.create({ ...base, name: "Deep dive", priceMinor: 9000, durationMinutes: 90 });
    expect((await app.db.coachProfile.findUniqueOrThrow({ where: { id: coach.profile.id } })).minPriceMinor).toBe(4000);
    await c.offerings.setArchived({ serviceId: cheap.id, archived: true });
    expect((await app.db.coachProfile.findUniqueOrThrow({ where: { id: coach.profile.id } })).minPriceMinor).toBe(9000);
    await expect((await api(client)).offerings.create({ ...base, priceMinor: 5000 })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await app.db.tenant.update({ where: { id: tenant.id }, data: { minServicePriceMinor: 0 } });
  });

  it("lets a tenant admin override one coach's platform fee", async () => {
    const coach = await createCoach(app, tenant);
    await (await api(admin)).coachAdmin.setFeeOverride({ coachId: coach.profile.id, platformFeeBps: 1000 });
    expect(
      (await app.db.coachProfile.findUniqueOrThrow({ where: { id: coach.profile.id } })).platformFeeBpsOverride,
    ).toBe(1000);
    await expect(
      (await api(coach)).coachAdmin.setFeeOverride({ coachId: coach.profile.id, platformFeeBps: 0 }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("directory search", () => {
  it("searches full text and filters by specialty, topic, type, price, language, rating and location, with sorting and pages", async () => {
    const t = await createTenant(app);
    const viewer = await createUser(app, t);
    const mk = (o: Parameters<typeof createCoach>[2]) => createCoach(app, t, o);
    const a = await mk({
      name: "Nadia Nutrition",
      bio: "Plant-based eating and sustainable habits.",
      specialties: ["nutrition coaching"],
      topics: ["nutrition"],
      languages: ["en", "nl"],
      priceMinor: 5000,
    });
    const b = await mk({
      name: "Frank Fitness",
      bio: "Strength training for busy parents.",
      specialties: ["strength"],
      topics: ["fitness"],
      languages: ["en"],
      priceMinor: 8000,
      sessionTypes: ["VIDEO", "IN_PERSON"],
      location: "Utrecht",
    });
    const c = await mk({
      name: "Mila Mind",
      bio: "Mindfulness for anxious sleepers.",
      specialties: ["anxiety", "sleep"],
      topics: ["mindfulness", "sleep"],
      languages: ["de"],
      priceMinor: 12000,
      sessionTypes: ["PHONE"],
    });
    await app.db.coachProfile.update({ where: { id: a.profile.id }, data: { ratingAvg: 4.2, ratingCount: 5 } });
    await app.db.coachProfile.update({ where: { id: b.profile.id }, data: { ratingAvg: 4.8, ratingCount: 9 } });
    await app.db.coachProfile.update({ where: { id: c.profile.id }, data: { ratingAvg: 3.9, ratingCount: 3 } });
    const s = (await api(viewer)).directory.search;
    const ids = async (input: Parameters<typeof s>[0]) => (await s(input)).results.map((r) => r.displayName);

    expect(await ids({ q: "sleeping" })).toEqual(["Mila Mind"]); // stemmed: sleeping ~ sleepers
    expect(await ids({ q: "nadia" })).toEqual(["Nadia Nutrition"]);
    const james = await mk({
      name: "James Thomas",
      bio: "Career transitions.",
      specialties: ["career"],
      topics: ["career"],
      priceMinor: 7000,
    });
    expect(await ids({ q: "James" })).toEqual(["James Thomas"]); // english stemming makes 'jame'; the name is found all the same
    expect(await ids({ q: "thomas career" })).toEqual(["James Thomas"]);
    await app.db.coachProfile.update({ where: { id: james.profile.id }, data: { status: "SUSPENDED" } });
    expect(await ids({ specialty: "strength" })).toEqual(["Frank Fitness"]);
    expect(await ids({ topic: "mindfulness" })).toEqual(["Mila Mind"]);
    expect(await ids({ sessionType: "PHONE" })).toEqual(["Mila Mind"]);
    expect(await ids({ language: "nl" })).toEqual(["Nadia Nutrition"]);
    expect(await ids({ minRating: 4 })).toEqual(["Frank Fitness", "Nadia Nutrition"]);
    expect(await ids({ minPriceMinor: 6000, maxPriceMinor: 10000 })).toEqual(["Frank Fitness"]);
    expect(await ids({ location: "utrecht" })).toEqual(["Frank Fitness"]);
    expect(await ids({ sort: "price" })).toEqual(["Nadia Nutrition", "Frank Fitness", "Mila Mind"]);
    expect(await ids({ sort: "rating" })).toEqual(["Frank Fitness", "Nadia Nutrition", "Mila Mind"]);
    const page2 = await s({ sort: "price", pageSize: 2, page: 2 });
    expect(page2).toMatchObject({ total: 3, pages: 2, page: 2 });
    expect(page2.results.map((r) => r.displayName)).toEqual(["Mila Mind"]);
    await expect(s({ minPriceMinor: 500, maxPriceMinor: 100 })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      cause: { issues: [expect.objectContaining({ path: ["maxPriceMinor"] })] },
    });
  });

  it("shows the featured coaches the tenant admin curates, in order", async () => {
    const t = await createTenant(app);
    const tAdmin = await createUser(app, t, "TENANT_ADMIN");
    const one = await createCoach(app, t, { name: "One" });
    const two = await createCoach(app, t, { name: "Two" });
    await (await api(tAdmin)).coachAdmin.setFeatured({ coachId: two.profile.id, rank: 1 });
    await (await api(tAdmin)).coachAdmin.setFeatured({ coachId: one.profile.id, rank: 2 });
    expect((await (await api(tAdmin)).directory.featured()).map((c) => c.displayName)).toEqual(["Two", "One"]);
  });
});

describe("reviews", () => {
  it("accepts one verified review per completed booking, keeps anonymous authors hidden, allows one response and moderation", async () => {
    const coach = await createCoach(app, tenant, { name: "Rev Iewed" });
    const reviewer = await createUser(app, tenant, "CLIENT", { name: "Rita Reviewer" });
    const booking = await createCompletedBooking(app, coach, reviewer.user.id);
    const r = await api(reviewer);
    expect((await r.reviews.reviewable()).map((b) => b.id)).toEqual([booking.id]);
    const review = await r.reviews.create({
      bookingId: booking.id,
      rating: 5,
      text: "Clear, kind and practical.",
      anonymous: true,
    });
    await expect(
      r.reviews.create({ bookingId: booking.id, rating: 4, text: "Second go at it.", anonymous: false }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(
      (await api(client)).reviews.create({
        bookingId: booking.id,
        rating: 1,
        text: "Not my booking at all",
        anonymous: false,
      }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });

    const pending = await app.db.booking.create({
      data: {
        tenantId: tenant.id,
        coachProfileId: coach.profile.id,
        clientId: reviewer.user.id,
        status: "CONFIRMED",
        startsAt: new Date(),
        endsAt: new Date(Date.now() + 3_600_000),
      },
    });
    await expect(
      r.reviews.create({ bookingId: pending.id, rating: 5, text: "Before it even happened", anonymous: false }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });

    const profile = await (await api(client)).directory.profile({ coachId: coach.profile.id });
    expect(profile.coach).toMatchObject({ ratingAvg: 5, ratingCount: 1 });
    expect(profile.reviews[0]).toMatchObject({ authorName: "Anonymous client", rating: 5 });
    expect(JSON.stringify(profile.reviews)).not.toContain("Rita");
    expect((await app.db.review.findUniqueOrThrow({ where: { id: review.id } })).authorId).toBe(reviewer.user.id); // kept on record

    await (await api(coach)).reviews.respond({ reviewId: review.id, response: "Thank you!" });
    await expect((await api(coach)).reviews.respond({ reviewId: review.id, response: "Again" })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    await expect(
      (await api(client)).reviews.respond({ reviewId: review.id, response: "Not mine" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });

    await expect(
      (await api(coach)).coachAdmin.hideReview({ reviewId: review.id, reason: "Contains personal data" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await (await api(admin)).coachAdmin.hideReview({ reviewId: review.id, reason: "Contains personal data" });
    const afterHide = await (await api(client)).directory.profile({ coachId: coach.profile.id });
    expect(afterHide.reviews).toEqual([]);
    expect(afterHide.coach).toMatchObject({ ratingAvg: 0, ratingCount: 0 });
  });
});

describe("certification", () => {
  it("shows a live checklist and lets only a certified coach certify a coach who meets it", async () => {
    const coach = await createCoach(app, tenant, { name: "Cert Candidate" });
    const c = await api(coach);
    let checklist = await c.coach.certification();
    expect(checklist.items.map((i) => [i.key, i.met])).toEqual([
      ["approved", true],
      ["goalClients", false],
      ["rating", false],
    ]);
    await expect((await api(certified)).coachAdmin.certify({ coachId: coach.profile.id })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });

    for (let i = 0; i < 3; i++) {
      const cl = await createUser(app, tenant);
      await app.db.coachingRelationship.create({
        data: {
          tenantId: tenant.id,
          coachProfileId: coach.profile.id,
          clientId: cl.user.id,
          goalReachedAt: new Date(),
        },
      });
      const booking = await createCompletedBooking(app, coach, cl.user.id);
      await (
        await api(cl)
      ).reviews.create({
        bookingId: booking.id,
        rating: i === 0 ? 3 : 5,
        text: "Helped me reach my goal.",
        anonymous: false,
      });
    }
    checklist = await c.coach.certification();
    expect(checklist.items.every((i) => i.met)).toBe(true);
    expect(checklist.items.find((i) => i.key === "rating")?.actual).toBe(4.3);

    await expect((await api(admin)).coachAdmin.certify({ coachId: coach.profile.id })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await (await api(certified)).coachAdmin.certify({ coachId: coach.profile.id });
    expect((await app.db.membership.findFirstOrThrow({ where: { userId: coach.user.id } })).role).toBe(
      "CERTIFIED_COACH",
    );
    expect((await c.coach.certification()).certified).toBe(true);
    // The new certified coach may now review applications.
    await expect((await api(coach)).coachAdmin.reviewQueue()).resolves.toBeInstanceOf(Array);
  });
});

describe("credentials", () => {
  it("are verified by a tenant admin, give the verified badge, and remind before expiry once", async () => {
    const coach = await createCoach(app, tenant, { name: "Cred Holder" });
    const soon = new Date(app.clock.now().getTime() + 10 * 24 * 3_600_000).toISOString().slice(0, 10);
    const credential = await (
      await api(coach)
    ).coach.addCredential({
      type: "ICF PCC",
      issuer: "International Coaching Federation",
      number: "PCC-1",
      expiresOn: soon,
    });
    expect((await (await api(client)).directory.profile({ coachId: coach.profile.id })).coach.verified).toBe(false);
    await expect(
      (await api(coach)).coachAdmin.verifyCredential({ credentialId: credential.id, verified: true }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await (await api(admin)).coachAdmin.verifyCredential({ credentialId: credential.id, verified: true });
    expect((await (await api(client)).directory.profile({ coachId: coach.profile.id })).coach.verified).toBe(true);

    const first = await app.tandem.services.coaches.sendExpiryReminders(30);
    expect(first.reminded).toBeGreaterThanOrEqual(1);
    expect(await app.db.outboxMessage.count({ where: { to: coach.email, subject: { contains: "ICF PCC" } } })).toBe(1);
    await app.tandem.services.coaches.sendExpiryReminders(30);
    expect(await app.db.outboxMessage.count({ where: { to: coach.email, subject: { contains: "ICF PCC" } } })).toBe(1);
    await expect(
      (await api(coach)).coach.addCredential({ type: "X", issuer: "Y", number: "", expiresOn: "30-06-2027" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

describe("uploads", () => {
  const png = async (w: number, h: number) =>
    new Blob(
      [
        new Uint8Array(
          await sharp({ create: { width: w, height: h, channels: 3, background: "#3366cc" } })
            .png()
            .toBuffer(),
        ),
      ],
      { type: "image/png" },
    );
  const pdf = new Blob([new TextEncoder().encode("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")], {
    type: "application/pdf",
  });

  it("turns a photo into a 400x400 WebP served only within the tenant, and refuses what is not an image", async () => {
    const coach = await createCoach(app, tenant, { name: "Photo Genic" });
    const c = await api(coach);
    const updated = await c.coach.uploadPhoto({ photo: await png(1200, 800) });
    expect(updated.photoKey).toMatch(new RegExp(`^avatars/${tenant.id}/${coach.profile.id}-[0-9a-f-]+\\.webp$`));
    const stored = await app.tandem.services.coaches.photo({ tenantId: tenant.id }, updated.photoKey!);
    const meta = await sharp(await stored!.bytes()).metadata();
    expect([meta.format, meta.width, meta.height, meta.exif]).toEqual(["webp", 400, 400, undefined]);
    expect(
      await app.tandem.services.coaches.photo({ tenantId: "00000000-0000-0000-0000-000000000000" }, updated.photoKey!),
    ).toBeNull();

    await expect(
      c.coach.uploadPhoto({ photo: new File([await pdf.arrayBuffer()], "me.png", { type: "image/png" }) }),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      cause: { fieldErrors: { photo: [expect.stringContaining("this file is a PDF")] } },
    });
    expect((await app.db.coachProfile.findUniqueOrThrow({ where: { id: coach.profile.id } })).photoKey).toBe(
      updated.photoKey,
    );

    const second = await c.coach.uploadPhoto({ photo: await png(300, 300) });
    expect(await app.tandem.services.coaches.photo({ tenantId: tenant.id }, updated.photoKey!)).toBeNull(); // the old one is gone
    expect(second.photoKey).not.toBe(updated.photoKey);
  });

  it("stores a credential document checked by content, for the coach and admins only", async () => {
    const coach = await createCoach(app, tenant, { name: "Doc Holder" });
    const credential = await (
      await api(coach)
    ).coach.addCredential({
      type: "ICF ACC",
      issuer: "ICF",
      number: "",
      expiresOn: null,
      document: new File([await pdf.arrayBuffer()], "acc.pdf"),
    });
    expect(credential).toMatchObject({ documentName: "acc.pdf", documentType: "application/pdf" });
    const actor = (u: { user: { id: string } }, role: "COACH" | "TENANT_ADMIN") => ({
      userId: u.user.id,
      tenantId: tenant.id,
      role,
    });
    const forCoach = await app.tandem.services.coaches.credentialDocument(actor(coach, "COACH"), credential.id);
    expect((await forCoach.object.bytes()).subarray(0, 5).toString()).toBe("%PDF-");
    await expect(
      app.tandem.services.coaches.credentialDocument(actor(admin, "TENANT_ADMIN"), credential.id),
    ).resolves.toMatchObject({ name: "acc.pdf" });
    const other = await createCoach(app, tenant);
    await expect(
      app.tandem.services.coaches.credentialDocument(actor(other, "COACH"), credential.id),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });

    const zip = new File([new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...new Array(60).fill(0)])], "cert.pdf");
    const before = await app.db.credential.count();
    await expect(
      (await api(coach)).coach.addCredential({
        type: "Zip",
        issuer: "Nobody",
        number: "",
        expiresOn: null,
        document: zip,
      }),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      cause: { fieldErrors: { document: [expect.stringContaining("ZIP archive")] } },
    });
    expect(await app.db.credential.count()).toBe(before); // nothing half-written
  });
});
