import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert, Badge, Button, Card, PageHeader } from "~/components/ui";
import { formatDateTime } from "~/lib/format";
import { formatMinor } from "~/lib/money";
import { errorResponse, formError, requireViewer } from "~/lib/viewer.server";

export const meta: MetaFunction = () => [{ title: "Pay for your session (test mode) · Tandem" }];

/**
 * The built-in test checkout (no Stripe keys configured). Only the booking's own client sees it;
 * the button confirms through the same payments handler as Stripe's webhook.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { api, viewer } = await requireViewer(context, request);
  try {
    const summary = await api.payments.checkoutSummary({ bookingId: params.bookingId ?? "" });
    if (summary.provider !== "local")
      throw new Response("The test checkout is switched off on this site.", { status: 404 });
    return json({ summary, timeZone: viewer.user.timeZone });
  } catch (error) {
    if (error instanceof Response) throw error;
    throw errorResponse(error);
  }
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { api } = await requireViewer(context, request);
  const bookingId = params.bookingId ?? "";
  try {
    const result = await api.payments.payLocal({ bookingId });
    if (result.status === "CONFIRMED") return redirect(`/bookings/${bookingId}?paid=1`);
    return json(
      {
        ok: false as const,
        message: "The payment was received but the booking could not be confirmed; it has been refunded.",
        fieldErrors: {} as Record<string, string[]>,
      },
      { status: 409 },
    );
  } catch (error) {
    const { status, body } = formError(error);
    return json(body, { status });
  }
}

export default function LocalCheckout() {
  const { summary, timeZone } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const b = summary.booking;
  return (
    <div className="mx-auto max-w-lg">
      <PageHeader title="Pay for your session" description={<Badge tone="amber">Test mode: no money is taken</Badge>} />
      {result && !result.ok ? (
        <div className="mb-4">
          <Alert>{result.message}</Alert>
        </div>
      ) : null}
      <Card
        title={`${b.serviceName ?? "Coaching session"} with ${b.coachName}`}
        description={formatDateTime(b.startsAt, timeZone)}
      >
        <dl className="space-y-2 text-sm">
          <div className="flex justify-between">
            <dt className="text-slate-600">Amount</dt>
            <dd className="text-lg font-semibold text-slate-900">{formatMinor(b.priceMinor, b.currency)}</dd>
          </div>
          {b.holdExpiresAt && b.status === "PENDING" ? (
            <div className="flex justify-between">
              <dt className="text-slate-600">Time held until</dt>
              <dd>{formatDateTime(b.holdExpiresAt, timeZone)}</dd>
            </div>
          ) : null}
        </dl>
        <h3 className="mt-4 text-sm font-medium text-slate-900">Cancellation policy</h3>
        <p className="mt-1 text-sm text-slate-600">{summary.policy}</p>
        <div className="mt-5">
          {summary.payable ? (
            <Form method="post">
              <Button type="submit" busy={busy}>
                Pay (test mode)
              </Button>
            </Form>
          ) : (
            <Alert tone="info">
              {summary.reason}{" "}
              <Link className="underline" to={`/bookings/${b.id}`}>
                Back to the booking
              </Link>
            </Alert>
          )}
        </div>
      </Card>
    </div>
  );
}
