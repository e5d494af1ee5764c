import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A small fake Stripe API (node:http) for the real stripe SDK: it records every request with its
 * form params and idempotency key, replays responses per Idempotency-Key as Stripe does, and can
 * fail requests with a retryable 500.
 */
export interface Seen {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  authorization: string | undefined;
  form: URLSearchParams;
}

export function fakeStripe() {
  const seen: Seen[] = [];
  const accounts = new Map<string, { payouts_enabled: boolean }>();
  const replays = new Map<string, string>(); // Idempotency-Key → the first response, as Stripe replays it
  const failures = new Map<string, number>(); // path → how many requests to fail with a retryable 500
  let n = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://fake");
      const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
      const idempotencyKey = req.headers["idempotency-key"] as string | undefined;
      seen.push({
        method: req.method ?? "",
        path: url.pathname,
        idempotencyKey,
        authorization: req.headers.authorization,
        form,
      });
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        const text = JSON.stringify(body);
        if (status === 200 && idempotencyKey && req.method === "POST") replays.set(idempotencyKey, text);
        res.writeHead(status, { "content-type": "application/json", "request-id": `req_${++n}`, ...headers }).end(text);
      };
      const failing = failures.get(url.pathname) ?? 0;
      if (failing > 0) {
        failures.set(url.pathname, failing - 1);
        return send(
          500,
          { error: { type: "api_error", message: "Temporary failure (fake)" } },
          { "stripe-should-retry": "true" },
        );
      }
      if (req.method === "POST" && idempotencyKey && replays.has(idempotencyKey)) {
        return res
          .writeHead(200, { "content-type": "application/json", "idempotent-replayed": "true" })
          .end(replays.get(idempotencyKey));
      }
      const created = Math.floor(Date.now() / 1000);
      if (req.method === "POST" && url.pathname === "/v1/accounts") {
        const id = `acct_fake${++n}`;
        accounts.set(id, { payouts_enabled: false });
        return send(200, {
          id,
          object: "account",
          type: form.get("type"),
          email: form.get("email"),
          payouts_enabled: false,
          charges_enabled: false,
          created,
        });
      }
      const account = /^\/v1\/accounts\/([^/]+)$/.exec(url.pathname);
      if (req.method === "POST" && account) {
        if (!accounts.has(account[1]!))
          return send(404, { error: { type: "invalid_request_error", message: "No such account" } });
        return send(200, {
          id: account[1],
          object: "account",
          type: "express",
          settings: { payouts: { schedule: { interval: form.get("settings[payouts][schedule][interval]") } } },
          created,
        });
      }
      if (req.method === "GET" && account) {
        const found = accounts.get(account[1]!);
        if (!found) return send(404, { error: { type: "invalid_request_error", message: "No such account" } });
        return send(200, {
          id: account[1],
          object: "account",
          type: "express",
          payouts_enabled: found.payouts_enabled,
          created,
        });
      }
      if (req.method === "POST" && url.pathname === "/v1/account_links") {
        return send(200, {
          object: "account_link",
          url: `https://connect.stripe.test/setup/e/${form.get("account")}/${++n}`,
          created,
          expires_at: created + 300,
        });
      }
      if (req.method === "POST" && url.pathname === "/v1/checkout/sessions") {
        const id = `cs_test_fake${++n}`;
        return send(200, {
          id,
          object: "checkout.session",
          mode: form.get("mode"),
          url: `https://checkout.stripe.test/c/pay/${id}`,
          payment_status: "unpaid",
          status: "open",
          metadata: { bookingId: form.get("metadata[bookingId]") },
        });
      }
      if (req.method === "POST" && url.pathname === "/v1/refunds") {
        return send(200, {
          id: `re_fake${++n}`,
          object: "refund",
          payment_intent: form.get("payment_intent"),
          status: "succeeded",
          created,
        });
      }
      send(404, {
        error: { type: "invalid_request_error", message: `Unrecognized request URL (${req.method}: ${url.pathname})` },
      });
    });
  });
  return {
    seen,
    accounts,
    failNext: (path: string, times = 1) => void failures.set(path, times),
    posts: (path: string) => seen.filter((s) => s.method === "POST" && s.path === path),
    listen: () =>
      new Promise<number>((resolve) =>
        server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)),
      ),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Settings that point the app's Stripe provider at a fake API on this port. */
export const stripeTestEnv = (port: number, webhookSecret: string) => ({
  STRIPE_SECRET_KEY: "sk_test_tandem_fake",
  STRIPE_WEBHOOK_SECRET: webhookSecret,
  STRIPE_API_HOST: "127.0.0.1",
  STRIPE_API_PORT: String(port),
  STRIPE_API_PROTOCOL: "http",
});

/** A checkout.session.completed event (paid) as Stripe sends it, for `metadata`'s booking or package purchase. */
export const checkoutCompletedEvent = (
  eventId: string,
  paid: { reference: string; amountMinor: number; metadata: Record<string, string> },
  paymentIntent: string,
) =>
  JSON.stringify({
    id: eventId,
    object: "event",
    type: "checkout.session.completed",
    created: Math.floor(Date.now() / 1000),
    data: {
      object: {
        id: `cs_${eventId}`,
        object: "checkout.session",
        mode: "payment",
        payment_status: "paid",
        status: "complete",
        payment_intent: paymentIntent,
        amount_total: paid.amountMinor,
        currency: "eur",
        client_reference_id: paid.reference,
        metadata: paid.metadata,
      },
    },
  });
