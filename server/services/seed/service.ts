import type { Keyring } from "@server/crypto/keyring.ts";
import { insertCoachProfile, insertEligibilityActivity, insertService } from "@server/db/builders.ts";
import type { Role } from "@server/db/client.ts";
import { hashPassword } from "../auth/passwords.ts";
import type { ServiceDeps } from "../deps.ts";
import { seedDemoExercises } from "./exercises.ts";
import { seedWorkspace } from "./workspace.ts";

export const DEMO_PASSWORD = "tandem-demo";

export const DEMO_ACCOUNTS: { email: string; name: string; role: Role }[] = [
  { email: "sysadmin@tandem.test", name: "Sam Sysadmin", role: "SYSTEM_ADMIN" },
  { email: "admin@tandem.test", name: "Alex Admin", role: "TENANT_ADMIN" },
  { email: "certified@tandem.test", name: "Cleo Certified", role: "CERTIFIED_COACH" },
  { email: "coach@tandem.test", name: "Casey Coach", role: "COACH" },
  { email: "client@tandem.test", name: "Chris Client", role: "CLIENT" },
];

const DEMO_PROFILES: Record<
  string,
  {
    service: string;
    priceMinor: number;
    fields: {
      bio: string;
      specialties: string[];
      topics: string[];
      languages: string[];
      sessionTypes: ("VIDEO" | "PHONE" | "CHAT" | "IN_PERSON")[];
      location: string | null;
      yearsExperience: number;
    };
  }
> = {
  "certified@tandem.test": {
    service: "Leadership coaching session",
    priceMinor: 9500,
    fields: {
      bio: "Executive coach helping new managers lead with clarity and calm.",
      specialties: ["leadership", "burnout"],
      topics: ["leadership", "stress", "communication"],
      languages: ["en", "nl"],
      sessionTypes: ["VIDEO", "PHONE", "IN_PERSON"],
      location: "Amsterdam",
      yearsExperience: 12,
    },
  },
  "coach@tandem.test": {
    service: "Sleep and stress reset",
    priceMinor: 6000,
    fields: {
      bio: "Practical mindfulness and sleep habits for busy people.",
      specialties: ["sleep", "mindfulness"],
      topics: ["mindfulness", "sleep", "stress"],
      languages: ["en"],
      sessionTypes: ["VIDEO", "CHAT"],
      location: null,
      yearsExperience: 4,
    },
  },
};

/**
 * Creates the demo tenant and one account per role, once: when the tenant already exists
 * nothing changes (and nothing a user edited is overwritten). Returns whether it seeded.
 */
export async function seedDemo(
  { db, keyring }: Pick<ServiceDeps, "db"> & { keyring: Keyring },
  tenantSlug: string,
): Promise<boolean> {
  if (await db.tenant.findUnique({ where: { slug: tenantSlug }, select: { id: true } })) return false;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await db.$transaction(async (tx) => {
    const tenant = await tx.tenant.create({ data: { name: "Tandem Demo", slug: tenantSlug } });
    for (const account of DEMO_ACCOUNTS) {
      const user = await tx.user.upsert({
        where: { email: account.email },
        update: {},
        create: { email: account.email, name: account.name, passwordHash },
      });
      await tx.membership.create({ data: { tenantId: tenant.id, userId: user.id, role: account.role } });
      const profile = DEMO_PROFILES[account.email];
      if (profile) {
        const coach = await insertCoachProfile(tx, {
          tenantId: tenant.id,
          userId: user.id,
          motivation: "Demo coach.",
          displayName: account.name,
          certifiedAt: account.role === "CERTIFIED_COACH" ? new Date() : null,
          minPriceMinor: profile.priceMinor,
          ...profile.fields,
        });
        await insertService(tx, {
          tenantId: tenant.id,
          coachProfileId: coach.id,
          name: profile.service,
          priceMinor: profile.priceMinor,
        });
      }
      // Enough exercises to meet the default coach eligibility rules, so the demo client can try applying
      // (the journal days are written with the coaching workspace below).
      if (account.role === "CLIENT") await insertEligibilityActivity(tx, keyring, tenant.id, user.id, 0, 10);
    }
    // The coaching workspace: the demo coach's clients, journal days, goals (server/services/seed/workspace.ts).
    const coach = await tx.coachProfile.findFirstOrThrow({
      where: { tenantId: tenant.id, user: { email: "coach@tandem.test" } },
      select: { id: true, userId: true },
    });
    const client = await tx.user.findUniqueOrThrow({ where: { email: "client@tandem.test" }, select: { id: true } });
    await seedWorkspace(tx, keyring, {
      tenantId: tenant.id,
      coachUserId: coach.userId,
      coachProfileId: coach.id,
      clientUserId: client.id,
      passwordHash,
      now: new Date(),
    });
    // The exercise library: the certified coach's published exercises and one private to the demo coach.
    await seedDemoExercises(tx, tenant.id, {
      certifiedUserId: (await tx.user.findUniqueOrThrow({ where: { email: "certified@tandem.test" } })).id,
      coachUserId: coach.userId,
    });
  });
  return true;
}
