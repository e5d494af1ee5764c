import { type AppLoadContext, redirect } from "@remix-run/node";
// A pure cookie parser (no state), so importing it does not duplicate the server object graph (ADR 004).
import { readSessionToken } from "@server/auth/cookie.ts";

/** A server-side tRPC caller for this request (loaders and actions never go over HTTP). */
export function callerFor(context: AppLoadContext, request: Request) {
  return context.tandem.caller(request, context.clientIp);
}

/**
 * The signed-in viewer, or a redirect to the login page that comes back here afterwards. A
 * session cookie that no longer resolves (idle or past its lifetime, or ended while this tab
 * was offline) is said so on the login page.
 */
export async function requireViewer(context: AppLoadContext, request: Request) {
  const caller = await callerFor(context, request);
  if (!caller.viewer) {
    const url = new URL(request.url);
    const back = url.pathname + url.search;
    const ended = readSessionToken(request.headers.get("cookie")) ? "&ended=expired" : "";
    throw redirect(`/login?redirectTo=${encodeURIComponent(back)}${ended}`);
  }
  return { ...caller, viewer: caller.viewer };
}

export type ActionResult =
  { ok: false; message: string; fieldErrors: Record<string, string[]> } | { ok: true; message?: string };

/**
 * Turns a tRPC error from a caller into a form result: field errors for bad input, the
 * error's own message otherwise. Anything unexpected is rethrown (and shown by the error boundary).
 */
export function formError(error: unknown): { status: number; body: ActionResult } {
  // Duck-typed: the router's TRPCError class lives in the server's module graph.
  if (error instanceof Error && error.name === "TRPCError" && "code" in error) {
    const codes: Record<string, number> = {
      BAD_REQUEST: 400,
      UNAUTHORIZED: 401,
      FORBIDDEN: 403,
      NOT_FOUND: 404,
      CONFLICT: 409,
      PRECONDITION_FAILED: 412,
      TOO_MANY_REQUESTS: 429,
    };
    const status = codes[String(error.code)];
    if (status) {
      const fieldErrors: Record<string, string[]> = {};
      const cause = error.cause as
        { issues?: { path: PropertyKey[]; message: string }[]; fieldErrors?: Record<string, string[]> } | undefined;
      if (cause?.issues)
        for (const i of cause.issues) (fieldErrors[i.path.map(String).join(".") || "_form"] ??= []).push(i.message);
      else if (cause?.fieldErrors) Object.assign(fieldErrors, cause.fieldErrors);
      const message = cause?.issues ? "Please correct the highlighted fields." : error.message;
      return { status, body: { ok: false, message, fieldErrors } };
    }
  }
  throw error;
}

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

/** For loaders: a tRPC error becomes an error page with the error's own message and status. */
export function errorResponse(error: unknown): Response {
  const { status, body } = formError(error);
  return new Response(body.ok ? "" : body.message, { status });
}
