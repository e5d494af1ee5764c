import type { ActionFunctionArgs } from "@remix-run/node";

/**
 * LiveKit's webhook endpoint (POST /webhooks/livekit, `application/webhook+json`). The signature
 * (a JWT in the Authorization header carrying the body's SHA-256) covers the raw bytes, so the
 * body is read as text and handed unparsed to the sessions service, which verifies it, records
 * the event id once and turns joins and leaves into attendance. A repeated delivery answers 200
 * and changes nothing; a bad signature answers 401; anything else 500 so that LiveKit retries.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== "POST") return text(405, "Use POST.");
  const rawBody = await request.text();
  try {
    const result = await context.tandem.services.sessions.receiveLivekitWebhook(rawBody, request.headers.get("authorization"));
    return Response.json({ received: true, duplicate: result.duplicate, outcome: result.outcome });
  } catch (error) {
    // Duck-typed: the error classes live in the server's module graph (ADR 004).
    const code = error instanceof Error && error.name === "AppError" ? (error as { code?: string }).code : undefined;
    if (code === "UNAUTHORIZED") return text(401, (error as Error).message);
    if (code === "BAD_REQUEST") return text(400, (error as Error).message);
    if (code === "PRECONDITION_FAILED") return text(404, (error as Error).message);
    console.error("LiveKit webhook failed:", error);
    return text(500, "The event could not be processed; LiveKit will retry.");
  }
}

export function loader() {
  return text(405, "LiveKit webhooks are delivered with POST.");
}

function text(status: number, body: string) {
  return new Response(body, { status, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
}
