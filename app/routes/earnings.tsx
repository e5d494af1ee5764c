import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Card, EmptyState, PageHeader } from "~/components/ui";
import { formatMinor } from "~/lib/money";
import { errorResponse, requireViewer } from "~/lib/viewer.server";

export const meta: MetaFunction = () => [{ title: "Earnings · Tandem" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { api, viewer } = await requireViewer(context, request);
  try {
    if (viewer.role === "TENANT_ADMIN")
      return json({
        kind: "tenant" as const,
        ...(await api.earnings.tenant()),
        upcoming: [] as { currency: string; sessions: number; payoutMinor: number }[],
        payouts: null,
      });
    return json({ kind: "coach" as const, ...(await api.earnings.mine()) });
  } catch (error) {
    throw errorResponse(error);
  }
}

const monthName = (month: string) =>
  new Intl.DateTimeFormat("en-GB", { month: "long", year: "numeric", timeZone: "UTC" }).format(
    new Date(`${month}-01T00:00:00Z`),
  );

export default function Earnings() {
  const { kind, months, upcoming, payouts } = useLoaderData<typeof loader>();
  return (
    <div>
      <PageHeader
        title={kind === "tenant" ? "Platform income" : "Earnings"}
        description={
          kind === "tenant"
            ? "Fees the platform kept from your coaches' sessions, by month."
            : "What your sessions brought in, by month. Refunds take back your share and the fee in proportion."
        }
      />
      <div className="grid gap-6 lg:grid-cols-3">
        <Card title="By month" className="lg:col-span-2">
          {months.length === 0 ? (
            <EmptyState title="No payments yet">Paid sessions appear here.</EmptyState>
          ) : (
            <table className="w-full text-sm">
              <caption className="sr-only">Totals per month</caption>
              <thead>
                <tr className="text-left text-slate-500">
                  <th scope="col" className="py-1 font-medium">
                    Month
                  </th>
                  <th scope="col" className="py-1 text-right font-medium">
                    Paid by clients
                  </th>
                  <th scope="col" className="py-1 text-right font-medium">
                    Refunded
                  </th>
                  <th scope="col" className="py-1 text-right font-medium">
                    Platform fees
                  </th>
                  {kind === "coach" ? (
                    <th scope="col" className="py-1 text-right font-medium">
                      Yours
                    </th>
                  ) : null}
                </tr>
              </thead>
              <tbody>
                {months.map((m) => (
                  <tr key={`${m.month}-${m.currency}`} className="border-t border-slate-100">
                    <th scope="row" className="py-2 text-left font-medium">
                      {monthName(m.month)}
                    </th>
                    <td className="py-2 text-right">{formatMinor(m.grossMinor, m.currency)}</td>
                    <td className="py-2 text-right">{formatMinor(m.refundedMinor, m.currency)}</td>
                    <td className="py-2 text-right">{formatMinor(m.feesMinor, m.currency)}</td>
                    {kind === "coach" ? (
                      <td className="py-2 text-right font-semibold">{formatMinor(m.netMinor, m.currency)}</td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
        {payouts ? (
          <Card
            title="Payouts"
            description={
              payouts.schedule === "MONTHLY"
                ? `Monthly, on day ${payouts.monthlyAnchor}${payouts.monthlyAnchor > 28 ? " (the last day in shorter months)" : ""}.`
                : "Daily."
            }
          >
            {payouts.nextPayoutOn ? (
              <p className="text-sm">
                Next payout:{" "}
                <span className="font-semibold">
                  {new Intl.DateTimeFormat("en-GB", { dateStyle: "full", timeZone: "UTC" }).format(
                    new Date(`${payouts.nextPayoutOn}T00:00:00Z`),
                  )}
                </span>
              </p>
            ) : (
              <p className="text-sm">
                Payouts are not set up yet:{" "}
                <Link to="/coaching/availability" className="text-brand-700 underline">
                  set them up
                </Link>{" "}
                (with your availability) to be paid.
              </p>
            )}
            <p className="mt-1 text-xs text-slate-500">Your organisation sets the schedule.</p>
          </Card>
        ) : null}
        {kind === "coach" ? (
          <Card title="Coming up" description="Confirmed sessions still to take place.">
            {upcoming.length === 0 ? (
              <EmptyState title="Nothing confirmed ahead" />
            ) : (
              <ul className="space-y-1 text-sm">
                {upcoming.map((u) => (
                  <li key={u.currency}>
                    {u.sessions} session{u.sessions === 1 ? "" : "s"}:{" "}
                    <span className="font-semibold">{formatMinor(u.payoutMinor, u.currency)}</span>
                  </li>
                ))}
              </ul>
            )}
          </Card>
        ) : null}
      </div>
    </div>
  );
}
