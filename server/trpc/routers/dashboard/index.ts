import { authedProcedure, router } from "@server/trpc/init.ts";

export const dashboardRouter = router({
  /** What the dashboard shows, by the viewer's role in the current tenant. */
  summary: authedProcedure.query(async ({ ctx }) => {
    const { services, viewer } = ctx;
    const tenant = await services.tenants.getSettings(viewer.tenant.id);
    const isSystemAdmin = viewer.memberships.some((m) => m.role === "SYSTEM_ADMIN");
    return {
      role: viewer.role,
      tenant,
      members: viewer.role === "TENANT_ADMIN" ? (await services.tenants.listMembers(viewer.tenant.id)).counts : null,
      tenantCount: isSystemAdmin ? (await services.tenants.listAll()).length : null,
    };
  }),
});
