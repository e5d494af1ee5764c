import { Link } from "@remix-run/react";
import { clsx } from "clsx";
import { formatDateTime } from "~/lib/format";
import { trpc } from "~/lib/trpc";

/** The way into a booking's live room from a list row, shown while the room is open. */
export function JoinSessionLink({ bookingId, className }: { bookingId: string; className?: string }) {
  return (
    <Link
      to={`/sessions/${bookingId}`}
      className={clsx(
        "inline-flex items-center rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white shadow-sm hover:bg-brand-700",
        className,
      )}
    >
      Join session
    </Link>
  );
}

/** On a booking's page: "Join session" while the room is open, otherwise when it opens (in the viewer's zone). */
export function SessionRoomNotice({ bookingId, timeZone }: { bookingId: string; timeZone: string }) {
  const room = trpc.sessions.room.useQuery({ bookingId }, { refetchInterval: 60_000 });
  if (!room.data) return null;
  if (room.data.ok) return <JoinSessionLink bookingId={bookingId} />;
  if (room.data.reason === "TOO_EARLY" && room.data.opensAt) {
    return <p className="text-slate-600">The session room opens at {formatDateTime(room.data.opensAt, timeZone)}.</p>;
  }
  return null;
}
