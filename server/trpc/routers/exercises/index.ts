import { exerciseInputSchema } from "@server/services/exercises/fields.ts";
import { coachingProcedure, router, z } from "@server/trpc/init.ts";
import { id } from "../inputs.ts";

const exerciseId = id("exercise");

/** The exercise library: a coach's own exercises and the tenant's shared ones (server/services/exercises). */
export const exercisesRouter = router({
  library: coachingProcedure
    .input(
      z.object({
        q: z.string().trim().max(100, "Search with at most 100 characters.").optional(),
        scope: z.enum(["mine", "shared", "all"], { error: "Choose mine, shared or all." }).optional(),
      }),
    )
    .query(({ ctx, input }) => ctx.services.exercises.library(ctx.actor, input)),
  get: coachingProcedure
    .input(z.object({ exerciseId }))
    .query(({ ctx, input }) => ctx.services.exercises.get(ctx.actor, input.exerciseId)),
  create: coachingProcedure
    .input(exerciseInputSchema)
    .mutation(({ ctx, input }) => ctx.services.exercises.create(ctx.actor, input)),
  update: coachingProcedure.input(z.object({ exerciseId }).and(exerciseInputSchema)).mutation(({ ctx, input }) => {
    const { exerciseId: targetId, ...fields } = input;
    return ctx.services.exercises.update(ctx.actor, targetId, fields);
  }),
  archive: coachingProcedure
    .input(z.object({ exerciseId }))
    .mutation(({ ctx, input }) => ctx.services.exercises.archive(ctx.actor, input.exerciseId)),
  setPublished: coachingProcedure
    .input(z.object({ exerciseId, published: z.boolean("Published is true or false.") }))
    .mutation(({ ctx, input }) => ctx.services.exercises.setPublished(ctx.actor, input.exerciseId, input.published)),
  copy: coachingProcedure
    .input(z.object({ exerciseId }))
    .mutation(({ ctx, input }) => ctx.services.exercises.copy(ctx.actor, input.exerciseId)),
  /** Only through a server-side caller (a Remix action reading a multipart form); JSON cannot carry a file. */
  uploadFile: coachingProcedure
    .input(z.object({ exerciseId, file: z.instanceof(Blob, { error: "Attach a file." }) }))
    .mutation(async ({ ctx, input }) =>
      ctx.services.exercises.uploadFile(ctx.actor, {
        exerciseId: input.exerciseId,
        name: input.file instanceof File ? input.file.name : "",
        bytes: new Uint8Array(await input.file.arrayBuffer()),
      }),
    ),
  deleteFile: coachingProcedure
    .input(z.object({ fileId: id("file") }))
    .mutation(({ ctx, input }) => ctx.services.exercises.deleteFile(ctx.actor, input.fileId)),
});
