import { randomBytes } from "node:crypto";
import { loadKeyring } from "../../server/crypto/keyring.ts";
import type { Role } from "../../server/db/client.ts";
import { type TestApp, tokenFrom } from "./app.ts";

export const PASSWORD = "correct horse battery";

export async function createTenant(app: TestApp, overrides: { name?: string; slug?: string } = {}) {
  const slug = overrides.slug ?? `t-${randomBytes(4).toString("hex")}`;
  return app.db.tenant.create({ data: { name: overrides.name ?? `Tenant ${slug}`, slug } });
}

/**
 * A user with a role in a tenant, signed in through the real sign-up procedure (one session).
 * Roles other than CLIENT are granted the way an admin would, on the membership.
 */
export async function createUser(
  app: TestApp,
  tenant: { id: string; slug: string },
  role: Role = "CLIENT",
  overrides: { email?: string; name?: string } = {},
) {
  const email = overrides.email ?? `u-${randomBytes(5).toString("hex")}@example.test`;
  const signUp = await app.as();
  await signUp.api.auth.signUp({
    name: overrides.name ?? `User ${email.slice(2, 8)}`,
    email,
    password: PASSWORD,
    tenantSlug: tenant.slug,
  });
  const token = tokenFrom(signUp.resHeaders);
  const user = await app.db.user.findUniqueOrThrow({ where: { email } });
  if (role !== "CLIENT")
    await app.db.membership.update({
      where: { tenantId_userId: { tenantId: tenant.id, userId: user.id } },
      data: { role },
    });
  return { user, email, token, caller: () => app.as(token) };
}

/** An approved coach (as if an admin approved their application), optionally with one active service. */
export async function createCoach(
  app: TestApp,
  tenant: { id: string; slug: string },
  options: {
    name?: string;
    role?: Role;
    specialties?: string[];
    topics?: string[];
    languages?: string[];
    sessionTypes?: ("VIDEO" | "PHONE" | "CHAT" | "IN_PERSON")[];
    location?: string;
    bio?: string;
    priceMinor?: number | null;
  } = {},
) {
  const account = await createUser(app, tenant, options.role ?? "COACH", { name: options.name });
  const profile = await app.db.coachProfile.create({
    data: {
      tenantId: tenant.id,
      userId: account.user.id,
      status: "APPROVED",
      motivation: "Seeded by a test factory.",
      displayName: options.name ?? account.user.name,
      bio: options.bio ?? "",
      specialties: options.specialties ?? ["anxiety"],
      topics: options.topics ?? ["stress"],
      languages: options.languages ?? ["en"],
      sessionTypes: options.sessionTypes ?? ["VIDEO"],
      location: options.location ?? null,
      minPriceMinor: options.priceMinor === null ? null : (options.priceMinor ?? 6000),
    },
  });
  let service = null;
  if (options.priceMinor !== null) {
    service = await app.db.service.create({
      data: {
        tenantId: tenant.id,
        coachProfileId: profile.id,
        name: "Coaching session",
        priceMinor: options.priceMinor ?? 6000,
        currency: "EUR",
        durationMinutes: 60,
        delivery: "ONLINE",
        sessionType: "VIDEO",
      },
    });
  }
  return { ...account, profile, service };
}

/** A booking that has taken place (the booking flow itself comes with scheduling). */
export async function createCompletedBooking(
  app: TestApp,
  coach: { profile: { id: string; tenantId: string }; service: { id: string } | null },
  clientId: string,
) {
  const startsAt = new Date(Date.now() - 3 * 24 * 3_600_000);
  return app.db.booking.create({
    data: {
      tenantId: coach.profile.tenantId,
      coachProfileId: coach.profile.id,
      clientId,
      serviceId: coach.service?.id ?? null,
      status: "COMPLETED",
      startsAt,
      endsAt: new Date(startsAt.getTime() + 3_600_000),
    },
  });
}

/** Journal days and exercises so that a member meets the default eligibility rules (10 exercises, 30 days). */
export async function makeEligible(app: TestApp, tenantId: string, userId: string, days = 30, exercises = 10) {
  // Written days count (an entry without words does not): each body sealed as the journal service does.
  const keyring = loadKeyring(app.tandem.env);
  await app.db.journalEntry.createMany({
    data: Array.from({ length: days }, (_, i) => {
      const entryDate = new Date(Date.UTC(2026, 0, 1 + i));
      const day = entryDate.toISOString().slice(0, 10);
      return {
        tenantId,
        userId,
        entryDate,
        body: new Uint8Array(keyring.seal(`Day ${i + 1}`, `journal:${userId}:${day}`)),
      };
    }),
  });
  await app.db.exerciseCompletion.createMany({
    data: Array.from({ length: exercises }, (_, i) => ({ tenantId, userId, title: `Exercise ${i + 1}` })),
  });
}

/** Weekday mornings 09:00–12:00 Amsterdam time (07:00–10:00Z in summer), hourly starts, 1 hour notice. */
export const WEEKDAY_MORNINGS = {
  timeZone: "Europe/Amsterdam",
  weekly: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: "09:00", end: "12:00" })),
  overrides: [],
  bufferBeforeMinutes: 0,
  bufferAfterMinutes: 0,
  minNoticeMinutes: 60,
  horizonDays: 14,
  dailyCap: null,
  slotStepMinutes: 60,
};
