import type { Role } from "@server/db/client.ts";
import { AppError, notFound } from "@server/errors.ts";
import { isUniqueViolation } from "@server/db/constraint-errors.ts";
import type { ServiceDeps } from "../deps.ts";

export interface TenantSettingsInput {
  name: string;
  platformFeeBps: number;
  minServicePriceMinor: number;
  currency: string;
  coachClientCapacity: number;
  eligibilityMinExercises?: number;
  eligibilityMinJournalDays?: number;
  /** Journal days count within this many days up to today; null counts any day. */
  eligibilityJournalWindowDays?: number | null;
}

export interface TenantFlagsInput {
  featureCoaches?: boolean;
  featurePremiumCoachServices?: boolean;
}

const settingsSelect = {
  id: true,
  name: true,
  slug: true,
  featureCoaches: true,
  featurePremiumCoachServices: true,
  platformFeeBps: true,
  minServicePriceMinor: true,
  currency: true,
  coachClientCapacity: true,
  eligibilityMinExercises: true,
  eligibilityMinJournalDays: true,
  eligibilityJournalWindowDays: true,
  payoutSchedule: true,
  payoutMonthlyAnchor: true,
  updatedAt: true,
} as const;

/**
 * Tenants and their members. Every tenant-scoped function takes the caller's tenant id
 * first; nothing here reads across tenants except the system-admin functions, which say so.
 */
export function createTenantService(
  { db, realtime }: ServiceDeps,
  hooks: { payoutScheduleChanged?: (tenantId: string) => Promise<unknown> } = {},
) {
  const announce = (t: { id: string; name: string; featureCoaches: boolean; featurePremiumCoachServices: boolean }) => {
    realtime.emitToTenant(t.id, "tenant:updated", {
      tenantId: t.id,
      name: t.name,
      featureCoaches: t.featureCoaches,
      featurePremiumCoachServices: t.featurePremiumCoachServices,
    });
    return t;
  };
  return {
    async getSettings(tenantId: string) {
      const tenant = await db.tenant.findUnique({ where: { id: tenantId }, select: settingsSelect });
      if (!tenant) throw notFound("The organisation");
      return tenant;
    },

    async updateSettings(tenantId: string, input: TenantSettingsInput) {
      if (input.eligibilityJournalWindowDays != null) {
        const current = await db.tenant.findUnique({
          where: { id: tenantId },
          select: { eligibilityMinJournalDays: true },
        });
        const minDays = input.eligibilityMinJournalDays ?? current?.eligibilityMinJournalDays ?? 0;
        if (input.eligibilityJournalWindowDays < minDays) {
          const message = `The window must be at least ${minDays} days, the journaling days required.`;
          throw new AppError("BAD_REQUEST", message, { eligibilityJournalWindowDays: [message] });
        }
      }
      const tenant = await db.tenant.update({
        where: { id: tenantId },
        data: { ...input, name: input.name.trim(), currency: input.currency.toUpperCase() },
        select: settingsSelect,
      });
      return announce(tenant);
    },

    /**
     * How often coaches are paid out: DAILY, or MONTHLY on an anchor day (1–31; short months pay
     * on their last day). A change is applied to every coach's payout account (Stripe) by jobs.
     */
    async updatePayoutSchedule(
      tenantId: string,
      input: { payoutSchedule: "DAILY" | "MONTHLY"; payoutMonthlyAnchor: number },
    ) {
      const before = await db.tenant.findUnique({
        where: { id: tenantId },
        select: { payoutSchedule: true, payoutMonthlyAnchor: true },
      });
      if (!before) throw notFound("The organisation");
      const tenant = await db.tenant.update({ where: { id: tenantId }, data: input, select: settingsSelect });
      if (before.payoutSchedule !== tenant.payoutSchedule || before.payoutMonthlyAnchor !== tenant.payoutMonthlyAnchor)
        await hooks.payoutScheduleChanged?.(tenantId);
      return tenant;
    },

    /** Members of one tenant, with a count per role. */
    async listMembers(tenantId: string) {
      const members = await db.membership.findMany({
        where: { tenantId },
        select: { id: true, role: true, createdAt: true, user: { select: { id: true, name: true, email: true } } },
        orderBy: [{ role: "asc" }, { createdAt: "asc" }],
      });
      const counts: Partial<Record<Role, number>> = {};
      for (const m of members) counts[m.role] = (counts[m.role] ?? 0) + 1;
      return { members, counts };
    },

    /** Public facts about a tenant for its sign-up page. */
    async findPublicBySlug(slug: string) {
      return db.tenant.findUnique({ where: { slug }, select: { slug: true, name: true } });
    },

    // ---- system administration: across tenants by design ----

    async listAll() {
      const tenants = await db.tenant.findMany({
        select: { ...settingsSelect, createdAt: true, _count: { select: { memberships: true } } },
        orderBy: { createdAt: "asc" },
      });
      return tenants.map(({ _count, ...t }) => ({ ...t, memberCount: _count.memberships }));
    },

    async create(input: { name: string; slug: string }) {
      try {
        return await db.tenant.create({ data: { name: input.name.trim(), slug: input.slug }, select: settingsSelect });
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new AppError("CONFLICT", "That address is taken.", {
            slug: ["Another organisation already uses this address."],
          });
        }
        throw error;
      }
    },

    async setFlags(tenantId: string, flags: TenantFlagsInput) {
      const exists = await db.tenant.findUnique({ where: { id: tenantId }, select: { id: true } });
      if (!exists) throw notFound("The organisation");
      return announce(await db.tenant.update({ where: { id: tenantId }, data: flags, select: settingsSelect }));
    },
  };
}

export type TenantService = ReturnType<typeof createTenantService>;
