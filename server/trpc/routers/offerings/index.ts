import { coachingProcedure, router, z } from "@server/trpc/init.ts";
import { id, sessionType } from "../inputs.ts";

export const offeringInput = z.object({
  name: z.string().trim().min(3, "Use at least 3 characters.").max(100, "Use at most 100 characters."),
  description: z.string().trim().max(2000, "At most 2000 characters.").default(""),
  priceMinor: z
    .number()
    .int("Use minor units (cents).")
    .min(0, "The price cannot be negative.")
    .max(10_000_000, "That price is too high."),
  durationMinutes: z.number().int("Whole minutes.").min(15, "At least 15 minutes.").max(480, "At most 8 hours."),
  delivery: z.enum(["ONLINE", "IN_PERSON"], { error: "Choose online or in person." }),
  sessionType,
  premiumOnly: z.boolean().default(false),
});

/** A coach's services: what clients book. */
export const offeringsRouter = router({
  mine: coachingProcedure.query(({ ctx }) => ctx.services.offerings.listMine(ctx.actor)),
  create: coachingProcedure
    .input(offeringInput)
    .mutation(({ ctx, input }) => ctx.services.offerings.create(ctx.actor, input)),
  update: coachingProcedure.input(offeringInput.extend({ serviceId: id("service") })).mutation(({ ctx, input }) => {
    const { serviceId, ...data } = input;
    return ctx.services.offerings.update(ctx.actor, serviceId, data);
  }),
  setArchived: coachingProcedure
    .input(z.object({ serviceId: id("service"), archived: z.boolean() }))
    .mutation(({ ctx, input }) => ctx.services.offerings.setArchived(ctx.actor, input.serviceId, input.archived)),
});
