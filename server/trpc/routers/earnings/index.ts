import { coachingProcedure, router } from "@server/trpc/init.ts";

export const earningsRouter = router({
  mine: coachingProcedure.query(({ ctx }) => ctx.services.earnings.forCoach(ctx.actor)),
  tenant: coachingProcedure.query(({ ctx }) => ctx.services.earnings.forTenant(ctx.actor)),
});
