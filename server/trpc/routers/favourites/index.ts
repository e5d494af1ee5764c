import { coachingProcedure, router, z } from "@server/trpc/init.ts";
import { id } from "../inputs.ts";

export const favouritesRouter = router({
  list: coachingProcedure.query(({ ctx }) => ctx.services.favourites.list(ctx.actor)),
  add: coachingProcedure
    .input(z.object({ coachId: id("coach") }))
    .mutation(({ ctx, input }) => ctx.services.favourites.add(ctx.actor, input.coachId)),
  remove: coachingProcedure
    .input(z.object({ coachId: id("coach") }))
    .mutation(({ ctx, input }) => ctx.services.favourites.remove(ctx.actor, input.coachId)),
});
