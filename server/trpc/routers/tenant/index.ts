import { notFound } from "@server/errors.ts";
import { authedProcedure, publicProcedure, roleProcedure, router, z } from "@server/trpc/init.ts";

export const tenantSettingsInput = z.object({
  name: z.string().trim().min(2, "Use at least 2 characters.").max(100, "Use at most 100 characters."),
  platformFeeBps: z
    .number()
    .int("Whole basis points only.")
    .min(0, "The fee cannot be negative.")
    .max(5000, "The fee is at most 50% (5000 basis points)."),
  minServicePriceMinor: z
    .number()
    .int("Use minor units (cents), a whole number.")
    .min(0, "The minimum price cannot be negative.")
    .max(10_000_000, "That minimum price is too high."),
  currency: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{3}$/, "Use a three-letter ISO currency code, such as EUR."),
  coachClientCapacity: z
    .number()
    .int("Use a whole number.")
    .min(1, "A coach needs room for at least 1 client.")
    .max(500, "At most 500 clients per coach."),
  eligibilityMinExercises: z
    .number()
    .int("Use a whole number.")
    .min(0, "Cannot be negative.")
    .max(1000, "At most 1000.")
    .optional(),
  eligibilityMinJournalDays: z
    .number()
    .int("Use a whole number.")
    .min(0, "Cannot be negative.")
    .max(3650, "At most 3650 days.")
    .optional(),
  eligibilityJournalWindowDays: z
    .number()
    .int("Use a whole number.")
    .min(1, "At least 1 day, or leave it empty for any time.")
    .max(3650, "At most 3650 days.")
    .nullable()
    .optional(),
});

export const tenantRouter = router({
  /** Name and address of a tenant, for its public sign-up page. */
  publicInfo: publicProcedure
    .input(
      z.object({
        slug: z
          .string()
          .trim()
          .toLowerCase()
          .regex(/^[a-z0-9-]{1,40}$/, "Not a valid organisation address."),
      }),
    )
    .query(async ({ ctx, input }) => {
      const tenant = await ctx.services.tenants.findPublicBySlug(input.slug);
      if (!tenant) throw notFound("That organisation");
      return tenant;
    }),

  /** The caller's own tenant. There is no way to name another tenant here. */
  current: authedProcedure.query(({ ctx }) => ctx.services.tenants.getSettings(ctx.tenant.id)),

  updateSettings: roleProcedure("TENANT_ADMIN")
    .input(tenantSettingsInput)
    .mutation(({ ctx, input }) => ctx.services.tenants.updateSettings(ctx.tenant.id, input)),

  /** How often coaches are paid out; applied to their payout accounts. */
  updatePayoutSchedule: roleProcedure("TENANT_ADMIN")
    .input(
      z.object({
        payoutSchedule: z.enum(["DAILY", "MONTHLY"], { error: "Choose daily or monthly." }),
        payoutMonthlyAnchor: z
          .number({ error: "Choose a day of the month." })
          .int("Choose a day of the month.")
          .min(1, "Choose a day from 1 to 31.")
          .max(31, "Choose a day from 1 to 31.")
          .default(1),
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.tenants.updatePayoutSchedule(ctx.tenant.id, input)),

  members: roleProcedure("TENANT_ADMIN").query(({ ctx }) => ctx.services.tenants.listMembers(ctx.tenant.id)),
});
