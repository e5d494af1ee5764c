import { coachingProcedure, router, z } from "@server/trpc/init.ts";
import { id } from "../inputs.ts";

/** The public origin for links back from the provider: APP_ORIGIN, else the request's own. */
const originOf = (ctx: { env: { APP_ORIGIN?: string }; req: Request }) =>
  ctx.env.APP_ORIGIN ?? new URL(ctx.req.url).origin;

const bookingInput = z.object({ bookingId: id("booking") });

/** Paying for bookings (client) and getting paid (coach). See server/services/payments. */
export const paymentsRouter = router({
  /** Amount, state and cancellation policy of the viewer's own booking, before paying. */
  checkoutSummary: coachingProcedure
    .input(bookingInput)
    .query(({ ctx, input }) => ctx.services.payments.checkoutSummary(ctx.actor, input.bookingId)),
  /** Where to send the client to pay their own PENDING, unexpired booking: { url }. */
  startCheckout: coachingProcedure
    .input(bookingInput)
    .mutation(({ ctx, input }) => ctx.services.payments.startCheckout(ctx.actor, input.bookingId, originOf(ctx))),
  /** The local test checkout's "Pay (test mode)" button; only while no Stripe keys are configured. */
  payLocal: coachingProcedure
    .input(bookingInput)
    .mutation(({ ctx, input }) => ctx.services.payments.payLocal(ctx.actor, input.bookingId)),
  /** Coach: start (or continue) payouts onboarding: { url } to send the coach to. */
  coachOnboarding: coachingProcedure
    .input(
      z
        .object({
          returnPath: z
            .string()
            .regex(/^\/(?![/\\])[^\s]*$/, "Must be a path on this site, such as /coaching/profile.")
            .max(200)
            .optional(),
        })
        .optional(),
    )
    .mutation(({ ctx, input }) => ctx.services.payments.coachOnboarding(ctx.actor, originOf(ctx), input?.returnPath)),
  /** Coach: whether payouts are enabled, and so whether clients can pay for their sessions. */
  coachPayoutStatus: coachingProcedure.query(({ ctx }) => ctx.services.payments.coachPayoutStatus(ctx.actor)),
});
