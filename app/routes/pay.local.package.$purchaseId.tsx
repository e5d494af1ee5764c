import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert, Badge, Button, Card, PageHeader } from "~/components/ui";
import { formatMinor } from "~/lib/money";
import { errorResponse, formError, requireViewer } from "~/lib/viewer.server";

export const meta: MetaFunction = () => [{ title: "Pay for your package (test mode) · Tandem" }];

/**
 * The built-in test checkout for a package purchase (no Stripe keys configured). Only the
 * purchase's own client sees it; the button confirms through the same payments handler as
 * Stripe's webhook.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { api } = await requireViewer(context, request);
  try {
    const summary = await api.packages.checkoutSummary({ purchaseId: params.purchaseId ?? "" });
    if (summary.provider !== "local")
      throw new Response("The test checkout is switched off on this site.", { status: 404 });
    return json({ summary });
  } catch (error) {
    if (error instanceof Response) throw error;
    throw errorResponse(error);
  }
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { api } = await requireViewer(context, request);
  const purchaseId = params.purchaseId ?? "";
  try {
    const result = await api.packages.payLocal({ purchaseId });
    if (result.status === "PAID") return redirect(`/packages?paid=${purchaseId}`);
    return json(
      {
        ok: false as const,
        message: "The payment was received but the package could not be activated. Please contact the organisation.",
        fieldErrors: {} as Record<string, string[]>,
      },
      { status: 409 },
    );
  } catch (error) {
    const { status, body } = formError(error);
    return json(body, { status });
  }
}

export default function LocalPackageCheckout() {
  const { summary } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const p = summary.purchase;
  return (
    <div className="mx-auto max-w-lg">
      <PageHeader title="Pay for your package" description={<Badge tone="amber">Test mode: no money is taken</Badge>} />
      {result && !result.ok ? (
        <div className="mb-4">
          <Alert>{result.message}</Alert>
        </div>
      ) : null}
      <Card title={`${p.packageName} with ${p.coachName}`} description={`${p.sessionsTotal} × ${p.serviceName}`}>
        <dl className="space-y-2 text-sm">
          <div className="flex justify-between">
            <dt className="text-slate-600">Amount</dt>
            <dd className="text-lg font-semibold text-slate-900">{formatMinor(p.priceMinor, p.currency)}</dd>
          </div>
          <div className="flex justify-between">
            <dt className="text-slate-600">Sessions</dt>
            <dd>{p.sessionsTotal} credits, booked one by one</dd>
          </div>
        </dl>
        <h3 className="mt-4 text-sm font-medium text-slate-900">Using and cancelling credits</h3>
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
              {p.status === "PAID" ? "This package is paid." : "This purchase was cancelled."}{" "}
              <Link className="underline" to="/packages">
                Your packages
              </Link>
            </Alert>
          )}
        </div>
      </Card>
    </div>
  );
}
