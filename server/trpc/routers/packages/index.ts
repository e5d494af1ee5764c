import { coachingProcedure, router, z } from "@server/trpc/init.ts";
import { id } from "../inputs.ts";

const originOf = (ctx: { env: { APP_ORIGIN?: string }; req: Request }) =>
  ctx.env.APP_ORIGIN ?? new URL(ctx.req.url).origin;

export const packageInput = z.object({
  serviceId: id("service"),
  name: z.string().trim().min(3, "Use at least 3 characters.").max(100, "Use at most 100 characters."),
  description: z.string().trim().max(2000, "At most 2000 characters.").default(""),
  sessionCount: z
    .number()
    .int("Use a whole number of sessions.")
    .min(2, "A package has at least 2 sessions.")
    .max(50, "At most 50 sessions."),
  priceMinor: z
    .number()
    .int("Use minor units (cents).")
    .min(0, "The price cannot be negative.")
    .max(100_000_000, "That price is too high."),
});

const purchaseInput = z.object({ purchaseId: id("package purchase") });

/** Packages of sessions: coaches offer them, clients buy them once and book with credits. See server/services/packages. */
export const packagesRouter = router({
  /** Coach: their packages, archived ones too. */
  mine: coachingProcedure.query(({ ctx }) => ctx.services.packages.listMine(ctx.actor)),
  create: coachingProcedure
    .input(packageInput)
    .mutation(({ ctx, input }) => ctx.services.packages.create(ctx.actor, input)),
  update: coachingProcedure.input(packageInput.extend({ packageId: id("package") })).mutation(({ ctx, input }) => {
    const { packageId, ...data } = input;
    return ctx.services.packages.update(ctx.actor, packageId, data);
  }),
  setArchived: coachingProcedure
    .input(z.object({ packageId: id("package"), archived: z.boolean() }))
    .mutation(({ ctx, input }) => ctx.services.packages.setArchived(ctx.actor, input.packageId, input.archived)),
  /** A coach's packages on sale, for clients of the same tenant. */
  forCoach: coachingProcedure
    .input(z.object({ coachId: id("coach") }))
    .query(({ ctx, input }) => ctx.services.packages.forCoach(ctx.actor, input.coachId)),
  /** Client: their packages (paid, with credits left; pending payment), optionally of one coach or service. */
  myPurchases: coachingProcedure
    .input(z.object({ coachId: id("coach").optional(), serviceId: id("service").optional() }).optional())
    .query(({ ctx, input }) =>
      ctx.services.packages.mine(ctx.actor, { coachProfileId: input?.coachId, serviceId: input?.serviceId }),
    ),
  /** The tenant's rule for credits of cancelled or moved sessions, shown before booking with a credit. */
  creditPolicy: coachingProcedure.query(({ ctx }) => ctx.services.packages.creditPolicy(ctx.actor)),
  /** Client: buy a package; answers where to pay ({ url }). */
  startCheckout: coachingProcedure
    .input(z.object({ packageId: id("package") }))
    .mutation(({ ctx, input }) =>
      ctx.services.payments.startPackageCheckout(ctx.actor, input.packageId, originOf(ctx)),
    ),
  /** Client: their own purchase before paying. */
  checkoutSummary: coachingProcedure
    .input(purchaseInput)
    .query(({ ctx, input }) => ctx.services.payments.packageCheckoutSummary(ctx.actor, input.purchaseId)),
  /** The local test checkout's "Pay (test mode)" button for a package; only while no Stripe keys are configured. */
  payLocal: coachingProcedure
    .input(purchaseInput)
    .mutation(({ ctx, input }) => ctx.services.payments.payLocalPackage(ctx.actor, input.purchaseId)),
});
