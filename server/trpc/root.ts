import { createCallerFactory, router } from "./init.ts";
import { adminRouter } from "./routers/admin/index.ts";
import { authRouter } from "./routers/auth/index.ts";
import { dashboardRouter } from "./routers/dashboard/index.ts";
import { tenantRouter } from "./routers/tenant/index.ts";

/** One router per domain; a new domain adds a folder under routers/ and a line here. */
export const appRouter = router({
  auth: authRouter,
  tenant: tenantRouter,
  admin: adminRouter,
  dashboard: dashboardRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
