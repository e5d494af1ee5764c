import { coachingProcedure, router, z } from "@server/trpc/init.ts";
import { id } from "../inputs.ts";

const reason = z
  .string()
  .trim()
  .min(3, "Give a reason of at least 3 characters.")
  .max(1000, "At most 1000 characters.");

/** Reviewing applications, standing, fees, featuring, credentials, certification and moderation. */
export const coachAdminRouter = router({
  reviewQueue: coachingProcedure.query(({ ctx }) => ctx.services.coaches.reviewQueue(ctx.actor)),
  decide: coachingProcedure
    .input(
      z.object({
        coachId: id("coach"),
        approve: z.boolean(),
        reason: z.string().trim().max(1000, "At most 1000 characters.").nullable().default(null),
      }),
    )
    .mutation(({ ctx, input }) =>
      ctx.services.coaches.decide(ctx.actor, input.coachId, { approve: input.approve, reason: input.reason }),
    ),
  coaches: coachingProcedure.query(({ ctx }) => ctx.services.coaches.listForAdmin(ctx.actor)),
  suspend: coachingProcedure
    .input(z.object({ coachId: id("coach"), reason }))
    .mutation(({ ctx, input }) => ctx.services.coaches.suspend(ctx.actor, input.coachId, input.reason)),
  reinstate: coachingProcedure
    .input(z.object({ coachId: id("coach") }))
    .mutation(({ ctx, input }) => ctx.services.coaches.reinstate(ctx.actor, input.coachId)),
  setFeeOverride: coachingProcedure
    .input(
      z.object({
        coachId: id("coach"),
        platformFeeBps: z
          .number()
          .int("Whole basis points.")
          .min(0, "Cannot be negative.")
          .max(5000, "At most 50%.")
          .nullable(),
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.coaches.setFeeOverride(ctx.actor, input.coachId, input.platformFeeBps)),
  setFeatured: coachingProcedure
    .input(z.object({ coachId: id("coach"), rank: z.number().int().min(1, "Ranks start at 1.").max(100).nullable() }))
    .mutation(({ ctx, input }) => ctx.services.coaches.setFeatured(ctx.actor, input.coachId, input.rank)),
  credentials: coachingProcedure.query(({ ctx }) => ctx.services.coaches.credentialsToVerify(ctx.actor)),
  verifyCredential: coachingProcedure
    .input(z.object({ credentialId: id("credential"), verified: z.boolean() }))
    .mutation(({ ctx, input }) => ctx.services.coaches.verifyCredential(ctx.actor, input.credentialId, input.verified)),
  certificationCandidates: coachingProcedure.query(({ ctx }) =>
    ctx.services.coaches.certificationCandidates(ctx.actor),
  ),
  certify: coachingProcedure
    .input(z.object({ coachId: id("coach") }))
    .mutation(({ ctx, input }) => ctx.services.coaches.certify(ctx.actor, input.coachId)),
  reviews: coachingProcedure.query(({ ctx }) => ctx.services.reviews.forModeration(ctx.actor)),
  hideReview: coachingProcedure
    .input(z.object({ reviewId: id("review"), reason }))
    .mutation(({ ctx, input }) => ctx.services.reviews.hide(ctx.actor, input.reviewId, input.reason)),
});
