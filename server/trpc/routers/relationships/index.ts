import { coachingProcedure, router, z } from "@server/trpc/init.ts";
import { id } from "../inputs.ts";

const relationshipId = id("relationship");
const change = z.object({
  relationshipId,
  reason: z.string().trim().max(500, "At most 500 characters.").optional(),
});

/** Coach–client relationships: "My coach" (client) and "My clients" (coach). */
export const relationshipsRouter = router({
  mine: coachingProcedure.query(({ ctx }) => ctx.services.relationships.mine(ctx.actor)),
  clients: coachingProcedure.query(({ ctx }) => ctx.services.relationships.clients(ctx.actor)),
  get: coachingProcedure
    .input(z.object({ relationshipId }))
    .query(({ ctx, input }) => ctx.services.relationships.get(ctx.actor, input)),
  /** The coach's page about one client: relationship, sessions, the coach's own notes. */
  clientOverview: coachingProcedure
    .input(z.object({ clientId: id("client") }))
    .query(({ ctx, input }) => ctx.services.relationships.clientOverview(ctx.actor, input)),
  invite: coachingProcedure
    .input(
      z.object({
        email: z.email("Enter the member's email address.").max(320, "That email address is too long."),
        message: z.string().max(1000, "At most 1000 characters.").default(""),
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.relationships.invite(ctx.actor, input)),
  respondToInvitation: coachingProcedure
    .input(z.object({ invitationId: id("invitation"), accept: z.boolean("Accept or decline.") }))
    .mutation(({ ctx, input }) => ctx.services.relationships.respondToInvitation(ctx.actor, input)),
  pause: coachingProcedure
    .input(change)
    .mutation(({ ctx, input }) => ctx.services.relationships.pause(ctx.actor, input)),
  resume: coachingProcedure
    .input(change)
    .mutation(({ ctx, input }) => ctx.services.relationships.resume(ctx.actor, input)),
  end: coachingProcedure.input(change).mutation(({ ctx, input }) => ctx.services.relationships.end(ctx.actor, input)),
});
