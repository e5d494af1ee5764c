import { coachingProcedure, router, z } from "@server/trpc/init.ts";
import { id } from "../inputs.ts";

const bookingId = id("booking");
const fileKind = z.enum(["PREPARATION", "RESOURCE"], { error: "Choose preparation or resource." });

/** Session notes, action items and files of a booking, for its coach and client. */
export const sessionNotesRouter = router({
  forBooking: coachingProcedure
    .input(z.object({ bookingId }))
    .query(({ ctx, input }) => ctx.services.sessionNotes.forBooking(ctx.actor, input.bookingId)),
  /** Only through a server-side caller (a Remix action reading a multipart form); JSON cannot carry a file. */
  uploadFile: coachingProcedure
    .input(z.object({ bookingId, kind: fileKind, file: z.instanceof(Blob, { error: "Attach a file." }) }))
    .mutation(async ({ ctx, input }) =>
      ctx.services.sessionNotes.uploadFile(ctx.actor, {
        bookingId: input.bookingId,
        kind: input.kind,
        name: input.file instanceof File ? input.file.name : "",
        bytes: new Uint8Array(await input.file.arrayBuffer()),
      }),
    ),
  deleteFile: coachingProcedure
    .input(z.object({ fileId: id("file") }))
    .mutation(({ ctx, input }) => ctx.services.sessionNotes.deleteFile(ctx.actor, input.fileId)),
  saveNote: coachingProcedure
    .input(
      z.object({
        bookingId,
        visibility: z.enum(["PRIVATE", "SHARED"], { error: "Choose the private or the shared note." }),
        body: z.string().max(20_000, "At most 20000 characters."),
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.sessionNotes.saveNote(ctx.actor, input)),
  addActionItem: coachingProcedure
    .input(
      z.object({
        bookingId,
        text: z.string().trim().min(1, "Write the action item.").max(500, "At most 500 characters."),
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.sessionNotes.addActionItem(ctx.actor, input)),
  removeActionItem: coachingProcedure
    .input(z.object({ itemId: id("action item") }))
    .mutation(({ ctx, input }) => ctx.services.sessionNotes.removeActionItem(ctx.actor, input.itemId)),
  setActionItemDone: coachingProcedure
    .input(z.object({ itemId: id("action item"), done: z.boolean() }))
    .mutation(({ ctx, input }) => ctx.services.sessionNotes.setActionItemDone(ctx.actor, input.itemId, input.done)),
  history: coachingProcedure.query(({ ctx }) => ctx.services.sessionNotes.history(ctx.actor)),
});
