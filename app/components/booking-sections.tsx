import type { ReactNode } from "react";
import { EmptyState } from "~/components/ui";

/** Bookings split into upcoming and past/cancelled, each rendered by `row`. */
export function BookingSections<T extends { endsAt: string; status: string }>({
  bookings,
  now,
  row,
}: {
  bookings: T[];
  now: number;
  row: (b: T) => ReactNode;
}) {
  const upcoming = bookings.filter((b) => new Date(b.endsAt).getTime() > now && b.status !== "CANCELLED");
  const rest = bookings.filter((b) => !upcoming.includes(b));
  return (
    <div className="space-y-6">
      <section aria-labelledby="upcoming">
        <h2 id="upcoming" className="mb-2 text-lg font-semibold">
          Upcoming
        </h2>
        {upcoming.length ? (
          <ul className="divide-y divide-slate-100 rounded-xl bg-white px-4 ring-1 ring-slate-200">
            {upcoming.map(row)}
          </ul>
        ) : (
          <EmptyState title="Nothing planned" />
        )}
      </section>
      {rest.length ? (
        <section aria-labelledby="past">
          <h2 id="past" className="mb-2 text-lg font-semibold">
            Past and cancelled
          </h2>
          <ul className="divide-y divide-slate-100 rounded-xl bg-white px-4 ring-1 ring-slate-200">{rest.map(row)}</ul>
        </section>
      ) : null}
    </div>
  );
}
