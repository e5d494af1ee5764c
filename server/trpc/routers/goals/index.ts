import { containsHtml, HTML_MESSAGE } from "@server/services/journal/day.ts";
import { MAX_MILESTONES } from "@server/services/goals/service.ts";
import { coachingProcedure, router, z } from "@server/trpc/init.ts";
import { id } from "../inputs.ts";

const day = z.iso.date("Use a date such as 2026-12-31.");
const title = z.string().trim().min(1, "Give it a title.").max(200, "At most 200 characters.");
const description = z
  .string()
  .trim()
  .max(5000, "At most 5000 characters.")
  .refine((t) => !containsHtml(t), HTML_MESSAGE)
  .default("");
const goalId = id("goal");
const milestoneId = id("milestone");

/** Goals and milestones: the client writes them; a coach sees them by consent and confirms reached goals. */
export const goalsRouter = router({
  mine: coachingProcedure.query(({ ctx }) => ctx.services.goals.mine(ctx.actor)),
  get: coachingProcedure
    .input(z.object({ goalId }))
    .query(({ ctx, input }) => ctx.services.goals.get(ctx.actor, input)),
  forClient: coachingProcedure
    .input(z.object({ clientId: id("client") }))
    .query(({ ctx, input }) => ctx.services.goals.forClient(ctx.actor, input)),
  create: coachingProcedure
    .input(
      z.object({
        title,
        description,
        targetDate: day.nullable().default(null),
        coachProfileId: id("coach").nullable().default(null),
        milestones: z
          .array(z.object({ title, targetDate: day.nullable().default(null) }))
          .max(MAX_MILESTONES, `At most ${MAX_MILESTONES} milestones.`)
          .default([]),
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.goals.create(ctx.actor, input)),
  update: coachingProcedure
    .input(z.object({ goalId, title, description, targetDate: day.nullable().default(null) }))
    .mutation(({ ctx, input }) => ctx.services.goals.update(ctx.actor, input)),
  addMilestone: coachingProcedure
    .input(z.object({ goalId, title, targetDate: day.nullable().default(null) }))
    .mutation(({ ctx, input }) => ctx.services.goals.addMilestone(ctx.actor, input)),
  setMilestoneDone: coachingProcedure
    .input(z.object({ milestoneId, done: z.boolean("Done or not done.") }))
    .mutation(({ ctx, input }) => ctx.services.goals.setMilestoneDone(ctx.actor, input)),
  removeMilestone: coachingProcedure
    .input(z.object({ milestoneId }))
    .mutation(({ ctx, input }) => ctx.services.goals.removeMilestone(ctx.actor, input)),
  claim: coachingProcedure
    .input(z.object({ goalId }))
    .mutation(({ ctx, input }) => ctx.services.goals.claim(ctx.actor, input)),
  setStatus: coachingProcedure
    .input(
      z.object({ goalId, status: z.enum(["ACTIVE", "ABANDONED"], { error: "Keep working on it or give it up." }) }),
    )
    .mutation(({ ctx, input }) => ctx.services.goals.setStatus(ctx.actor, input)),
  confirm: coachingProcedure
    .input(z.object({ goalId }))
    .mutation(({ ctx, input }) => ctx.services.goals.confirm(ctx.actor, input)),
});
