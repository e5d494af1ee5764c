import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { BookingSections } from "~/components/booking-sections";
import { JoinSessionLink } from "~/components/call/JoinSession";
import { Badge, EmptyState, PageHeader } from "~/components/ui";
import { sessionTypeLabels } from "~/lib/coaching";
import { formatDateTime } from "~/lib/format";
import { formatMinor } from "~/lib/money";
import { openRoomIds } from "~/lib/rooms.server";
import { errorResponse, requireViewer } from "~/lib/viewer.server";

export const meta: MetaFunction = () => [{ title: "Your sessions · Tandem" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { api, viewer } = await requireViewer(context, request);
  try {
    const bookings = await api.bookings.forCoach();
    return json({ bookings, openRooms: openRoomIds(bookings), timeZone: viewer.user.timeZone, now: Date.now() });
  } catch (error) {
    throw errorResponse(error);
  }
}

const statusText: Record<string, string> = {
  PENDING: "Awaiting payment",
  CONFIRMED: "Confirmed",
  COMPLETED: "Completed",
  NO_SHOW: "Missed",
  CANCELLED: "Cancelled",
};

export default function CoachBookings() {
  const { bookings, openRooms, timeZone, now } = useLoaderData<typeof loader>();
  const row = (b: (typeof bookings)[number]) => (
    <li key={b.id} className="flex flex-wrap items-center justify-between gap-2 py-3 text-sm">
      <span>
        <Link to={`/bookings/${b.id}`} className="font-medium hover:underline">
          {b.clientName} · {b.service?.name ?? "Session"}
        </Link>
        <span className="block text-slate-600">
          {formatDateTime(b.startsAt, timeZone)} · {sessionTypeLabels[b.sessionType]} ·{" "}
          {b.packagePurchaseId
            ? "package credit (paid with the package)"
            : `you receive ${formatMinor(b.coachPayoutMinor, b.currency)}`}
          {b.topic ? ` · ${b.topic}` : ""}
        </span>
        {b.outcomeSummary ? <span className="block text-slate-500">Attendance: {b.outcomeSummary}</span> : null}
      </span>
      {openRooms.includes(b.id) ? <JoinSessionLink bookingId={b.id} className="ml-auto" /> : null}
      <Badge tone={b.status === "CONFIRMED" ? "green" : b.status === "PENDING" ? "amber" : "slate"}>
        {statusText[b.status] ?? b.status}
      </Badge>
    </li>
  );
  return (
    <div>
      <PageHeader
        title="Your sessions"
        description={
          <>
            Booked sessions, in {timeZone}.{" "}
            <Link className="text-brand-700 underline" to="/coaching/availability">
              Change your hours
            </Link>
          </>
        }
      />
      {bookings.length === 0 ? (
        <EmptyState title="No sessions booked yet">Clients can book you once you have hours and a service.</EmptyState>
      ) : (
        <BookingSections bookings={bookings} now={now} row={row} />
      )}
    </div>
  );
}
