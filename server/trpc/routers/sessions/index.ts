import { coachingProcedure, router, z } from "@server/trpc/init.ts";
import { id } from "../inputs.ts";

const booking = z.object({ bookingId: id("booking") });

/** Live sessions: the room decision, LiveKit tokens with the session's E2EE key, and attendance. */
export const sessionsRouter = router({
  /** Access to the booking's room, or a refusal with a reason and a message (never an error for a refusal). */
  room: coachingProcedure
    .input(booking)
    .query(({ ctx, input }) => ctx.services.sessions.roomAccess(ctx.actor, input.bookingId)),
  /** A short-lived LiveKit token and the session's E2EE key, for a participant inside the window. */
  livekitToken: coachingProcedure
    .input(booking)
    .mutation(({ ctx, input }) => ctx.services.sessions.livekitToken(ctx.actor, input.bookingId)),
  /** Join and leave times of both participants, with the outcome summary once decided. */
  attendance: coachingProcedure
    .input(booking)
    .query(({ ctx, input }) => ctx.services.sessions.attendance(ctx.actor, input.bookingId)),
});
