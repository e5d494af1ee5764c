import { webhookRoute } from "~/lib/webhook.server";

/**
 * LiveKit's webhook endpoint (POST /webhooks/livekit, `application/webhook+json`), through the
 * webhook inbox (ADR 016): the signature (a JWT in the Authorization header carrying the body's
 * SHA-256) covers the raw bytes; joins and leaves become attendance. A repeated delivery answers
 * 200 and changes nothing; a bad signature answers 401.
 */
export const { action, loader } = webhookRoute("livekit");
