import type { ActionFunctionArgs } from "@remix-run/node";
import { appErrorCode, plainText } from "~/lib/webhook.server";

/**
 * LiveKit's webhook endpoint (POST /webhooks/livekit, `application/webhook+json`). The signature
 * (a JWT in the Authorization header carrying the body's SHA-256) covers the raw bytes, so the
 * body is read as text and handed unparsed to the sessions service, which verifies it, records
 * the event id once and turns joins and leaves into attendance. A repeated delivery answers 200
 * and changes nothing; a bad signature answers 401; anything else 500 so that LiveKit retries.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== "POST") return plainText(405, "Use POST.");
  const rawBody = await request.text();
  try {
    const result = await context.tandem.services.sessions.receiveLivekitWebhook(
      rawBody,
      request.headers.get("authorization"),
    );
    return Response.json({ received: true, duplicate: result.duplicate, outcome: result.outcome });
  } catch (error) {
    const statusFor: Record<string, number> = { UNAUTHORIZED: 401, BAD_REQUEST: 400, PRECONDITION_FAILED: 404 };
    const status = statusFor[appErrorCode(error) ?? ""];
    if (status) return plainText(status, (error as Error).message);
    console.error("LiveKit webhook failed:", error);
    return plainText(500, "The event could not be processed; LiveKit will retry.");
  }
}

export const loader = () => plainText(405, "LiveKit webhooks are delivered with POST.");
