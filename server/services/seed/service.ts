import type { Role } from "../../db/client.ts";
import { hashPassword } from "../auth/passwords.ts";
import type { ServiceDeps } from "../deps.ts";

export const DEMO_PASSWORD = "tandem-demo";

export const DEMO_ACCOUNTS: { email: string; name: string; role: Role }[] = [
  { email: "sysadmin@tandem.test", name: "Sam Sysadmin", role: "SYSTEM_ADMIN" },
  { email: "admin@tandem.test", name: "Alex Admin", role: "TENANT_ADMIN" },
  { email: "certified@tandem.test", name: "Cleo Certified", role: "CERTIFIED_COACH" },
  { email: "coach@tandem.test", name: "Casey Coach", role: "COACH" },
  { email: "client@tandem.test", name: "Chris Client", role: "CLIENT" },
];

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
    }
  });
  return true;
}
