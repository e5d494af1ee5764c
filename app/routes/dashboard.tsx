import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { OnlineNow } from "~/components/online-now";
import { Badge, Card, PageHeader } from "~/components/ui";
import { roleLabels, rolePlurals } from "~/lib/format";
import { requireViewer } from "~/lib/viewer.server";

export const meta: MetaFunction = () => [{ title: "Dashboard · Tandem" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { api, viewer } = await requireViewer(context, request);
  return json({ summary: await api.dashboard.summary(), user: viewer.user });
}

const money = (minor: number, currency: string) =>
  new Intl.NumberFormat("en-GB", { style: "currency", currency }).format(minor / 100);

export default function Dashboard() {
  const { summary, user } = useLoaderData<typeof loader>();
  const { tenant, role } = summary;
  const isCoach = role === "COACH" || role === "CERTIFIED_COACH" || role === "PERSONAL_TRAINER";
  return (
    <div>
      <PageHeader
        title={`Welcome, ${user.name.split(" ")[0]}`}
        description={
          <>
            {roleLabels[role]} at {tenant.name} · times shown in {user.timeZone}
          </>
        }
      />
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          {role === "CLIENT" ? (
            <Card title="Your coaching" description="Your organisation's coaching offer.">
              {tenant.featureCoaches ? (
                <ul className="space-y-2 text-sm">
                  <li>
                    <Link className="font-medium text-brand-700 underline" to="/coaches">
                      Find a coach
                    </Link>{" "}
                    by specialty, topic, language or price.
                  </li>
                  <li>
                    <Link className="font-medium text-brand-700 underline" to="/favourites">
                      Saved coaches
                    </Link>{" "}
                    you want to come back to.
                  </li>
                  <li>
                    <Link className="font-medium text-brand-700 underline" to="/coaching/apply">
                      Become a coach
                    </Link>{" "}
                    yourself: see which criteria you meet.
                  </li>
                </ul>
              ) : (
                <p className="text-sm text-slate-700">Your organisation has not opened coaching yet.</p>
              )}
            </Card>
          ) : null}
          {isCoach ? (
            <Card
              title="Your practice"
              description={
                role === "CERTIFIED_COACH" ? "Certified coaches also review new coaches' applications." : undefined
              }
              actions={
                tenant.featureCoaches ? (
                  <Link className="text-sm font-medium text-brand-700 underline" to="/coaching/profile">
                    Edit profile
                  </Link>
                ) : null
              }
            >
              <dl className="grid grid-cols-2 gap-4 text-sm">
                <div>
                  <dt className="text-slate-500">Role</dt>
                  <dd className="font-medium">
                    {roleLabels[role]} {role === "CERTIFIED_COACH" ? <Badge tone="brand">Certified</Badge> : null}
                  </dd>
                </div>
                <div>
                  <dt className="text-slate-500">Active-client capacity</dt>
                  <dd className="font-medium">{tenant.coachClientCapacity} clients</dd>
                </div>
                <div>
                  <dt className="text-slate-500">Platform fee</dt>
                  <dd className="font-medium">{(tenant.platformFeeBps / 100).toFixed(2)}%</dd>
                </div>
                <div>
                  <dt className="text-slate-500">Minimum service price</dt>
                  <dd className="font-medium">{money(tenant.minServicePriceMinor, tenant.currency)}</dd>
                </div>
              </dl>
            </Card>
          ) : null}
          {summary.members ? (
            <Card
              title="Your organisation"
              actions={
                <Link className="text-sm font-medium text-brand-700 underline" to="/organisation">
                  Settings
                </Link>
              }
            >
              <dl className="grid grid-cols-2 gap-4 text-sm sm:grid-cols-3" aria-label="Members by role">
                {Object.entries(rolePlurals).map(([key, label]) => (
                  <div key={key}>
                    <dt className="text-slate-500">{label}</dt>
                    <dd className="text-xl font-semibold">
                      {summary.members?.[key as keyof typeof summary.members] ?? 0}
                    </dd>
                  </div>
                ))}
              </dl>
            </Card>
          ) : null}
          {summary.tenantCount !== null ? (
            <Card
              title="Platform"
              actions={
                <Link className="text-sm font-medium text-brand-700 underline" to="/admin/tenants">
                  Manage tenants
                </Link>
              }
            >
              <p className="text-sm text-slate-700">
                <span className="text-2xl font-semibold">{summary.tenantCount}</span> organisation
                {summary.tenantCount === 1 ? "" : "s"} on this Tandem.
              </p>
            </Card>
          ) : null}
          <Card title="Features in your organisation">
            <ul className="flex flex-wrap gap-2 text-sm">
              <li>
                <Badge tone={tenant.featureCoaches ? "green" : "slate"}>
                  Coaches: {tenant.featureCoaches ? "on" : "off"}
                </Badge>
              </li>
              <li>
                <Badge tone={tenant.featurePremiumCoachServices ? "green" : "slate"}>
                  Premium coach services: {tenant.featurePremiumCoachServices ? "on" : "off"}
                </Badge>
              </li>
            </ul>
          </Card>
        </div>
        <OnlineNow tenantId={tenant.id} selfId={user.id} />
      </div>
    </div>
  );
}
