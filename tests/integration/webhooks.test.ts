import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { action as stripeWebhook } from "~/routes/webhooks.stripe.ts";
import { AppError } from "@server/errors.ts";
import { createJobQueue } from "@server/jobs/queue.ts";
import { createLogger } from "@server/log.ts";
import type { ServiceDeps } from "@server/services/index.ts";
import {
  createWebhookInbox,
  WEBHOOK_JOB,
  type WebhookEventToProcess,
  type WebhookProvider,
} from "@server/services/webhooks/service.ts";
import { createTestApp, type TestApp } from "../helpers/app.ts";

/**
 * The webhook inbox itself (ADR 016), with a provider made for the test: verification refuses
 * before anything is stored, an event is stored once and processed once, a failed attempt is
 * recorded and finished by a redelivery (no job queue) or by the webhooks.process job.
 */
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app?.close());

const request = (body: unknown, signature: string | null = "good") => {
  const headers = new Headers();
  if (signature) headers.set("x-test-signature", signature);
  return { rawBody: JSON.stringify(body), headers, url: new URL("http://localhost/webhooks/test") };
};

/** A provider whose signature is the word "good" and whose processing fails while `failing` is set. */
function testProvider(name: string) {
  const state = { failing: 0, processed: [] as WebhookEventToProcess[] };
  const provider: WebhookProvider = {
    name,
    verify({ rawBody, headers }) {
      if (headers.get("x-test-signature") !== "good") throw new AppError("UNAUTHORIZED", "Bad test signature.");
      const body = JSON.parse(rawBody) as { id: string; type: string };
      return { eventId: body.id, type: body.type, payload: body };
    },
    async process(event) {
      if (state.failing > 0) {
        state.failing--;
        throw new Error("The owning service is down.");
      }
      state.processed.push(event);
      return { outcome: `DONE:${event.type}` };
    },
  };
  return { provider, state };
}

const deps = (jobs?: ServiceDeps["jobs"]) =>
  ({ db: app.db, log: createLogger("silent"), now: app.clock.now, jobs }) as unknown as ServiceDeps;

const rowOf = (provider: string, eventId: string) =>
  app.db.webhookEvent.findUniqueOrThrow({ where: { provider_eventId: { provider, eventId } } });

describe("the webhook inbox", () => {
  it("refuses a bad signature before storing anything, and an unknown provider", async () => {
    const { provider } = testProvider("test-refuse");
    const inbox = createWebhookInbox(deps(), [provider]);
    await expect(inbox.receive("test-refuse", request({ id: "e1", type: "t" }, "bad"))).rejects.toMatchObject({
      name: "AppError",
      code: "UNAUTHORIZED",
    });
    await expect(inbox.receive("nobody", request({ id: "e1", type: "t" }))).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await app.db.webhookEvent.count({ where: { provider: "test-refuse" } })).toBe(0);
  });

  it("stores an event once and processes it once, however often and however concurrently it is delivered", async () => {
    const { provider, state } = testProvider("test-once");
    const inbox = createWebhookInbox(deps(), [provider]);
    const body = { id: "evt-once", type: "thing.happened", n: 1 };
    const receipts = await Promise.all([1, 2, 3].map(() => inbox.receive("test-once", request(body))));
    expect(receipts.filter((r) => !r.duplicate)).toHaveLength(1);
    for (const r of receipts) expect(r.outcome).toBe("DONE:thing.happened");
    expect(await inbox.receive("test-once", request(body))).toEqual({
      duplicate: true,
      outcome: "DONE:thing.happened",
    });
    expect(state.processed).toHaveLength(1);
    expect(state.processed[0]).toMatchObject({ eventId: "evt-once", type: "thing.happened", payload: body });
    expect(await rowOf("test-once", "evt-once")).toMatchObject({
      type: "thing.happened",
      payload: body,
      outcome: "DONE:thing.happened",
      attempts: 1,
      lastError: null,
      failedAt: null,
      processedAt: expect.any(Date),
    });
  });

  it("without a job queue, a failed attempt is recorded, answered as an error, and finished by the redelivery", async () => {
    const { provider, state } = testProvider("test-redeliver");
    const inbox = createWebhookInbox(deps(), [provider]);
    state.failing = 1;
    const body = { id: "evt-retry", type: "thing.failed" };
    await expect(inbox.receive("test-redeliver", request(body))).rejects.toThrow("The owning service is down.");
    expect(await rowOf("test-redeliver", "evt-retry")).toMatchObject({
      processedAt: null,
      attempts: 1,
      lastError: "The owning service is down.",
    });
    expect(await inbox.receive("test-redeliver", request(body))).toEqual({
      duplicate: false,
      outcome: "DONE:thing.failed",
    });
    expect(await rowOf("test-redeliver", "evt-retry")).toMatchObject({
      processedAt: expect.any(Date),
      attempts: 2,
      lastError: null,
    });
  });

  it(
    "with a job queue, a failed attempt is accepted and the webhooks.process job retries it from the stored event",
    { timeout: 90_000 },
    async () => {
      const log = createLogger("silent");
      const jobs = createJobQueue({ connectionString: app.databaseUrl, log, pollingIntervalSeconds: 0.5 });
      const { provider, state } = testProvider("test-job");
      const inbox = createWebhookInbox(deps(jobs), [provider], { firstRetryAfterSeconds: 0 });
      let lastRetries = 0;
      jobs.register(
        WEBHOOK_JOB,
        z.object({ id: z.uuid() }),
        async ({ id }, job) => {
          await inbox.processStored(id, { lastRetry: job.retryCount >= 1 });
          lastRetries = job.retryCount;
        },
        { retryLimit: 1, retryDelaySeconds: 1, retryBackoff: false, policy: "short" },
      );
      await jobs.start();
      try {
        state.failing = 2; // the attempt at receipt and the job's first run
        const body = { id: "evt-job", type: "thing.later" };
        expect(await inbox.receive("test-job", request(body))).toEqual({
          duplicate: false,
          outcome: null,
          queued: true,
        });
        const deadline = Date.now() + 60_000;
        while ((await rowOf("test-job", "evt-job")).processedAt === null && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 250));
        expect(await rowOf("test-job", "evt-job")).toMatchObject({
          processedAt: expect.any(Date),
          outcome: "DONE:thing.later",
          attempts: 3,
          lastError: null,
          failedAt: null,
        });
        expect(lastRetries).toBe(1);
        expect(state.processed).toEqual([
          expect.objectContaining({ eventId: "evt-job", type: "thing.later", payload: body }),
        ]);
      } finally {
        await jobs.stop({ graceful: false });
      }
    },
  );
});

describe("webhook routes", () => {
  it("answer 404 with the reason for a provider that is not set up here, and store nothing", async () => {
    const res = await stripeWebhook({
      request: new Request("http://localhost/webhooks/stripe", { method: "POST", body: "{}" }),
      context: { tandem: app.tandem, clientIp: "127.0.0.1" },
      params: {},
    });
    expect(res.status).toBe(404);
    expect(await res.text()).toBe("Stripe is not configured on this site.");
    expect(await app.db.webhookEvent.count({ where: { provider: "stripe" } })).toBe(0);
  });
});
