/** A plain-text, uncached answer for webhook senders (they log the body of a refusal). */
export function plainText(status: number, body: string) {
  return new Response(body, {
    status,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
  });
}

/** The code of a service's AppError, duck-typed: the error classes live in the server's module graph (ADR 004). */
export function appErrorCode(error: unknown): string | undefined {
  return error instanceof Error && error.name === "AppError" ? (error as { code?: string }).code : undefined;
}
