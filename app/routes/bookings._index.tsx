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

export const meta: MetaFunction = () => [{ title: "Your bookings · Tandem" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { api, viewer } = await requireViewer(context, request);
  try {
    const bookings = await api.bookings.mine();
    return json({ bookings, openRooms: openRoomIds(bookings), timeZone: viewer.user.timeZone, now: Date.now() });
  } catch (error) {
    throw errorResponse(error);
  }
}

export const bookingStatusLabel = (status: string, holdExpiresAt: string | null, now: number) =>
  status === "PENDING"
    ? holdExpiresAt && new Date(holdExpiresAt).getTime() > now
      ? "Awaiting payment"
      : "Hold expired"
    : ((
        { CONFIRMED: "Confirmed", COMPLETED: "Completed", NO_SHOW: "Missed", CANCELLED: "Cancelled" } as Record<
          string,
          string
        >
      )[status] ?? status);

export default function Bookings() {
  const { bookings, openRooms, timeZone, now } = useLoaderData<typeof loader>();
  const row = (b: (typeof bookings)[number]) => (
    <li key={b.id} className="flex flex-wrap items-center justify-between gap-2 py-3 text-sm">
      <span>
        <Link to={`/bookings/${b.id}`} className="font-medium hover:underline">
          {b.service?.name ?? "Session"} with {b.coachProfile.displayName}
        </Link>
        <span className="block text-slate-600">
          {formatDateTime(b.startsAt, timeZone)} · {sessionTypeLabels[b.sessionType]} ·{" "}
          {b.packagePurchaseId ? "package credit" : formatMinor(b.priceMinor, b.currency)}
        </span>
      </span>
      {openRooms.includes(b.id) ? <JoinSessionLink bookingId={b.id} className="ml-auto" /> : null}
      <Badge tone={b.status === "CONFIRMED" ? "green" : b.status === "PENDING" ? "amber" : "slate"}>
        {bookingStatusLabel(b.status, b.holdExpiresAt, now)}
      </Badge>
    </li>
  );
  return (
    <div>
      <PageHeader
        title="Your bookings"
        description={
          <>
            Times in {timeZone}.{" "}
            <Link className="text-brand-700 underline" to="/bookings/history">
              Session history
            </Link>{" "}
            has your past sessions with their notes, action items and resources.{" "}
            <Link className="text-brand-700 underline" to="/packages">
              Your packages
            </Link>{" "}
            show the credits you have left.
          </>
        }
      />
      {bookings.length === 0 ? (
        <EmptyState title="No bookings yet">
          <Link className="font-medium text-brand-700 underline" to="/coaches">
            Find a coach
          </Link>{" "}
          and book a session.
        </EmptyState>
      ) : (
        <BookingSections bookings={bookings} now={now} row={row} />
      )}
    </div>
  );
}
