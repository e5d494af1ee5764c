import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { creditsLeft } from "~/components/packages";
import { Alert, Badge, Card, EmptyState, PageHeader } from "~/components/ui";
import { formatDateTime } from "~/lib/format";
import { formatMinor } from "~/lib/money";
import { errorResponse, requireViewer } from "~/lib/viewer.server";

export const meta: MetaFunction = () => [{ title: "Your packages · Tandem" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { api, viewer } = await requireViewer(context, request);
  try {
    return json({ purchases: await api.packages.myPurchases(), timeZone: viewer.user.timeZone });
  } catch (error) {
    throw errorResponse(error);
  }
}

/** The client's packages: credits left per package, and purchases still waiting for payment. */
export default function MyPackages() {
  const { purchases, timeZone } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const justPaid = purchases.find((p) => p.id === params.get("paid"));
  return (
    <div>
      <PageHeader title="Your packages" description="Sessions you paid for in advance. Each booking uses one credit." />
      {justPaid ? (
        <div className="mb-4">
          <Alert tone="success">
            {justPaid.status === "PAID"
              ? `Thank you! ${justPaid.packageName} is paid: ${creditsLeft(justPaid)}.`
              : "Thank you! Your payment is being confirmed; the credits appear here in a moment."}
          </Alert>
        </div>
      ) : null}
      <Card title="Packages">
        {purchases.length === 0 ? (
          <EmptyState title="No packages yet">
            Coaches who offer packages show them on their profile.{" "}
            <Link className="underline" to="/coaches">
              Find a coach
            </Link>
          </EmptyState>
        ) : (
          <ul aria-label="Your packages" className="divide-y divide-slate-100">
            {purchases.map((p) => (
              <li
                key={p.id}
                aria-label={p.packageName}
                className="flex flex-wrap items-center justify-between gap-3 py-3 text-sm"
              >
                <div>
                  <p>
                    <span className="font-medium">{p.packageName}</span> · {p.sessionsTotal} × {p.serviceName} with{" "}
                    {p.coachName}
                  </p>
                  <p className="text-slate-600">
                    {p.status === "PAID" ? (
                      <>
                        <span className="font-semibold text-slate-900">{creditsLeft(p)}</span> · paid{" "}
                        {formatMinor(p.priceMinor, p.currency)}
                        {p.paidAt ? ` on ${formatDateTime(p.paidAt, timeZone)}` : ""}
                      </>
                    ) : (
                      <Badge tone="amber">Waiting for payment</Badge>
                    )}
                  </p>
                </div>
                {p.status === "PAID" && p.creditsRemaining > 0 ? (
                  <Link
                    to={`/coaches/${p.coachProfileId}/book/${p.serviceId}`}
                    className="rounded-md bg-brand-600 px-3 py-1.5 font-medium text-white hover:bg-brand-700"
                    aria-label={`Book a session with a credit of ${p.packageName}`}
                  >
                    Book a session
                  </Link>
                ) : p.status === "PENDING" ? (
                  <Link to={`/coaches/${p.coachProfileId}`} className="font-medium text-brand-700 underline">
                    Back to the coach
                  </Link>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
