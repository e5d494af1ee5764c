import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Badge, EmptyState, PageHeader } from "~/components/ui";
import { sessionTypeLabels } from "~/lib/coaching";
import { formatDateTime } from "~/lib/format";
import { formatMinor } from "~/lib/money";
import { errorResponse, requireViewer } from "~/lib/viewer.server";

export const meta: MetaFunction = () => [{ title: "Your bookings · Tandem" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { api, viewer } = await requireViewer(context, request);
  try {
    return json({ bookings: await api.bookings.mine(), timeZone: viewer.user.timeZone, now: Date.now() });
  } catch (error) {
    throw errorResponse(error);
  }
}

export const bookingStatusLabel = (status: string, holdExpiresAt: string | null, now: number) =>
  status === "PENDING" ? (holdExpiresAt && new Date(holdExpiresAt).getTime() > now ? "Awaiting payment" : "Hold expired") : ({ CONFIRMED: "Confirmed", COMPLETED: "Completed", NO_SHOW: "Missed", CANCELLED: "Cancelled" } as Record<string, string>)[status] ?? status;

export default function Bookings() {
  const { bookings, timeZone, now } = useLoaderData<typeof loader>();
  const upcoming = bookings.filter((b) => new Date(b.endsAt).getTime() > now && b.status !== "CANCELLED");
  const past = bookings.filter((b) => !upcoming.includes(b));
  const row = (b: (typeof bookings)[number]) => (
    <li key={b.id} className="flex flex-wrap items-center justify-between gap-2 py-3 text-sm">
      <span>
        <Link to={`/bookings/${b.id}`} className="font-medium hover:underline">{b.service?.name ?? "Session"} with {b.coachProfile.displayName}</Link>
        <span className="block text-slate-600">{formatDateTime(b.startsAt, timeZone)} · {sessionTypeLabels[b.sessionType]} · {formatMinor(b.priceMinor, b.currency)}</span>
      </span>
      <Badge tone={b.status === "CONFIRMED" ? "green" : b.status === "PENDING" ? "amber" : "slate"}>{bookingStatusLabel(b.status, b.holdExpiresAt, now)}</Badge>
    </li>
  );
  return (
    <div>
      <PageHeader title="Your bookings" description={`Times in ${timeZone}.`} />
      {bookings.length === 0 ? (
        <EmptyState title="No bookings yet"><Link className="font-medium text-brand-700 underline" to="/coaches">Find a coach</Link> and book a session.</EmptyState>
      ) : (
        <div className="space-y-6">
          <section aria-labelledby="upcoming">
            <h2 id="upcoming" className="mb-2 text-lg font-semibold">Upcoming</h2>
            {upcoming.length ? <ul className="divide-y divide-slate-100 rounded-xl bg-white px-4 ring-1 ring-slate-200">{upcoming.map(row)}</ul> : <EmptyState title="Nothing planned" />}
          </section>
          {past.length ? (
            <section aria-labelledby="past">
              <h2 id="past" className="mb-2 text-lg font-semibold">Past and cancelled</h2>
              <ul className="divide-y divide-slate-100 rounded-xl bg-white px-4 ring-1 ring-slate-200">{past.map(row)}</ul>
            </section>
          ) : null}
        </div>
      )}
    </div>
  );
}
