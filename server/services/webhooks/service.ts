export {
  createWebhookInbox,
  type ProcessedWebhook,
  type VerifiedWebhook,
  WEBHOOK_JOB,
  WEBHOOK_RETRY,
  type WebhookEventToProcess,
  type WebhookInbox,
  type WebhookProvider,
  type WebhookReceipt,
  type WebhookRequest,
} from "./inbox.ts";
export { calcomWebhooks, livekitWebhooks, stripeWebhooks } from "./providers.ts";
