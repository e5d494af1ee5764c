import { z } from "zod";
import type { Logger } from "../log.ts";
import type { Services } from "../services/index.ts";
import type { JobQueue } from "./queue.ts";

const DAY_SECONDS = 24 * 60 * 60;

/**
 * Daily work. Each job re-queues itself for the next day when it finishes; the "short" policy
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
}
