import type { ActionFunctionArgs } from "@remix-run/node";
import { errorStatus, plainText } from "./errors.server";

export { plainText };

const SENDERS: Record<string, string> = { stripe: "Stripe", livekit: "LiveKit", calcom: "Cal.com" };

/**
 * The one webhook route body (ADR 016): POST only; the raw body (signatures cover its bytes),
 * headers and URL go to the server's webhook inbox, which verifies, records once and processes.
 * Answers: 200 `{ received, duplicate, outcome }` when recorded (a repeat changes nothing); 202
 * `{ received, queued }` when processing failed now and a job retries it; a refusal's own status
 * and message (server/errors.ts: 400 or 401 for a bad signature, 404 when the provider is not set
 * up here); 500 otherwise, so that the sender retries.
 */
export function webhookRoute(provider: string) {
  const sender = SENDERS[provider] ?? provider;
  return {
    async action({ request, context }: ActionFunctionArgs) {
      if (request.method !== "POST") return plainText(405, "Use POST.");
      const rawBody = await request.text();
      try {
        const receipt = await context.tandem.services.webhooks.receive(provider, {
          rawBody,
          headers: request.headers,
          url: new URL(request.url),
        });
        if (receipt.queued) return Response.json({ received: true, queued: true }, { status: 202 });
        return Response.json({ received: true, duplicate: receipt.duplicate, outcome: receipt.outcome });
      } catch (error) {
        const status = errorStatus(error);
        if (status) return plainText(status, (error as Error).message);
        console.error(`${sender} webhook failed:`, error);
        return plainText(500, `The event could not be processed; ${sender} will retry.`);
      }
    },
    loader: () => plainText(405, `${sender} webhooks are delivered with POST.`),
  };
}
