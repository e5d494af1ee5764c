import { coachingProcedure, router, z } from "@server/trpc/init.ts";
import { id } from "../inputs.ts";

/** What each client lets each coach see, its history, and who read what (the privacy page). */
export const consentRouter = router({
  mine: coachingProcedure.query(({ ctx }) => ctx.services.consent.mine(ctx.actor)),
  get: coachingProcedure
    .input(z.object({ coachProfileId: id("coach"), clientId: id("client").optional() }))
    .query(({ ctx, input }) => ctx.services.consent.get(ctx.actor, input)),
  /** The client only: a coach they have (or had) a relationship with. */
  update: coachingProcedure
    .input(
      z.object({
        coachProfileId: id("coach"),
        journal: z.boolean("Share the journal: on or off."),
        goals: z.boolean("Share goals: on or off."),
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.consent.update(ctx.actor, input)),
  history: coachingProcedure
    .input(z.object({ coachProfileId: id("coach").optional(), clientId: id("client").optional() }).default({}))
    .query(({ ctx, input }) => ctx.services.consent.history(ctx.actor, input)),
  /** The client's own access log. */
  accessLog: coachingProcedure
    .input(z.object({ limit: z.number().int().min(1).max(500).optional() }).default({}))
    .query(({ ctx, input }) => ctx.services.consent.accessLog(ctx.actor, input)),
});
