import { coachingProcedure, router, z } from "../../init.ts";
import { id } from "../inputs.ts";

const seq = z.number().int("A whole sequence number.").min(0, "Sequence numbers start at 0.");

export const chatRouter = router({
  /** The chat of a booking's session, for its coach and client. */
  sessionThread: coachingProcedure
    .input(z.object({ bookingId: id("booking") }))
    .query(({ ctx, input }) => ctx.services.chat.sessionThread(ctx.actor, input.bookingId)),
  /** Any thread the viewer is a member of (DIRECT, TASK, …), for the chat panel by thread id. */
  thread: coachingProcedure
    .input(z.object({ threadId: id("thread") }))
    .query(({ ctx, input }) => ctx.services.chat.threadView(ctx.actor, input.threadId)),
  /** A page of history: the newest page, the page before `beforeSeq`, or the messages after `afterSeq`. */
  history: coachingProcedure
    .input(
      z.object({
        threadId: id("thread"),
        beforeSeq: seq.optional(),
        afterSeq: seq.optional(),
        limit: z.number().int().min(1).max(200).optional(),
      }),
    )
    .query(({ ctx, input }) => ctx.services.chat.history(ctx.actor, input)),
  markRead: coachingProcedure
    .input(z.object({ threadId: id("thread"), seq }))
    .mutation(({ ctx, input }) => ctx.services.chat.markRead(ctx.actor, input.threadId, input.seq)),
});
