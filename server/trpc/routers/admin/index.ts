import { router, systemAdminProcedure, z } from "@server/trpc/init.ts";

export const createTenantInput = z.object({
  name: z.string().trim().min(2, "Use at least 2 characters.").max(100, "Use at most 100 characters."),
  slug: z
    .string()
    .trim()
    .toLowerCase()
    .regex(
      /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/,
      "Use 1 to 40 lowercase letters, digits and dashes, not starting or ending with a dash.",
    ),
});

export const adminRouter = router({
  tenants: systemAdminProcedure.query(({ ctx }) => ctx.services.tenants.listAll()),

  createTenant: systemAdminProcedure
    .input(createTenantInput)
    .mutation(({ ctx, input }) => ctx.services.tenants.create(input)),

  setTenantFlags: systemAdminProcedure
    .input(
      z
        .object({
          tenantId: z.uuid("Not a tenant id."),
          featureCoaches: z.boolean().optional(),
          featurePremiumCoachServices: z.boolean().optional(),
        })
        .refine(
          (v) => v.featureCoaches !== undefined || v.featurePremiumCoachServices !== undefined,
          "Name at least one flag to change.",
        ),
    )
    .mutation(({ ctx, input }) => {
      const { tenantId, ...flags } = input;
      return ctx.services.tenants.setFlags(tenantId, flags);
    }),
});
