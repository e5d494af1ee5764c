import { type AppLoadContext, redirect } from "@remix-run/node";
// A pure cookie parser (no state), so importing it does not duplicate the server object graph (ADR 004).
import { readSessionToken } from "@server/auth/cookie.ts";
import { type Feature, requireFeature } from "@server/policies/features.ts";
import { errorResponse } from "./errors.server";

/** A server-side tRPC caller for this request (loaders and actions never go over HTTP). */
export function callerFor(context: AppLoadContext, request: Request) {
  return context.tandem.caller(request, context.clientIp);
}

/**
 * The signed-in viewer, or a redirect to the login page that comes back here afterwards. A
 * session cookie that no longer resolves (idle or past its lifetime, or ended while this tab
 * was offline) is said so on the login page. With `feature`, the tenant must have that feature
 * switched on (server/policies/features.ts, the same check as tRPC and sockets); otherwise a
 * 403 response with the feature's message is thrown.
 */
export async function requireViewer(context: AppLoadContext, request: Request, options: { feature?: Feature } = {}) {
  const caller = await callerFor(context, request);
  if (!caller.viewer) {
    const url = new URL(request.url);
    const back = url.pathname + url.search;
    const ended = readSessionToken(request.headers.get("cookie")) ? "&ended=expired" : "";
    throw redirect(`/login?redirectTo=${encodeURIComponent(back)}${ended}`);
  }
  if (options.feature) {
    try {
      requireFeature(caller.viewer.tenant, options.feature);
    } catch (error) {
      throw errorResponse(error);
    }
  }
  return { ...caller, viewer: caller.viewer };
}

export { type ActionResult, errorResponse, formError } from "./errors.server";

/** Reads a form into a plain object of strings. */
export async function formFields(request: Request): Promise<Record<string, string>> {
  const form = await request.formData();
  const out: Record<string, string> = {};
  for (const [k, v] of form) if (typeof v === "string") out[k] = v;
  return out;
}

/** Only same-site paths are followed after login, never another origin. */
export function safeRedirect(to: string | null | undefined, fallback = "/dashboard"): string {
  if (!to || !to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) return fallback;
  return to;
}
