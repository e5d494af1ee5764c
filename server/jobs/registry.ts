import { z } from "zod";
import type { Logger } from "../log.ts";
import type { Services } from "../services/index.ts";
import { WEBHOOK_JOB, WEBHOOK_RETRY } from "../services/webhooks/service.ts";
import type { JobQueue } from "./queue.ts";

/** Job types whose handlers are plain service calls. Registered before the queue starts. */
export function registerJobs(jobs: JobQueue, services: Services, log: Logger) {
  // One hold's expiry. Holds no longer queue it (the minute sweep in recurring.ts covers them);
  // it stays registered so that jobs queued before that change still run.
  jobs.register("bookings.expire-hold", z.object({ bookingId: z.uuid() }), async ({ bookingId }) => {
    const { expired } = await services.bookings.expireHold(bookingId);
    if (expired) log.info("booking hold expired", { bookingId });
  });
  // One coach's payout account gets the tenant's current payout schedule (sent per coach when it changes).
  jobs.register("payouts.apply-schedule", z.object({ coachProfileId: z.uuid() }), async ({ coachProfileId }) => {
    const { applied } = await services.payments.applyPayoutSchedule(coachProfileId);
    if (applied) log.info("payout schedule applied", { coachProfileId });
  });
  // After a session's room closes: completed, no-show or missed by the coach (safe to repeat).
  jobs.register("sessions.outcome", z.object({ bookingId: z.uuid() }), async ({ bookingId }) => {
    const { outcome } = await services.sessions.decideOutcome(bookingId);
    if (outcome !== "NOT_DUE" && outcome !== "ALREADY_DECIDED")
      log.info("session outcome decided", { bookingId, outcome });
  });
  // A webhook event whose processing failed at receipt: retried with a doubling delay (ADR 016).
  jobs.register(
    WEBHOOK_JOB,
    z.object({ id: z.uuid() }),
    async ({ id }, job) => {
      await services.webhooks.processStored(id, { lastRetry: job.retryCount >= WEBHOOK_RETRY.limit });
    },
    {
      retryLimit: WEBHOOK_RETRY.limit,
      retryDelaySeconds: WEBHOOK_RETRY.delaySeconds,
      retryBackoff: true,
      policy: "short",
    },
  );
  jobs.register(
    "bookings.reminder",
    z.object({ bookingId: z.uuid(), kind: z.enum(["24h", "1h"]), startsAt: z.iso.datetime().optional() }),
    async ({ bookingId, kind, startsAt }) => {
      const { sent } = await services.bookings.sendReminder(bookingId, kind, startsAt ? new Date(startsAt) : undefined);
      if (sent) log.info("booking reminder sent", { bookingId, kind });
    },
  );
  // "Due tomorrow" for one task, queued when it is assigned (09:00 the day before, in the client's zone).
  jobs.register(
    "tasks.due-reminder",
    z.object({ taskId: z.uuid(), dueOn: z.iso.date() }),
    async ({ taskId, dueOn }) => {
      const { sent } = await services.tasks.sendDueReminder(taskId, dueOn);
      if (sent) log.info("task due reminder sent", { taskId });
    },
  );
}
