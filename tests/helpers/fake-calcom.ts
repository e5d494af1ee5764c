import http from "node:http";
import type { AddressInfo } from "node:net";

interface Seen {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown> | null;
}

/** The one API key the fake accepts. */
export const GOOD_KEY = "cal_live_fake0123456789abcdWXYZ";

/**
 * A small fake of Cal.com's API v2 (node:http) that records every request: GET /v2/me and the
 * event-type endpoints, answering like Cal.com (`{ status, data }`, or `{ status: "error", error }`).
 */
export function fakeCalcom() {
  const seen: Seen[] = [];
  const eventTypes = new Map<number, Record<string, unknown>>();
  const failures = new Map<string, number>(); // "METHOD path" → how many requests to fail with 500
  let n = 100;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://fake");
      const text = Buffer.concat(chunks).toString("utf8");
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : null;
      seen.push({ method: req.method ?? "", path: url.pathname, headers: req.headers, body });
      const send = (status: number, payload: unknown) =>
        res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(payload));
      const error = (status: number, code: string, message: string) =>
        send(status, {
          status: "error",
          timestamp: new Date().toISOString(),
          path: url.pathname,
          error: { code, message },
        });
      const failing = failures.get(`${req.method} ${url.pathname}`) ?? 0;
      if (failing > 0) {
        failures.set(`${req.method} ${url.pathname}`, failing - 1);
        return error(500, "InternalServerErrorException", "Temporary failure (fake)");
      }
      if (req.headers.authorization !== `Bearer ${GOOD_KEY}`)
        return error(401, "UnauthorizedException", "Invalid API Key");
      if (req.method === "GET" && url.pathname === "/v2/me") {
        return send(200, {
          status: "success",
          data: { id: 4242, username: "fake-coach", email: "coach@cal.test", timeZone: "Europe/Amsterdam" },
        });
      }
      if (url.pathname.startsWith("/v2/event-types") && req.headers["cal-api-version"] !== "2024-06-14")
        return error(400, "BadRequestException", "cal-api-version header missing");
      if (req.method === "POST" && url.pathname === "/v2/event-types") {
        if (
          !body ||
          typeof body.title !== "string" ||
          typeof body.slug !== "string" ||
          typeof body.lengthInMinutes !== "number"
        )
          return error(400, "BadRequestException", "title, slug and lengthInMinutes are required");
        const id = ++n;
        eventTypes.set(id, { ...body, id });
        return send(201, { status: "success", data: { id, ...body } });
      }
      const one = /^\/v2\/event-types\/(\d+)$/.exec(url.pathname);
      if (one && eventTypes.has(Number(one[1]))) {
        const id = Number(one[1]);
        if (req.method === "PATCH") {
          eventTypes.set(id, { ...eventTypes.get(id), ...body });
          return send(200, { status: "success", data: eventTypes.get(id) });
        }
        if (req.method === "DELETE") {
          eventTypes.delete(id);
          return send(200, { status: "success", data: { id } });
        }
      }
      error(404, "NotFoundException", `Nothing at ${req.method} ${url.pathname}`);
    });
  });
  return {
    seen,
    eventTypes,
    failNext: (methodAndPath: string, times = 1) => void failures.set(methodAndPath, times),
    requests: (method: string, path: string) => seen.filter((s) => s.method === method && s.path === path),
    listen: () =>
      new Promise<number>((resolve) =>
        server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)),
      ),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
