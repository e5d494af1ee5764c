import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { CoachCard } from "~/components/coach-card";
import { EmptyState, PageHeader } from "~/components/ui";
import { requireViewer } from "~/lib/viewer.server";

export const meta: MetaFunction = () => [{ title: "Saved coaches · Tandem" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { api } = await requireViewer(context, request);
  const [favourites, tenant] = await Promise.all([api.favourites.list(), api.tenant.current()]);
  return json({ favourites, currency: tenant.currency });
}

export default function Favourites() {
  const { favourites, currency } = useLoaderData<typeof loader>();
  return (
    <div>
      <PageHeader title="Saved coaches" description="Coaches you saved from the directory." />
      {favourites.length === 0 ? (
        <EmptyState title="You have not saved any coaches yet">
          <Link to="/coaches" className="font-medium text-brand-700 underline">
            Find a coach
          </Link>{" "}
          and press “Save coach” on their profile.
        </EmptyState>
      ) : (
        <ul aria-label="Saved coaches" className="space-y-3">
          {favourites.map((c) => (
            <CoachCard key={c.id} coach={c} currency={currency} />
          ))}
        </ul>
      )}
    </div>
  );
}
