import { coachingProcedure, router, z } from "@server/trpc/init.ts";

/** A coach's optional Cal.com connection. See server/services/calcom. */
export const calcomRouter = router({
  /** Connected or not, the key's last four characters, the webhook URL path and its secret. */
  status: coachingProcedure.query(({ ctx }) => ctx.services.calcom.status(ctx.actor)),
  /** Checks the API key with Cal.com, then keeps it sealed. */
  connect: coachingProcedure
    .input(
      z.object({
        apiKey: z
          .string()
          .trim()
          .min(10, "Paste the whole API key from Cal.com (Settings → Developer → API keys).")
          .max(300, "That is longer than a Cal.com API key.")
          .regex(/^\S+$/, "An API key has no spaces."),
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.calcom.connect(ctx.actor, input.apiKey)),
  /** Forgets the key. */
  disconnect: coachingProcedure.mutation(({ ctx }) => ctx.services.calcom.disconnect(ctx.actor)),
});
