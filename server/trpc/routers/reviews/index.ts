import { coachingProcedure, router, z } from "@server/trpc/init.ts";
import { id } from "../inputs.ts";

export const reviewsRouter = router({
  reviewable: coachingProcedure.query(({ ctx }) => ctx.services.reviews.reviewable(ctx.actor)),
  create: coachingProcedure
    .input(
      z.object({
        bookingId: id("booking"),
        rating: z.number().int("Whole stars.").min(1, "From 1 to 5 stars.").max(5, "From 1 to 5 stars."),
        text: z.string().trim().min(10, "Write at least 10 characters.").max(4000, "At most 4000 characters."),
        anonymous: z.boolean().default(false),
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.reviews.create(ctx.actor, input)),
  respond: coachingProcedure
    .input(
      z.object({
        reviewId: id("review"),
        response: z.string().trim().min(2, "Write a response.").max(2000, "At most 2000 characters."),
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.reviews.respond(ctx.actor, input.reviewId, input.response)),
  mine: coachingProcedure.query(({ ctx }) => ctx.services.reviews.mine(ctx.actor)),
});
