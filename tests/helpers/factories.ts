import { randomBytes } from "node:crypto";
import {
  type BookingSeed,
  insertBooking,
  insertCoachProfile,
  insertEligibilityActivity,
  insertPackagePurchase,
  insertService,
  insertSessionThread,
} from "@server/db/builders.ts";
import type { Role } from "@server/db/client.ts";
import { loadKeyring } from "@server/crypto/keyring.ts";
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
  const profile = await insertCoachProfile(app.db, {
    tenantId: tenant.id,
    userId: account.user.id,
    motivation: "Seeded by a test factory.",
    decidedAt: null,
    displayName: options.name ?? account.user.name,
    bio: options.bio ?? "",
    specialties: options.specialties ?? ["anxiety"],
    topics: options.topics ?? ["stress"],
    languages: options.languages ?? ["en"],
    sessionTypes: options.sessionTypes ?? ["VIDEO"],
    location: options.location ?? null,
    minPriceMinor: options.priceMinor === null ? null : (options.priceMinor ?? 6000),
  });
  let service = null;
  if (options.priceMinor !== null) {
    service = await insertService(app.db, {
      tenantId: tenant.id,
      coachProfileId: profile.id,
      name: "Coaching session",
      priceMinor: options.priceMinor ?? 6000,
    });
  }
  return { ...account, profile, service };
}

type CoachRef = { profile: { id: string; tenantId: string }; service: { id: string; priceMinor?: number } | null };

/**
 * A booking of `coach` for `clientId` in any state, written directly (not through the booking flow):
 * PENDING (a hold, expiring 15 minutes after the test clock's now), CONFIRMED (paid at the service's price),
 * COMPLETED, NO_SHOW or CANCELLED. Starts in 3 days, or 3 days ago for COMPLETED and NO_SHOW, unless given.
 */
export async function createBooking(
  app: TestApp,
  coach: CoachRef,
  clientId: string,
  status: BookingSeed["status"],
  options: Partial<Omit<BookingSeed, "tenantId" | "coachProfileId" | "clientId" | "status">> = {},
) {
  const now = options.now ?? app.clock.now() ?? new Date();
  const past = status === "COMPLETED" || status === "NO_SHOW";
  return insertBooking(app.db, {
    tenantId: coach.profile.tenantId,
    coachProfileId: coach.profile.id,
    clientId,
    serviceId: coach.service?.id ?? null,
    status,
    priceMinor: coach.service?.priceMinor ?? 0,
    startsAt: new Date(now.getTime() + (past ? -3 : 3) * 24 * 3_600_000),
    now,
    ...options,
  });
}

/** A booking that has taken place (the booking flow itself comes with scheduling). */
export async function createCompletedBooking(app: TestApp, coach: CoachRef, clientId: string) {
  const startsAt = new Date(Date.now() - 3 * 24 * 3_600_000);
  return insertBooking(app.db, {
    tenantId: coach.profile.tenantId,
    coachProfileId: coach.profile.id,
    clientId,
    serviceId: coach.service?.id ?? null,
    status: "COMPLETED",
    startsAt,
  });
}

/** A package purchase of the coach's service by a client: PAID with all its credits unless said otherwise. */
export async function createPackagePurchase(
  app: TestApp,
  coach: CoachRef,
  clientId: string,
  options: Omit<
    Parameters<typeof insertPackagePurchase>[1],
    "tenantId" | "coachProfileId" | "serviceId" | "clientId"
  > = {},
) {
  if (!coach.service) throw new Error("createPackagePurchase needs a coach with a service");
  return insertPackagePurchase(app.db, {
    tenantId: coach.profile.tenantId,
    coachProfileId: coach.profile.id,
    serviceId: coach.service.id,
    clientId,
    now: app.clock.now(),
    ...options,
  });
}

/** The SESSION thread of a booking with its coach and client as members (as `chat.sessionThread` makes it). */
export function createSessionThread(
  app: TestApp,
  booking: { id: string; tenantId: string; clientId: string; coachProfileId: string },
) {
  return insertSessionThread(app.db, booking);
}

/** Journal days and exercises so that a member meets the default eligibility rules (10 exercises, 30 days). */
export async function makeEligible(app: TestApp, tenantId: string, userId: string, days = 30, exercises = 10) {
  await insertEligibilityActivity(app.db, loadKeyring(app.tandem.env), tenantId, userId, days, exercises);
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
