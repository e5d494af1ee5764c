import type { ActionFunctionArgs } from "@remix-run/node";

/**
 * Cal.com's webhook endpoint (POST /webhooks/calcom, or /webhooks/calcom?coach=<profile id> as
 * shown to each coach). The X-Cal-Signature-256 signature covers the raw bytes, so the body is
 * read as text and handed unparsed to the Cal.com service, which verifies it, records the event
 * once and applies it to the matching booking. Answers: 200 when recorded (including repeats
 * and events about bookings Tandem does not know), 401 for a missing or wrong signature, 404
 * while CALCOM_WEBHOOK_SECRET is unset, 400 for a body that is not an event, 500 otherwise so
 * that Cal.com retries.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== "POST") return text(405, "Use POST.");
  const rawBody = await request.text();
  const coach = new URL(request.url).searchParams.get("coach");
  try {
    const result = await context.tandem.services.calcom.receiveWebhook(
      rawBody,
      request.headers.get("x-cal-signature-256"),
      coach,
    );
    return Response.json({ received: true, duplicate: result.duplicate, outcome: result.outcome });
  } catch (error) {
    // Duck-typed: the error classes live in the server's module graph (ADR 004).
    if (error instanceof Error && error.name === "CalcomWebhookError")
      return text((error as Error & { status: number }).status, error.message);
    console.error("Cal.com webhook failed:", error);
    return text(500, "The event could not be processed; Cal.com will retry.");
  }
}

export function loader() {
  return text(405, "Cal.com webhooks are delivered with POST.");
}

function text(status: number, body: string) {
  return new Response(body, {
    status,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
  });
}
