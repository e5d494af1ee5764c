import type { ActionFunctionArgs } from "@remix-run/node";

/**
 * Stripe's webhook endpoint (POST /webhooks/stripe). The signature covers the raw bytes, so the
 * body is read as text and handed unparsed to the payments service, which verifies it, records
 * the event id once and confirms (or refunds) the booking. A repeated delivery answers 200 and
 * changes nothing; a bad signature answers 400; anything else 500 so that Stripe retries.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== "POST") return text(405, "Use POST.");
  const rawBody = await request.text();
  try {
    const result = await context.tandem.services.payments.receiveStripeWebhook(
      rawBody,
      request.headers.get("stripe-signature"),
    );
    return Response.json({ received: true, duplicate: result.duplicate, outcome: result.outcome });
  } catch (error) {
    // Duck-typed: the error classes live in the server's module graph (ADR 004).
    const name = error instanceof Error ? error.name : "";
    if (name === "WebhookVerificationError") return text(400, (error as Error).message);
    if (name === "AppError" && (error as { code?: string }).code === "NOT_FOUND")
      return text(404, (error as Error).message);
    console.error("Stripe webhook failed:", error);
    return text(500, "The event could not be processed; Stripe will retry.");
  }
}

export function loader() {
  return text(405, "Stripe webhooks are delivered with POST.");
}

function text(status: number, body: string) {
  return new Response(body, {
    status,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
  });
}
