import type { Role } from "../../db/client.ts";
import { hashPassword } from "../auth/passwords.ts";
import type { ServiceDeps } from "../deps.ts";
import { seedDemoExercises } from "./exercises.ts";

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
export async function seedDemo({ db }: Pick<ServiceDeps, "db">, tenantSlug: string): Promise<boolean> {
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
        const coach = await tx.coachProfile.create({
          data: {
            tenantId: tenant.id,
            userId: user.id,
            status: "APPROVED",
            motivation: "Demo coach.",
            displayName: account.name,
            decidedAt: new Date(),
            certifiedAt: account.role === "CERTIFIED_COACH" ? new Date() : null,
            minPriceMinor: profile.priceMinor,
            ...profile.fields,
          },
        });
        await tx.service.create({
          data: {
            tenantId: tenant.id,
            coachProfileId: coach.id,
            name: profile.service,
            priceMinor: profile.priceMinor,
            currency: "EUR",
            durationMinutes: 60,
            delivery: "ONLINE",
            sessionType: "VIDEO",
          },
        });
      }
      if (account.role === "CLIENT") {
        // Enough activity to meet the default coach eligibility rules, so the demo client can try applying.
        await tx.journalEntry.createMany({
          data: Array.from({ length: 30 }, (_, i) => ({
            tenantId: tenant.id,
            userId: user.id,
            entryDate: new Date(Date.UTC(2026, 0, 1 + i)),
          })),
        });
        await tx.exerciseCompletion.createMany({
          data: Array.from({ length: 10 }, (_, i) => ({
            tenantId: tenant.id,
            userId: user.id,
            title: `Exercise ${i + 1}`,
          })),
        });
      }
    }
    await seedDemoExercises(tx, tenant.id, {
      certifiedUserId: (await tx.user.findUniqueOrThrow({ where: { email: "certified@tandem.test" } })).id,
      coachUserId: (await tx.user.findUniqueOrThrow({ where: { email: "coach@tandem.test" } })).id,
    });
  });
  return true;
}
