import { containsHtml, HTML_MESSAGE } from "@server/services/journal/day.ts";
import { JOURNAL_MAX_CHARS } from "@server/services/journal/service.ts";
import { coachingProcedure, router, z } from "@server/trpc/init.ts";
import { id } from "../inputs.ts";

const day = z.iso.date("Use a date such as 2026-12-31.");
const range = { from: day.optional(), to: day.optional(), limit: z.number().int().min(1).max(366).optional() };

/** The member's daily journal, and a client's journal for their coach (by consent, audited). */
export const journalRouter = router({
  today: coachingProcedure.query(({ ctx }) => ctx.services.journal.today(ctx.actor)),
  save: coachingProcedure
    .input(
      z.object({
        date: day,
        body: z
          .string()
          .max(JOURNAL_MAX_CHARS, `At most ${JOURNAL_MAX_CHARS.toLocaleString("en")} characters.`)
          .refine((t) => !containsHtml(t), HTML_MESSAGE),
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.journal.save(ctx.actor, input)),
  mine: coachingProcedure
    .input(z.object(range).default({}))
    .query(({ ctx, input }) => ctx.services.journal.mine(ctx.actor, input)),
  forClient: coachingProcedure
    .input(z.object({ clientId: id("client"), ...range }))
    .query(({ ctx, input }) => ctx.services.journal.forClient(ctx.actor, input)),
});
