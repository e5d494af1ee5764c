import { z } from "zod";
import type { Logger } from "../log.ts";
import type { Services } from "../services/index.ts";
import type { JobQueue } from "./queue.ts";

const DAY_SECONDS = 24 * 60 * 60;

/**
 * Daily and hourly work. Each job re-queues itself for the next day when it finishes; the "short" policy
 * with a fixed key keeps one queued run at most, however many nodes start or restart.
 */
export async function startRecurringJobs(jobs: JobQueue, services: Services, log: Logger) {
  const reminders = jobs.register(
    "credentials.expiry-reminders",
    z.object({}),
    async () => {
      const { reminded } = await services.coaches.sendExpiryReminders(30);
      log.info("credential expiry reminders sent", { reminded });
      await jobs.send(reminders, {}, { startAfter: DAY_SECONDS, singletonKey: "daily" });
    },
    { policy: "short" },
  );
  await jobs.send(reminders, {}, { singletonKey: "daily" });

  // Holds whose time ran out are free to the slot engine at once; every minute they are also
  // marked cancelled and open pages are told (ADR 013).
  const holds = jobs.register(
    "bookings.expire-due-holds",
    z.object({}),
    async () => {
      try {
        const { expired } = await services.bookings.expireDueHolds();
        if (expired) log.info("expired booking holds released", { expired });
      } finally {
        await jobs.send(holds, {}, { startAfter: 60, singletonKey: "minutely" });
      }
    },
    { policy: "short" },
  );
  await jobs.send(holds, {}, { singletonKey: "minutely" });

  // Time passing moves every coach's next free slot: refresh the directory's filter hourly.
  const nextFree = jobs.register(
    "bookings.refresh-next-free",
    z.object({}),
    async () => {
      const { refreshed } = await services.bookings.refreshAllNextFree();
      log.debug("next free slots refreshed", { refreshed });
      await jobs.send(nextFree, {}, { startAfter: 60 * 60, singletonKey: "hourly" });
    },
    { policy: "short" },
  );
  await jobs.send(nextFree, {}, { singletonKey: "hourly" });

  // Sessions whose room closed without an outcome (a lost job, a restart): decided every 15 minutes.
  const outcomes = jobs.register(
    "sessions.decide-due-outcomes",
    z.object({}),
    async () => {
      const { decided } = await services.sessions.decideDueOutcomes();
      if (decided) log.info("overdue session outcomes decided", { decided });
      await jobs.send(outcomes, {}, { startAfter: 15 * 60, singletonKey: "quarter-hourly" });
    },
    { policy: "short" },
  );
  await jobs.send(outcomes, {}, { singletonKey: "quarter-hourly" });
}
