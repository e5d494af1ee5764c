import { coachingProcedure, router, z } from "@server/trpc/init.ts";
import { id, sessionType } from "../inputs.ts";

const instant = z.iso
  .datetime({ offset: true, error: "Use an ISO date-time such as 2026-06-01T09:00:00Z." })
  .transform((s) => new Date(s));
const hhmm = z.string();

export const availabilityInput = z.object({
  timeZone: z.string(),
  weekly: z.array(z.object({ weekday: z.number().int(), start: hhmm, end: hhmm })).max(100),
  overrides: z
    .array(z.object({ date: z.string(), intervals: z.array(z.object({ start: hhmm, end: hhmm })).max(10) }))
    .max(366),
  bufferBeforeMinutes: z.number().int(),
  bufferAfterMinutes: z.number().int(),
  minNoticeMinutes: z.number().int(),
  horizonDays: z.number().int(),
  dailyCap: z.number().int().nullable(),
  slotStepMinutes: z.number().int().optional(),
});

/** Availability, free slots, holds, cancellation and rescheduling. The slot engine's own schema checks the details and names the fields. */
export const bookingsRouter = router({
  myAvailability: coachingProcedure.query(({ ctx }) => ctx.services.bookings.myAvailability(ctx.actor)),
  setAvailability: coachingProcedure
    .input(availabilityInput)
    .mutation(({ ctx, input }) =>
      ctx.services.bookings.setAvailability(
        ctx.actor,
        input as Parameters<typeof ctx.services.bookings.setAvailability>[1],
      ),
    ),
  addTimeOff: coachingProcedure
    .input(z.object({ startsAt: instant, endsAt: instant, reason: z.string().trim().max(200).default("") }))
    .mutation(({ ctx, input }) => ctx.services.bookings.addTimeOff(ctx.actor, input)),
  removeTimeOff: coachingProcedure
    .input(z.object({ timeOffId: id("time off") }))
    .mutation(({ ctx, input }) => ctx.services.bookings.removeTimeOff(ctx.actor, input.timeOffId)),
  slots: coachingProcedure
    .input(z.object({ serviceId: id("service"), from: instant.optional(), to: instant.optional() }))
    .query(({ ctx, input }) =>
      ctx.services.bookings.slotsForService(ctx.actor.tenantId, input.serviceId, { from: input.from, to: input.to }),
    ),
  hold: coachingProcedure
    .input(
      z.object({
        serviceId: id("service"),
        startsAt: instant,
        sessionType: sessionType.optional(),
        topic: z.string().trim().max(200, "At most 200 characters.").default(""),
        clientNotes: z.string().trim().max(4000, "At most 4000 characters.").default(""),
        /** Book with a credit of this package purchase: confirmed at once, nothing to pay. */
        packagePurchaseId: id("package purchase").optional(),
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.bookings.hold(ctx.actor, input)),
  mine: coachingProcedure.query(({ ctx }) => ctx.services.bookings.mine(ctx.actor)),
  rescheduleOptions: coachingProcedure
    .input(z.object({ bookingId: id("booking"), from: instant.optional(), to: instant.optional() }))
    .query(({ ctx, input }) =>
      ctx.services.bookings.rescheduleOptions(ctx.actor, input.bookingId, { from: input.from, to: input.to }),
    ),
  reschedule: coachingProcedure
    .input(z.object({ bookingId: id("booking"), startsAt: instant }))
    .mutation(({ ctx, input }) => ctx.services.bookings.reschedule(ctx.actor, input.bookingId, input.startsAt)),
  /** What cancelling this booking now would refund (or whether its package credit comes back). */
  cancellationPreview: coachingProcedure
    .input(z.object({ bookingId: id("booking") }))
    .query(({ ctx, input }) => ctx.services.bookings.cancellationPreview(ctx.actor, input.bookingId)),
  /** Cancels a booking (its client, its coach or a tenant admin), refunding by the policy. */
  cancel: coachingProcedure
    .input(
      z.object({ bookingId: id("booking"), reason: z.string().trim().max(500, "At most 500 characters.").default("") }),
    )
    .mutation(({ ctx, input }) => ctx.services.bookings.cancel(ctx.actor, input.bookingId, input.reason)),
  forCoach: coachingProcedure.query(({ ctx }) => ctx.services.bookings.forCoach(ctx.actor)),
  /** The coach's private calendar feed URL (renew: a new secret; old links stop working). */
  calendarFeed: coachingProcedure
    .input(z.object({ renew: z.boolean().default(false) }).optional())
    .mutation(async ({ ctx, input }) => {
      const token = await ctx.services.bookings.calendarFeedToken(ctx.actor, input?.renew ?? false);
      return { url: `${ctx.env.APP_ORIGIN ?? new URL(ctx.req.url).origin}/calendar/${token}.ics` };
    }),
  /** The booking as an iCalendar (.ics) file. */
  calendarFile: coachingProcedure
    .input(z.object({ bookingId: id("booking") }))
    .query(({ ctx, input }) =>
      ctx.services.bookings.icsFor(ctx.actor, input.bookingId, ctx.env.APP_ORIGIN ?? new URL(ctx.req.url).origin),
    ),
  detail: coachingProcedure
    .input(z.object({ bookingId: id("booking") }))
    .query(({ ctx, input }) => ctx.services.bookings.detail(ctx.actor, input.bookingId)),
});
