import { createAuthService } from "./auth/service.ts";
import type { ServiceDeps } from "./deps.ts";
import { createTenantService } from "./tenants/service.ts";

/** Every domain service, built once per process from the same dependencies. */
export function createServices(deps: ServiceDeps) {
  const auth = createAuthService(deps);
  const tenants = createTenantService(deps);
  return {
    auth,
    tenants,
    async close() {
      await auth.close();
    },
  };
}

export type Services = ReturnType<typeof createServices>;
export type { ServiceDeps, RealtimeNotifier } from "./deps.ts";
