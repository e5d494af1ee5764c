// The app side of the one error mapping (ADR 017): server/errors.ts holds the table and reads
// errors duck-typed, so importing it here adds no second object graph worth the name (ADR 004).
import { describeError } from "@server/errors.ts";

export type ActionResult =
  { ok: false; message: string; fieldErrors: Record<string, string[]> } | { ok: true; message?: string };

/**
 * A service or tRPC error as a form result: field errors for bad input, the error's own
 * message otherwise, with the HTTP status of server/errors.ts. Anything unexpected is rethrown
 * (and shown by the error boundary).
 */
export function formError(error: unknown): { status: number; body: ActionResult } {
  const d = describeError(error);
  if (!d) throw error;
  const message = d.invalidInput ? "Please correct the highlighted fields." : d.message;
  return { status: d.status, body: { ok: false, message, fieldErrors: d.fieldErrors } };
}

/** For loaders and resource routes: the error as a plain-text response with its own message and status. */
export function errorResponse(error: unknown): Response {
  const { status, body } = formError(error);
  return new Response(body.ok ? "" : body.message, { status });
}

/** The HTTP status a service or tRPC error maps to, or null for anything else. */
export function errorStatus(error: unknown): number | null {
  return describeError(error)?.status ?? null;
}

/** A plain-text, uncached answer (webhook senders log the body of a refusal). */
export function plainText(status: number, body: string) {
  return new Response(body, {
    status,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
  });
}
