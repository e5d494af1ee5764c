/**
 * Errors that services raise for the caller to see, and the one table that says what each
 * becomes at every entry point (ADR 017): an HTTP status for Remix loaders, actions, resource
 * routes and webhooks; a tRPC code; a socket ack code; a form result. Entry points never keep a
 * table of their own.
 */
export type AppErrorCode =
  "BAD_REQUEST" | "UNAUTHORIZED" | "FORBIDDEN" | "NOT_FOUND" | "CONFLICT" | "PRECONDITION_FAILED" | "TOO_MANY_REQUESTS";

export class AppError extends Error {
  override name = "AppError";
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly fieldErrors?: Record<string, string[]>,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new AppError("NOT_FOUND", `${what} was not found.`);
export const forbidden = (message = "You do not have permission to do that.") => new AppError("FORBIDDEN", message);

/** The codes a socket ack may carry (realtime/contracts.ts `Ack`). */
export type SocketErrorCode = "BAD_REQUEST" | "FORBIDDEN" | "NOT_FOUND" | "INTERNAL";

/** What each service error becomes: HTTP status, tRPC code (same names as ours), socket ack code. */
export const ERROR_MAPPING: Record<AppErrorCode, { http: number; trpc: AppErrorCode; socket: SocketErrorCode }> = {
  BAD_REQUEST: { http: 400, trpc: "BAD_REQUEST", socket: "BAD_REQUEST" },
  UNAUTHORIZED: { http: 401, trpc: "UNAUTHORIZED", socket: "FORBIDDEN" },
  FORBIDDEN: { http: 403, trpc: "FORBIDDEN", socket: "FORBIDDEN" },
  NOT_FOUND: { http: 404, trpc: "NOT_FOUND", socket: "NOT_FOUND" },
  CONFLICT: { http: 409, trpc: "CONFLICT", socket: "BAD_REQUEST" },
  PRECONDITION_FAILED: { http: 412, trpc: "PRECONDITION_FAILED", socket: "BAD_REQUEST" },
  TOO_MANY_REQUESTS: { http: 429, trpc: "TOO_MANY_REQUESTS", socket: "BAD_REQUEST" },
};

const isCode = (code: unknown): code is AppErrorCode => typeof code === "string" && Object.hasOwn(ERROR_MAPPING, code);

/**
 * The error as a service error, or null. Duck-typed on purpose: the Remix bundle holds its own
 * copy of this module, so `instanceof` fails for errors thrown by the server's services (ADR 004).
 */
export function asAppError(
  error: unknown,
): (Error & { code: AppErrorCode; fieldErrors?: Record<string, string[]> }) | null {
  if (!(error instanceof Error) || error.name !== "AppError") return null;
  const code = (error as { code?: unknown }).code;
  return isCode(code) ? (error as Error & { code: AppErrorCode }) : null;
}

/**
 * A service error, or a tRPC error that a server-side caller threw (its code is one of ours or
 * another tRPC code), as { code, http status, message, field errors }; null for anything else
 * (a bug, shown by the error boundary or logged as a 500).
 */
export function describeError(error: unknown): {
  code: AppErrorCode;
  status: number;
  message: string;
  fieldErrors: Record<string, string[]>;
  invalidInput: boolean;
} | null {
  if (!(error instanceof Error)) return null;
  if (error.name === "TRPCError") {
    const code = (error as { code?: unknown }).code;
    if (!isCode(code)) return null;
    const cause = error.cause as
      { issues?: { path: PropertyKey[]; message: string }[]; fieldErrors?: Record<string, string[]> } | undefined;
    const fieldErrors: Record<string, string[]> = {};
    if (cause?.issues)
      for (const i of cause.issues) (fieldErrors[i.path.map(String).join(".") || "_form"] ??= []).push(i.message);
    else if (cause?.fieldErrors) Object.assign(fieldErrors, cause.fieldErrors);
    return {
      code,
      status: ERROR_MAPPING[code].http,
      message: error.message,
      fieldErrors,
      invalidInput: !!cause?.issues,
    };
  }
  const app = asAppError(error);
  if (!app) return null;
  return {
    code: app.code,
    status: ERROR_MAPPING[app.code].http,
    message: app.message,
    fieldErrors: { ...app.fieldErrors },
    invalidInput: false,
  };
}

/** A service error as a socket refusal (same message), or null for anything else. */
export function socketRefusal(
  error: unknown,
): { ok: false; error: { code: SocketErrorCode; message: string; fieldErrors?: Record<string, string[]> } } | null {
  const app = asAppError(error);
  if (!app) return null;
  return {
    ok: false,
    error: {
      code: ERROR_MAPPING[app.code].socket,
      message: app.message,
      ...(app.fieldErrors ? { fieldErrors: app.fieldErrors } : {}),
    },
  };
}
