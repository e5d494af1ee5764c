/**
 * Cal.com API v2 over plain HTTP (fetch), one coach's API key per call. Only what Tandem needs:
 * who the key belongs to (to verify it) and the coach's event types (one per service).
 * Every failure is a CalcomError that says what Cal.com answered.
 */

export interface CalcomProfile {
  id: number;
  username: string | null;
  email: string | null;
}

export interface CalcomEventTypeInput {
  title: string;
  slug: string;
  lengthInMinutes: number;
  description: string;
  hidden?: boolean;
}

export interface CalcomApi {
  /** GET /v2/me: the account the key belongs to (a cheap authenticated call). */
  me(apiKey: string): Promise<CalcomProfile>;
  /** POST /v2/event-types: the new event type's id. */
  createEventType(apiKey: string, input: CalcomEventTypeInput): Promise<{ id: number; slug: string }>;
  /** PATCH /v2/event-types/{id}. */
  updateEventType(apiKey: string, id: number, input: Partial<CalcomEventTypeInput>): Promise<void>;
  /** DELETE /v2/event-types/{id}. */
  deleteEventType(apiKey: string, id: number): Promise<void>;
}

export type CalcomErrorKind = "unauthorized" | "not_found" | "rejected" | "unavailable";

export class CalcomError extends Error {
  override name = "CalcomError";
  constructor(
    readonly kind: CalcomErrorKind,
    /** Cal.com's HTTP status, or null when no answer came. */
    readonly status: number | null,
    message: string,
  ) {
    super(message);
  }
}

/** The event-type endpoints are versioned by this header (the key endpoints are not). */
export const EVENT_TYPES_API_VERSION = "2024-06-14";

/** Cal.com's error text: `{ error: { message } }`, `{ message }` or the raw body. */
function describe(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown; code?: unknown } | string; message?: unknown };
    const error = parsed.error;
    if (error && typeof error === "object" && typeof error.message === "string") return error.message;
    if (typeof error === "string") return error;
    if (typeof parsed.message === "string") return parsed.message;
  } catch {
    // not JSON
  }
  return body.trim().slice(0, 200) || "no details";
}

export function createCalcomApi(baseUrl: string, options: { timeoutMs?: number } = {}): CalcomApi {
  const base = baseUrl.replace(/\/+$/, "");
  const timeoutMs = options.timeoutMs ?? 10_000;

  async function call<T>(
    apiKey: string,
    method: string,
    path: string,
    init: { body?: unknown; version?: string } = {},
  ): Promise<T> {
    const headers: Record<string, string> = { Authorization: `Bearer ${apiKey}`, Accept: "application/json" };
    if (init.version) headers["cal-api-version"] = init.version;
    if (init.body !== undefined) headers["Content-Type"] = "application/json";
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
      throw new CalcomError(
        "unavailable",
        null,
        timedOut
          ? `Cal.com did not answer within ${Math.round(timeoutMs / 1000)} seconds.`
          : `Cal.com could not be reached (${error instanceof Error ? error.message : String(error)}).`,
      );
    }
    const text = await res.text();
    if (!res.ok) {
      const said = describe(text);
      if (res.status === 401 || res.status === 403)
        throw new CalcomError("unauthorized", res.status, `Cal.com refused the API key (${res.status}: ${said}).`);
      if (res.status === 404)
        throw new CalcomError("not_found", res.status, `Cal.com does not know it (${res.status}: ${said}).`);
      if (res.status >= 500 || res.status === 429)
        throw new CalcomError("unavailable", res.status, `Cal.com is unavailable (${res.status}: ${said}).`);
      throw new CalcomError("rejected", res.status, `Cal.com rejected the request (${res.status}: ${said}).`);
    }
    if (!text) return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new CalcomError("unavailable", res.status, "Cal.com answered with something that is not JSON.");
    }
  }

  return {
    async me(apiKey) {
      const body = await call<{ data?: { id?: unknown; username?: unknown; email?: unknown } }>(
        apiKey,
        "GET",
        "/v2/me",
      );
      const data = body?.data;
      if (!data || typeof data.id !== "number")
        throw new CalcomError("unavailable", 200, "Cal.com's answer to /v2/me had no account id.");
      return {
        id: data.id,
        username: typeof data.username === "string" ? data.username : null,
        email: typeof data.email === "string" ? data.email : null,
      };
    },
    async createEventType(apiKey, input) {
      const body = await call<{ data?: { id?: unknown; slug?: unknown } }>(apiKey, "POST", "/v2/event-types", {
        body: input,
        version: EVENT_TYPES_API_VERSION,
      });
      const data = body?.data;
      if (!data || typeof data.id !== "number")
        throw new CalcomError("unavailable", 200, "Cal.com's answer to the new event type had no id.");
      return { id: data.id, slug: typeof data.slug === "string" ? data.slug : input.slug };
    },
    async updateEventType(apiKey, id, input) {
      await call(apiKey, "PATCH", `/v2/event-types/${id}`, { body: input, version: EVENT_TYPES_API_VERSION });
    },
    async deleteEventType(apiKey, id) {
      await call(apiKey, "DELETE", `/v2/event-types/${id}`, { version: EVENT_TYPES_API_VERSION });
    },
  };
}

/** A Cal.com slug from a service name: lowercase ASCII words joined by dashes, plus a suffix that keeps it unique. */
export function eventTypeSlug(name: string, uniqueSuffix: string): string {
  const base = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 50)
    .replace(/-+$/, "");
  const suffix = uniqueSuffix
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "")
    .slice(0, 8);
  return `${base || "session"}-${suffix}`;
}
