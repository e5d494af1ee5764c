import { TOPICS } from "@server/services/coaches/service.ts";
import { coachingProcedure, router, z } from "@server/trpc/init.ts";
import { id, sessionType } from "../inputs.ts";

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `At most ${max} characters.`)
    .optional()
    .transform((v) => (v ? v : undefined));

export const directoryQuery = z
  .object({
    q: optionalText(200),
    specialty: optionalText(40),
    topic: z.enum(TOPICS, { error: "Unknown topic." }).optional(),
    sessionType: sessionType.optional(),
    minPriceMinor: z.number().int().min(0, "Cannot be negative.").optional(),
    maxPriceMinor: z.number().int().min(0, "Cannot be negative.").optional(),
    language: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[a-z]{2,3}$/, "Use a language code such as en.")
      .optional(),
    minRating: z.number().min(1, "Ratings go from 1 to 5.").max(5, "Ratings go from 1 to 5.").optional(),
    location: optionalText(120),
    freeWithinDays: z.number().int().min(1, "At least 1 day.").max(60, "At most 60 days.").optional(),
    sort: z.enum(["relevance", "rating", "price"], { error: "Sort by relevance, rating or price." }).optional(),
    page: z.number().int().min(1, "Pages start at 1.").max(1000).default(1),
    pageSize: z.number().int().min(1).max(48).default(12),
  })
  .refine((v) => v.minPriceMinor === undefined || v.maxPriceMinor === undefined || v.minPriceMinor <= v.maxPriceMinor, {
    message: "The lowest price is above the highest.",
    path: ["maxPriceMinor"],
  });

/** The client-facing directory of approved coaches. */
export const directoryRouter = router({
  search: coachingProcedure
    .input(directoryQuery)
    .query(({ ctx, input }) => ctx.services.directory.search(ctx.actor.tenantId, input)),
  featured: coachingProcedure.query(({ ctx }) => ctx.services.directory.featured(ctx.actor.tenantId)),
  facets: coachingProcedure.query(({ ctx }) => ctx.services.directory.facets(ctx.actor.tenantId)),
  profile: coachingProcedure.input(z.object({ coachId: id("coach") })).query(async ({ ctx, input }) => {
    const [coach, reviews, saved] = await Promise.all([
      ctx.services.directory.profile(ctx.actor.tenantId, input.coachId),
      ctx.services.reviews.forCoach(ctx.actor.tenantId, input.coachId),
      ctx.services.favourites.isSaved(ctx.actor, input.coachId),
    ]);
    return { coach, reviews, saved };
  }),
});
