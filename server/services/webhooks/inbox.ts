import type { Prisma } from "@server/db/client.ts";
import { AppError } from "@server/errors.ts";
import type { ServiceDeps } from "../deps.ts";

/**
 * One inbox for every provider's webhooks (ADR 016): verify by provider, store the event once by
 * (provider, event id) in WebhookEvent, process it, answer. A provider plugs in with
 * `WebhookProvider`; the inbox owns the event row, the per-event lock, attempts and retries.
 *
 * Processing is attempted once while the sender waits, so that what a webhook does is done when
 * the answer goes out. If that attempt fails, the `webhooks.process` job retries it with backoff
 * (when a job queue runs) and the sender is told the event was accepted; without a job queue the
 * sender is answered 500 and its own retry is the retry.
 */

/** What the route hands over: the raw bytes (signatures cover them), the headers and the URL. */
export interface WebhookRequest {
  rawBody: string;
  headers: Headers;
  url: URL;
}

/** A delivery whose signature checked out. */
export interface VerifiedWebhook {
  /** Unique per provider; a repeated delivery carries the same id. */
  eventId: string;
  type: string;
  /** The event as JSON, stored; retries process it from here. */
  payload: unknown;
  /** Known at receipt, stored with the event (processing may set them later). */
  tenantId?: string | null;
  bookingId?: string | null;
}

/** An event handed to a provider for processing (at receipt, or from the stored row by the job). */
export interface WebhookEventToProcess {
  eventId: string;
  type: string;
  payload: unknown;
}

/** What processing did. `duplicate` when the owning service found the event handled before. */
export interface ProcessedWebhook {
  outcome: string | null;
  duplicate?: boolean;
  /** What was wrong with the event itself (e.g. "No such booking."): stored, not retried. */
  error?: string | null;
  tenantId?: string | null;
  bookingId?: string | null;
}

export interface WebhookProvider {
  /** The name in the URL (/webhooks/<name>) and in WebhookEvent.provider. */
  name: string;
  /**
   * Checks the signature and reads the event. Refusals are AppErrors: the route answers with
   * their status (server/errors.ts), e.g. 400 or 401 for a bad signature, 404 when the
   * provider is not configured here. Nothing is stored for a refused delivery.
   */
  verify(request: WebhookRequest): Promise<VerifiedWebhook> | VerifiedWebhook;
  /** Applies a verified event through the owning service. Throwing leaves it for a retry. */
  process(event: WebhookEventToProcess): Promise<ProcessedWebhook>;
}

/** What the sender is told. `queued`: processing failed now and the job retries it. */
export type WebhookReceipt = { duplicate: boolean; outcome: string | null; queued?: boolean };

/** Retries of the webhooks.process job after the attempt at receipt (pg-boss, doubling delay). */
export const WEBHOOK_RETRY = { limit: 8, delaySeconds: 30 } as const;
export const WEBHOOK_JOB = "webhooks.process";

export function createWebhookInbox(
  deps: ServiceDeps,
  providers: WebhookProvider[],
  options: { firstRetryAfterSeconds?: number } = {},
) {
  const { db, log, now, jobs } = deps;
  const byName = new Map(providers.map((p) => [p.name, p]));

  function providerOf(name: string) {
    const provider = byName.get(name);
    if (!provider) throw new AppError("NOT_FOUND", `No webhooks are received for “${name}”.`);
    return provider;
  }

  /**
   * One attempt at processing a recorded event. Attempts of one event (concurrent deliveries, a
   * delivery and a job) queue on a transaction-scoped advisory lock, so each event is processed
   * by one attempt at a time and a processed event is never processed again. The lock's
   * connection only waits; the work runs on others.
   */
  async function attempt(provider: WebhookProvider, rowId: string, event: WebhookEventToProcess) {
    return db.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${rowId}, 2))`;
        const stored = await tx.webhookEvent.findUniqueOrThrow({ where: { id: rowId } });
        if (stored.processedAt) return { duplicate: true, outcome: stored.outcome } satisfies WebhookReceipt;
        await db.webhookEvent.update({
          where: { id: rowId },
          data: { attempts: { increment: 1 }, lastAttemptAt: now() },
        });
        let result: ProcessedWebhook;
        try {
          result = await provider.process(event);
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          await db.webhookEvent.update({ where: { id: rowId }, data: { lastError: message } }).catch(() => undefined);
          throw error;
        }
        // The owning service may have marked the event itself (payments does, for its local checkout too).
        await db.webhookEvent.updateMany({
          where: { id: rowId, processedAt: null },
          data: {
            processedAt: now(),
            outcome: result.outcome,
            error: result.error ?? null,
            ...(result.tenantId ? { tenantId: result.tenantId } : {}),
            ...(result.bookingId ? { bookingId: result.bookingId } : {}),
          },
        });
        if (stored.lastError !== null || stored.failedAt !== null)
          await db.webhookEvent.update({ where: { id: rowId }, data: { lastError: null, failedAt: null } });
        return { duplicate: result.duplicate ?? false, outcome: result.outcome } satisfies WebhookReceipt;
      },
      { timeout: 120_000, maxWait: 30_000 },
    );
  }

  return {
    /** The providers plugged in, by name. */
    providers: [...byName.keys()],

    /**
     * A delivery: verified (or refused with an AppError), recorded once, processed once. A
     * repeated delivery of a processed event answers `duplicate` and changes nothing; one of an
     * event whose processing failed before is processed again.
     */
    async receive(name: string, request: WebhookRequest): Promise<WebhookReceipt> {
      const provider = providerOf(name);
      const verified = await provider.verify(request);
      const key = { provider: provider.name, eventId: verified.eventId };
      await db.webhookEvent.createMany({
        data: [
          {
            ...key,
            type: verified.type,
            payload: (verified.payload ?? {}) as Prisma.InputJsonValue,
            tenantId: verified.tenantId ?? null,
            bookingId: verified.bookingId ?? null,
          },
        ],
        skipDuplicates: true,
      });
      const row = await db.webhookEvent.findUniqueOrThrow({ where: { provider_eventId: key } });
      if (row.processedAt) return { duplicate: true, outcome: row.outcome };
      try {
        return await attempt(provider, row.id, verified);
      } catch (error) {
        if (!jobs) throw error;
        log.warn("webhook processing failed; retrying in the background", {
          provider: provider.name,
          eventId: verified.eventId,
          error: error instanceof Error ? error.message : String(error),
        });
        await jobs.send(
          WEBHOOK_JOB,
          { id: row.id },
          { singletonKey: row.id, startAfter: options.firstRetryAfterSeconds ?? WEBHOOK_RETRY.delaySeconds },
        );
        return { duplicate: false, outcome: null, queued: true };
      }
    },

    /**
     * The webhooks.process job: one more attempt at a recorded event, from its stored payload.
     * After the last retry fails the event is marked failed and logged as an error.
     */
    async processStored(id: string, options: { lastRetry: boolean }) {
      const row = await db.webhookEvent.findUnique({ where: { id } });
      if (!row || row.processedAt) return { duplicate: true, outcome: row?.outcome ?? null };
      try {
        return await attempt(providerOf(row.provider), row.id, row);
      } catch (error) {
        if (options.lastRetry) {
          await db.webhookEvent.update({ where: { id }, data: { failedAt: now() } });
          log.error("webhook event given up after its retries", {
            provider: row.provider,
            eventId: row.eventId,
            error: error instanceof Error ? error.message : String(error),
          });
        }
        throw error;
      }
    },
  };
}

export type WebhookInbox = ReturnType<typeof createWebhookInbox>;
