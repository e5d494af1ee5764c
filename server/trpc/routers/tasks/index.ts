import { INSTRUCTIONS_MAX, logFieldsSchema, markdownText, TITLE_MAX } from "@server/services/exercises/fields.ts";
import { REFLECTION_MAX_CHARS } from "@server/services/tasks/rules.ts";
import { coachingProcedure, router, z } from "@server/trpc/init.ts";
import { id } from "../inputs.ts";

const taskId = id("task");
const day = (what: string) => z.iso.date(`Choose ${what} (YYYY-MM-DD).`);
const clientMessageId = z.string().trim().min(1).max(64, "Client message ids are at most 64 characters.").optional();
const title = z.string().trim().max(TITLE_MAX, `At most ${TITLE_MAX} characters.`);

/** Tasks: assigning, daily logs, reflections, feedback and the status machine (server/services/tasks). */
export const tasksRouter = router({
  assign: coachingProcedure
    .input(
      z.object({
        clientId: id("client"),
        exerciseId: id("exercise").nullish(),
        title: title.optional(),
        instructions: markdownText(INSTRUCTIONS_MAX, null).optional(),
        logFields: logFieldsSchema.optional(),
        dueOn: day("a due date"),
        repeatDays: z
          .number()
          .int("Whole days.")
          .min(2, "Repeat for at least 2 days.")
          .max(90, "At most 90 days.")
          .nullish(),
        startOn: day("a start date").nullish(),
        goalId: id("goal").nullish(),
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.tasks.assign(ctx.actor, input)),
  mine: coachingProcedure.query(({ ctx }) => ctx.services.tasks.mine(ctx.actor)),
  forClient: coachingProcedure
    .input(z.object({ clientId: id("client").optional(), openOnly: z.boolean().optional() }))
    .query(({ ctx, input }) => ctx.services.tasks.forClient(ctx.actor, input)),
  assignOptions: coachingProcedure.query(({ ctx }) => ctx.services.tasks.assignOptions(ctx.actor)),
  goalOptions: coachingProcedure
    .input(z.object({ clientId: id("client") }))
    .query(({ ctx, input }) => ctx.services.tasks.goalOptions(ctx.actor, input)),
  get: coachingProcedure
    .input(z.object({ taskId }))
    .query(({ ctx, input }) => ctx.services.tasks.get(ctx.actor, input.taskId)),
  log: coachingProcedure
    .input(
      z.object({
        taskId,
        day: day("a day"),
        values: z.record(
          z.string().max(32),
          z.union([z.number(), z.boolean(), z.string().max(1000, "At most 1000 characters.")]),
        ),
        note: z.string().max(1000, "At most 1000 characters.").optional(),
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.tasks.log(ctx.actor, input)),
  start: coachingProcedure
    .input(z.object({ taskId }))
    .mutation(({ ctx, input }) => ctx.services.tasks.start(ctx.actor, input.taskId)),
  reflect: coachingProcedure
    .input(
      z.object({
        taskId,
        text: z
          .string()
          .trim()
          .min(1, "Write your reflection.")
          .max(
            REFLECTION_MAX_CHARS,
            `A reflection is at most ${REFLECTION_MAX_CHARS.toLocaleString("en-GB")} characters.`,
          ),
        attachmentId: z.string().min(1).max(2000, "Not an attachment id.").optional(),
        clientMessageId,
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.tasks.reflect(ctx.actor, input)),
  feedback: coachingProcedure
    .input(
      z.object({
        taskId,
        text: z
          .string()
          .trim()
          .min(1, "Write your feedback.")
          .max(REFLECTION_MAX_CHARS, `Feedback is at most ${REFLECTION_MAX_CHARS.toLocaleString("en-GB")} characters.`),
        clientMessageId,
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.tasks.feedback(ctx.actor, input)),
  review: coachingProcedure
    .input(z.object({ taskId }))
    .mutation(({ ctx, input }) => ctx.services.tasks.review(ctx.actor, input.taskId)),
  complete: coachingProcedure
    .input(z.object({ taskId }))
    .mutation(({ ctx, input }) => ctx.services.tasks.complete(ctx.actor, input.taskId)),
  reopen: coachingProcedure
    .input(z.object({ taskId }))
    .mutation(({ ctx, input }) => ctx.services.tasks.reopen(ctx.actor, input.taskId)),
  proposeNext: coachingProcedure
    .input(
      z.object({
        taskId,
        title: title.min(3, "Give the next step a title of at least 3 characters."),
        instructions: markdownText(INSTRUCTIONS_MAX, null).optional(),
        dueOn: day("a due date"),
        exerciseId: id("exercise").nullish(),
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.tasks.proposeNext(ctx.actor, input)),
});
