export {
  createJobQueue,
  JobPayloadError,
  type JobContext,
  type JobHandler,
  type JobQueue,
  type JobQueueOptions,
  type JobType,
  type QueuePolicy,
  type RegisterOptions,
  type SendOptions,
} from "./queue.ts";
