import { randomBytes } from "node:crypto";
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
export async function createUser(app: TestApp, tenant: { id: string; slug: string }, role: Role = "CLIENT", overrides: { email?: string; name?: string } = {}) {
  const email = overrides.email ?? `u-${randomBytes(5).toString("hex")}@example.test`;
  const signUp = await app.as();
  await signUp.api.auth.signUp({ name: overrides.name ?? `User ${email.slice(2, 8)}`, email, password: PASSWORD, tenantSlug: tenant.slug });
  const token = tokenFrom(signUp.resHeaders);
  const user = await app.db.user.findUniqueOrThrow({ where: { email } });
  if (role !== "CLIENT") await app.db.membership.update({ where: { tenantId_userId: { tenantId: tenant.id, userId: user.id } }, data: { role } });
  return { user, email, token, caller: () => app.as(token) };
}
